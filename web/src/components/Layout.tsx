import { useState } from 'react';
import { Link, NavLink, Outlet, useNavigate, useNavigation } from 'react-router';
import { logOut, useMe, useSignedIn } from '../api/auth';
import { messageOf } from '../api/client';

export function Layout() {
  const me = useMe();
  const navigation = useNavigation();
  const signedIn = useSignedIn();
  const navigate = useNavigate();
  const [logoutError, setLogoutError] = useState<string | null>(null);

  const onLogOut = async () => {
    setLogoutError(null);
    try {
      await logOut();
      signedIn(null);
      await navigate('/login');
    } catch (error) {
      setLogoutError(`Could not log out: ${messageOf(error)}`);
    }
  };

  const user = me.data;
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="site-header">
        <Link to="/" className="brand">
          <span className="brand-mark" aria-hidden="true">
            C
          </span>
          <span className="brand-name">Corkboard</span>
        </Link>
        <nav aria-label="Main" className="site-nav">
          <NavLink to="/" end>
            Home
          </NavLink>
          {user ? (
            <>
              <NavLink to="/create">Create</NavLink>
              <NavLink to={`/user/${encodeURIComponent(user.username)}`}>Profile</NavLink>
              {user.account_type === 'BUSINESS' && <NavLink to="/analytics">Analytics</NavLink>}
              <NavLink to="/developer">Developers</NavLink>
              {user.is_admin && <NavLink to="/admin">Admin</NavLink>}
              <button type="button" className="link-button" onClick={() => void onLogOut()}>
                Log out
              </button>
            </>
          ) : me.isPending ? null : (
            <>
              <NavLink to="/login">Log in</NavLink>
              <NavLink to="/signup" className="button button-primary">
                Sign up
              </NavLink>
            </>
          )}
        </nav>
      </header>
      {navigation.state === 'loading' && (
        <div className="route-progress" role="progressbar" aria-label="Loading page" />
      )}
      {logoutError && (
        <p className="banner banner-error" role="alert">
          {logoutError}
        </p>
      )}
      {me.isError && (
        <p className="banner banner-error" role="alert">
          Could not check whether you are logged in: {messageOf(me.error)}
        </p>
      )}
      <main id="main" tabIndex={-1}>
        <Outlet />
      </main>
    </>
  );
}
