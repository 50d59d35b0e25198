import { Link } from 'react-router';
import { AuthCard } from '../components/AuthCard';
import { SignupForm } from '../components/SignupForm';

export default function Signup() {
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
      <SignupForm submitLabel="Sign up" nextPath="/" />
    </AuthCard>
  );
}
