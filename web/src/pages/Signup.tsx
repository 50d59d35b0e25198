import { useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import { useLimits, useSignedIn } from '../api/auth';
import { apiSend } from '../api/client';
import type { SignedInUser } from '../api/types';
import { AuthCard, FormError } from '../components/AuthCard';
import { charCount, Field } from '../components/Field';
import { splitError, type SplitError } from '../lib/form';

type SignupField = 'email' | 'username' | 'password' | 'invite_code';
const FIELDS = ['email', 'username', 'password', 'invite_code'] as const;

export default function Signup() {
  const [values, setValues] = useState<Record<SignupField, string>>({
    email: '',
    username: '',
    password: '',
    invite_code: '',
  });
  const [errors, setErrors] = useState<SplitError<SignupField>>({ fields: {}, form: null });
  const [busy, setBusy] = useState(false);
  const [needsInvite, setNeedsInvite] = useState(false);
  const limits = useLimits().data;
  const signedIn = useSignedIn();
  const navigate = useNavigate();
  const set = (field: SignupField) => (event: { target: { value: string } }) =>
    setValues((current) => ({ ...current, [field]: event.target.value }));

  const check = (): SplitError<SignupField>['fields'] => {
    const fields: SplitError<SignupField>['fields'] = {};
    if (!/^[^\s@]+@[^\s@]+$/.test(values.email.trim()))
      fields.email = 'Enter an email address, like you@example.com.';
    if (limits && !new RegExp(limits.username.pattern).test(values.username))
      fields.username = 'Use 3 to 30 letters, digits or underscores.';
    const length = charCount(values.password);
    if (limits && (length < limits.password.min || length > limits.password.max))
      fields.password = `Use ${limits.password.min} to ${limits.password.max} characters.`;
    return fields;
  };

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    const fields = check();
    setErrors({ fields, form: null });
    if (Object.keys(fields).length > 0) return;
    setBusy(true);
    try {
      const user = await apiSend<SignedInUser>('POST', '/api/auth/signup', {
        email: values.email.trim(),
        username: values.username,
        password: values.password,
        ...(values.invite_code ? { invite_code: values.invite_code.trim() } : {}),
      });
      signedIn(user);
      await navigate('/');
    } catch (error) {
      const split = splitError(error, FIELDS, { invite_code: 'invite_code' });
      if (split.fields.invite_code || /invite/i.test(split.form ?? '')) setNeedsInvite(true);
      setErrors(split);
    } finally {
      setBusy(false);
    }
  };

  const passwordLength = charCount(values.password);
  return (
    <AuthCard
      title="Welcome to Corkboard"
      footer={
        <span>
          Already a member? <Link to="/login">Log in</Link>
        </span>
      }
    >
      <p className="lead">Find ideas to try, and save them to boards.</p>
      <p className="business-signup-link">
        For a brand or a shop? <Link to="/business/signup">Create a business account</Link>
      </p>
      <form onSubmit={(event) => void onSubmit(event)} noValidate>
        <Field
          label="Email"
          name="email"
          type="email"
          autoComplete="email"
          value={values.email}
          onChange={set('email')}
          error={errors.fields.email}
        />
        <Field
          label="Username"
          name="username"
          autoComplete="username"
          value={values.username}
          onChange={set('username')}
          error={errors.fields.username}
          hint="3 to 30 letters, digits or underscores."
        />
        <Field
          label="Password"
          name="password"
          type="password"
          autoComplete="new-password"
          value={values.password}
          onChange={set('password')}
          error={errors.fields.password}
          hint={
            limits
              ? passwordLength > 0 && passwordLength < limits.password.min
                ? `${limits.password.min - passwordLength} more characters needed.`
                : `At least ${limits.password.min} characters.`
              : undefined
          }
        />
        {needsInvite && (
          <Field
            label="Invite code"
            name="invite_code"
            value={values.invite_code}
            onChange={set('invite_code')}
            error={errors.fields.invite_code}
          />
        )}
        <FormError message={errors.form} />
        <button type="submit" className="button button-primary button-wide" disabled={busy}>
          {busy ? 'Creating your account…' : 'Sign up'}
        </button>
      </form>
    </AuthCard>
  );
}
