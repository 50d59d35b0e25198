import { useState, type FormEvent } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { useSignedIn } from '../api/auth';
import { apiSend } from '../api/client';
import type { SignedInUser } from '../api/types';
import { AuthCard, FormError } from '../components/AuthCard';
import { Field } from '../components/Field';
import { splitError, type SplitError } from '../lib/form';
import { safeNextPath } from '../lib/navigation';

type LoginField = 'username_or_email' | 'password';

export default function Login() {
  const [usernameOrEmail, setUsernameOrEmail] = useState('');
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState<SplitError<LoginField>>({ fields: {}, form: null });
  const [busy, setBusy] = useState(false);
  const signedIn = useSignedIn();
  const navigate = useNavigate();
  const [params] = useSearchParams();

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
      await navigate(safeNextPath(params.get('next')));
    } catch (error) {
      setErrors(splitError(error, ['username_or_email', 'password'] as const));
    } finally {
      setBusy(false);
    }
  };

  return (
    <AuthCard
      title="Log in to Corkboard"
      footer={
        <>
          <Link to="/forgot-password">Forgot your password?</Link>
          <span>
            Not on Corkboard yet? <Link to="/signup">Sign up</Link>
          </span>
        </>
      }
    >
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
    </AuthCard>
  );
}
