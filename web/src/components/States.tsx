import type { ReactNode } from 'react';
import { isRouteErrorResponse, Link, useRouteError } from 'react-router';
import { messageOf } from '../api/client';

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <div className="state state-loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      {label}
    </div>
  );
}

export function ErrorMessage({
  error,
  title,
  retry,
}: {
  error: unknown;
  title?: string;
  retry?: () => void;
}) {
  return (
    <div className="state state-error" role="alert">
      {title && <strong>{title}</strong>}
      <p>{messageOf(error)}</p>
      {retry && (
        <button type="button" className="button" onClick={retry}>
          Try again
        </button>
      )}
    </div>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <div className="state state-empty">{children}</div>;
}

/** Shown when a page fails to load (e.g. its code chunk after a deploy) or throws. */
export function RouteError() {
  const error = useRouteError();
  const message = isRouteErrorResponse(error) ? `${error.status} ${error.statusText}` : messageOf(error);
  return (
    <main id="main" className="page narrow">
      <h1>Something went wrong</h1>
      <p role="alert">{message}</p>
      <p>
        <a href={window.location.href}>Reload the page</a> or <Link to="/">go home</Link>.
      </p>
    </main>
  );
}
