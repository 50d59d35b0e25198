import { useId, useState, type ReactNode } from 'react';
import { Link, useLocation } from 'react-router';
import { useMe } from '../../api/auth';
import type { SignedInUser } from '../../api/types';
import { STATUS_WORDS, type DeveloperApp } from '../../api/developer';
import { ErrorMessage, Loading } from '../../components/States';
import './developer.css';

/** Renders its children for a signed-in user (and only admins when `admin`); says why otherwise. */
export function SignedInOnly({
  admin = false,
  children,
}: {
  admin?: boolean;
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
      <div className="page narrow">
        <h1>Log in to continue</h1>
        <p>
          This page needs an account.{' '}
          <Link to={`/login?next=${encodeURIComponent(location.pathname + location.search)}`}>Log in</Link> or{' '}
          <Link to="/signup">sign up</Link>.
        </p>
      </div>
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

export function StatusBadge({ app }: { app: DeveloperApp }) {
  return <span className={`status status-${app.status.toLowerCase()}`}>{STATUS_WORDS[app.status]}</span>;
}

/** A secret shown once, with a copy button (the clipboard may be refused: then select it by hand). */
export function ShownOnce({ label, value }: { label: string; value: string }) {
  const id = useId();
  return (
    <div className="shown-once">
      <p className="shown-once-label">
        <label htmlFor={id}>
          <strong>{label}</strong>
        </label>{' '}
        — shown only this once. Copy it now and keep it safe.
      </p>
      <div className="copy-row">
        <textarea
          id={id}
          className="secret"
          readOnly
          rows={2}
          value={value}
          onFocus={(event) => event.currentTarget.select()}
        />
        <CopyButton value={value} label={label} />
      </div>
    </div>
  );
}

export function CopyButton({ value, label }: { value: string; label: string }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
      setState('copied');
    } catch {
      setState('failed');
    }
  };
  return (
    <>
      <button type="button" className="button" onClick={() => void copy()} aria-label={`Copy ${label}`}>
        Copy
      </button>
      <span role="status" className="muted">
        {state === 'copied'
          ? 'Copied.'
          : state === 'failed'
            ? 'Could not copy: select the text and copy it.'
            : ''}
      </span>
    </>
  );
}
