import { useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router';
import { useLimits, useSignedIn } from '../api/auth';
import { apiSend } from '../api/client';
import type { SignedInUser } from '../api/types';
import { splitError, type SplitError } from '../lib/form';
import { FormError } from './AuthCard';
import { charCount, Field } from './Field';

const FIELDS = ['business_name', 'email', 'username', 'password', 'invite_code'] as const;
type SignupField = (typeof FIELDS)[number];

/**
 * The one sign-up form, for a personal account or (with `business`) a business account that
 * is a business from the start. The server is the authority; the checks here only spare a
 * round trip, from the limits the server publishes.
 */
export function SignupForm({
  business,
  submitLabel,
  nextPath,
}: {
  /** A business account: asks for the business name (at most `nameMax` characters). */
  business?: { nameMax?: number };
  submitLabel: string;
  /** Where the new member goes once signed in. */
  nextPath: string;
}) {
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
  const signedIn = useSignedIn();
  const navigate = useNavigate();
  const set = (field: SignupField) => (event: { target: { value: string } }) =>
    setValues((current) => ({ ...current, [field]: event.target.value }));

  const check = (): SplitError<SignupField>['fields'] => {
    const fields: SplitError<SignupField>['fields'] = {};
    if (business && !values.business_name.trim()) fields.business_name = 'Enter the name of your business.';
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
        ...(business ? { account_type: 'BUSINESS', business_name: values.business_name.trim() } : {}),
        ...(values.invite_code ? { invite_code: values.invite_code.trim() } : {}),
      });
      signedIn(user);
      await navigate(nextPath);
    } catch (error) {
      const split = splitError(error, FIELDS);
      if (split.fields.invite_code || /invite/i.test(split.form ?? '')) setNeedsInvite(true);
      setErrors(split);
    } finally {
      setBusy(false);
    }
  };

  const passwordLength = charCount(values.password);
  return (
    <form onSubmit={(event) => void onSubmit(event)} noValidate>
      {business && (
        <Field
          label="Business name"
          name="business_name"
          autoComplete="organization"
          value={values.business_name}
          onChange={set('business_name')}
          error={errors.fields.business_name}
          count={
            business.nameMax ? { length: charCount(values.business_name), max: business.nameMax } : undefined
          }
        />
      )}
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
        {busy ? 'Creating your account…' : submitLabel}
      </button>
    </form>
  );
}
