import { Link } from 'react-router';
import { useMe } from '../../api/auth';
import { useBusinessOptions } from '../../api/business';
import { AuthCard } from '../../components/AuthCard';
import { Loading } from '../../components/States';
import { SignupForm } from '../../components/SignupForm';

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
  return <BusinessSignupCard />;
}

function BusinessSignupCard() {
  const nameMax = useBusinessOptions().data?.limits.business_name_max;
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
      <SignupForm business={{ nameMax }} submitLabel="Create business account" nextPath="/business" />
    </AuthCard>
  );
}
