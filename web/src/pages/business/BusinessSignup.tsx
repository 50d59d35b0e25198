import { useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import { useLimits, useMe, useSignedIn } from '../../api/auth';
import { useBusinessOptions } from '../../api/business';
import { apiSend } from '../../api/client';
import type { SignedInUser } from '../../api/types';
import { AuthCard, FormError } from '../../components/AuthCard';
import { charCount, Field } from '../../components/Field';
import { Loading } from '../../components/States';
import { splitError, type SplitError } from '../../lib/form';

const FIELDS = ['business_name', 'email', 'username', 'password', 'invite_code'] as const;
type SignupField = (typeof FIELDS)[number];

/** "Create a business account": a new account that is a business from the start; the steps follow. */
export default function BusinessSignup() {
  const me = useMe();
  if (me.isPending) return <Loading label="Checking who you are…" />;
  if (me.data)
    return (
      <AuthCard title="Create a business account">
        <p>
          You are logged in as <strong>{me.data.username}</strong>.{' '}
          {me.data.account_type === 'BUSINESS'
            ? 'Your account is already a business account.'
            : 'You can turn this account into a business account: your boards and pins stay.'}
        </p>
        <Link className="button button-primary button-wide" to="/business">
          {me.data.account_type === 'BUSINESS' ? 'Your business profile' : 'Convert to business'}
        </Link>
      </AuthCard>
    );
  return <SignupForm />;
}

function SignupForm() {
  const [values, setValues] = useState<Record<SignupField, string>>({
    business_name: '',
    email: '',
    username: '',
    password: '',
    invite_code: '',
  });
  const [errors, setErrors] = useState<SplitError<SignupField>>({ fields: {}, form: null });
  const [busy, setBusy] = useState(false);
  const [needsInvite, setNeedsInvite] = useState(false);
  const limits = useLimits().data;
  const nameMax = useBusinessOptions().data?.limits.business_name_max;
  const signedIn = useSignedIn();
  const navigate = useNavigate();
  const set = (field: SignupField) => (event: { target: { value: string } }) =>
    setValues((current) => ({ ...current, [field]: event.target.value }));

  const check = (): SplitError<SignupField>['fields'] => {
    const fields: SplitError<SignupField>['fields'] = {};
    if (!values.business_name.trim()) fields.business_name = 'Enter the name of your business.';
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
        account_type: 'BUSINESS',
        business_name: values.business_name.trim(),
        ...(values.invite_code ? { invite_code: values.invite_code.trim() } : {}),
      });
      signedIn(user);
      await navigate('/business');
    } catch (error) {
      const split = splitError(error, FIELDS);
      if (split.fields.invite_code || /invite/i.test(split.form ?? '')) setNeedsInvite(true);
      setErrors(split);
    } finally {
      setBusy(false);
    }
  };

  return (
    <AuthCard
      title="Create a business account"
      footer={
        <span>
          Just for yourself? <Link to="/signup">Sign up for a personal account</Link>. Already a member?{' '}
          <Link to="/login">Log in</Link>
        </span>
      }
    >
      <p className="lead">Reach people looking for ideas, and see how your pins do.</p>
      <form onSubmit={(event) => void onSubmit(event)} noValidate>
        <Field
          label="Business name"
          name="business_name"
          autoComplete="organization"
          value={values.business_name}
          onChange={set('business_name')}
          error={errors.fields.business_name}
          count={nameMax ? { length: charCount(values.business_name), max: nameMax } : undefined}
        />
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
          hint={limits ? `At least ${limits.password.min} characters.` : undefined}
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
          {busy ? 'Creating your account…' : 'Create business account'}
        </button>
      </form>
    </AuthCard>
  );
}
