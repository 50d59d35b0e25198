import { Link, useNavigate, useSearchParams } from 'react-router';
import { AuthCard } from '../components/AuthCard';
import { LoginForm } from '../components/LoginForm';
import { safeNextPath } from '../lib/navigation';

export default function Login() {
  const navigate = useNavigate();
  const [params] = useSearchParams();

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
      <LoginForm onSignedIn={() => navigate(safeNextPath(params.get('next')))} />
    </AuthCard>
  );
}
