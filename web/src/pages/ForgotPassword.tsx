import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { apiSend } from '../api/client';
import { AuthCard, FormError } from '../components/AuthCard';
import { Field } from '../components/Field';
import { splitError, type SplitError } from '../lib/form';

export default function ForgotPassword() {
  const [email, setEmail] = useState('');
  const [errors, setErrors] = useState<SplitError<'email'>>({ fields: {}, form: null });
  const [sent, setSent] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    if (!/^[^\s@]+@[^\s@]+$/.test(email.trim())) {
      setErrors({ fields: { email: 'Enter the email address of your account.' }, form: null });
      return;
    }
    setErrors({ fields: {}, form: null });
    setBusy(true);
    try {
      const answer = await apiSend<{ message: string }>('POST', '/api/auth/password-reset', {
        email: email.trim(),
      });
      setSent(answer.message);
    } catch (error) {
      setErrors(splitError(error, ['email'] as const));
    } finally {
      setBusy(false);
    }
  };

  return (
    <AuthCard title="Reset your password" footer={<Link to="/login">Back to log in</Link>}>
      {sent ? (
        <p role="status" className="notice">
          {sent}
        </p>
      ) : (
        <form onSubmit={(event) => void onSubmit(event)} noValidate>
          <p className="lead">Enter your email and we will send you a link to choose a new password.</p>
          <Field
            label="Email"
            name="email"
            type="email"
            autoComplete="email"
            value={email}
            onChange={(event) => setEmail(event.target.value)}
            error={errors.fields.email}
          />
          <FormError message={errors.form} />
          <button type="submit" className="button button-primary button-wide" disabled={busy}>
            {busy ? 'Sending…' : 'Send reset link'}
          </button>
        </form>
      )}
    </AuthCard>
  );
}
