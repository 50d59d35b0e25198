import type { ReactNode } from 'react';
import { Link, useLocation } from 'react-router';
import { useMe } from '../api/auth';
import type { SignedInUser } from '../api/types';
import { ErrorMessage, Loading } from './States';

/**
 * Renders its children for a signed-in user (and only admins when `admin`); says why otherwise:
 * `signedOut` in place of the general "Log in to continue" when the page has its own words.
 */
export function SignedInOnly({
  admin = false,
  signedOut,
  children,
}: {
  admin?: boolean;
  signedOut?: ReactNode;
  children: (user: SignedInUser) => ReactNode;
}) {
  const me = useMe();
  const location = useLocation();
  if (me.isPending) return <Loading label="Checking who you are…" />;
  if (me.isError)
    return (
      <div className="page narrow">
        <h1>Could not check whether you are logged in</h1>
        <ErrorMessage error={me.error} retry={() => void me.refetch()} />
      </div>
    );
  if (!me.data)
    return (
      signedOut ?? (
        <div className="page narrow">
          <h1>Log in to continue</h1>
          <p>
            This page needs an account.{' '}
            <Link to={`/login?next=${encodeURIComponent(location.pathname + location.search)}`}>Log in</Link>{' '}
            or <Link to="/signup">sign up</Link>.
          </p>
        </div>
      )
    );
  if (admin && !me.data.is_admin)
    return (
      <div className="page narrow">
        <h1>Administrators only</h1>
        <p role="alert">
          You are logged in as {me.data.username}, who is not an administrator of this server. An
          administrator can make you one with <code>corkboard admin grant {me.data.username}</code>.
        </p>
        <Link to="/">Go home</Link>
      </div>
    );
  return <>{children(me.data)}</>;
}
