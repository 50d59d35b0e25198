import { useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useLimits } from '../api/auth';
import { apiSend } from '../api/client';
import { AuthCard, FormError } from '../components/AuthCard';
import { charCount, Field } from '../components/Field';
import { splitError, type SplitError } from '../lib/form';

type ResetField = 'new_password' | 'confirm' | 'token';

export default function ResetPassword() {
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [errors, setErrors] = useState<SplitError<ResetField>>({ fields: {}, form: null });
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);
  const limits = useLimits().data;

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    const fields: SplitError<ResetField>['fields'] = {};
    const length = charCount(password);
    if (limits && (length < limits.password.min || length > limits.password.max))
      fields.new_password = `Use ${limits.password.min} to ${limits.password.max} characters.`;
    if (confirm !== password) fields.confirm = 'The two passwords differ.';
    setErrors({ fields, form: null });
    if (Object.keys(fields).length > 0) return;
    setBusy(true);
    try {
      await apiSend('POST', '/api/auth/password-reset/confirm', { token, new_password: password });
      setDone(true);
    } catch (error) {
      const split = splitError(error, ['new_password', 'confirm', 'token'] as const);
      // A bad link is not something the person can fix in a field: say it above the button.
      if (split.fields.token)
        setErrors({ fields: {}, form: `This reset link ${split.fields.token.toLowerCase()}` });
      else setErrors(split);
    } finally {
      setBusy(false);
    }
  };

  if (!token) {
    return (
      <AuthCard title="Reset your password">
        <p role="alert" className="form-error">
          This page needs the link from your reset email.{' '}
          <Link to="/forgot-password">Ask for a new link</Link>.
        </p>
      </AuthCard>
    );
  }
  return (
    <AuthCard title="Choose a new password" footer={<Link to="/forgot-password">Ask for a new link</Link>}>
      {done ? (
        <p role="status" className="notice">
          Your password is changed. <Link to="/login">Log in</Link> with it.
        </p>
      ) : (
        <form onSubmit={(event) => void onSubmit(event)} noValidate>
          <Field
            label="New password"
            name="new_password"
            type="password"
            autoComplete="new-password"
            value={password}
            onChange={(event) => setPassword(event.target.value)}
            error={errors.fields.new_password}
          />
          <Field
            label="New password again"
            name="confirm"
            type="password"
            autoComplete="new-password"
            value={confirm}
            onChange={(event) => setConfirm(event.target.value)}
            error={errors.fields.confirm}
          />
          <FormError message={errors.form} />
          <button type="submit" className="button button-primary button-wide" disabled={busy}>
            {busy ? 'Saving…' : 'Set new password'}
          </button>
        </form>
      )}
    </AuthCard>
  );
}
