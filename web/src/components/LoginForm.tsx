import { useState, type FormEvent } from 'react';
import { useSignedIn } from '../api/auth';
import { apiSend } from '../api/client';
import type { SignedInUser } from '../api/types';
import { splitError, type SplitError } from '../lib/form';
import { FormError } from './AuthCard';
import { Field } from './Field';

type LoginField = 'username_or_email' | 'password';

/**
 * The log-in form (POST /api/auth/login): the Log in page and the OAuth consent page use it.
 * Errors show next to their field; once signed in, the app knows who and `onSignedIn` runs.
 */
export function LoginForm({ onSignedIn }: { onSignedIn: (user: SignedInUser) => void | Promise<void> }) {
  const [usernameOrEmail, setUsernameOrEmail] = useState('');
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState<SplitError<LoginField>>({ fields: {}, form: null });
  const [busy, setBusy] = useState(false);
  const signedIn = useSignedIn();

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    const fields: SplitError<LoginField>['fields'] = {};
    if (!usernameOrEmail.trim()) fields.username_or_email = 'Enter your username or email.';
    if (!password) fields.password = 'Enter your password.';
    setErrors({ fields, form: null });
    if (Object.keys(fields).length > 0) return;
    setBusy(true);
    try {
      const user = await apiSend<SignedInUser>('POST', '/api/auth/login', {
        username_or_email: usernameOrEmail.trim(),
        password,
      });
      signedIn(user);
      await onSignedIn(user);
    } catch (error) {
      setErrors(splitError(error, ['username_or_email', 'password'] as const));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form onSubmit={(event) => void onSubmit(event)} noValidate>
      <Field
        label="Username or email"
        name="username_or_email"
        autoComplete="username"
        value={usernameOrEmail}
        onChange={(event) => setUsernameOrEmail(event.target.value)}
        error={errors.fields.username_or_email}
      />
      <Field
        label="Password"
        name="password"
        type="password"
        autoComplete="current-password"
        value={password}
        onChange={(event) => setPassword(event.target.value)}
        error={errors.fields.password}
      />
      <FormError message={errors.form} />
      <button type="submit" className="button button-primary button-wide" disabled={busy}>
        {busy ? 'Logging in…' : 'Log in'}
      </button>
    </form>
  );
}
