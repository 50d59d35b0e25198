import { useEffect, useState, type ReactNode } from 'react';
import { useLocation } from 'react-router';
import { messageOf } from '../../api/client';
import { answerConsent, useAuthorization, type AuthorizationView } from '../../api/oauth';
import { FormError } from '../../components/AuthCard';
import { LoginForm } from '../../components/LoginForm';
import { ScopePicker } from '../../components/ScopePicker';
import { Loading } from '../../components/States';
import './consent.css';

type ConsentRequest = Extract<AuthorizationView, { status: 'consent' }>;

/** Sends the browser to the app (or wherever the server said the answer goes). */
function leaveFor(url: string) {
  window.location.assign(url);
}

/**
 * `/oauth/`: a third-party app asks for access. The server checked the request before serving
 * this page; the page reads it again (`GET /api/oauth/authorize`), offers log-in when nobody is
 * signed in, then names the app and what it wants to do, with Allow and Cancel.
 */
export default function Consent() {
  const { search } = useLocation();
  const authorization = useAuthorization(search);
  const redirect = authorization.data?.status === 'redirect' ? authorization.data.redirect_url : null;
  useEffect(() => {
    if (redirect) leaveFor(redirect);
  }, [redirect]);

  if (authorization.isPending) return <Loading label="Checking the app's request…" />;
  if (authorization.isError)
    return (
      <ConsentCard title="This app cannot connect">
        <p className="form-error" role="alert">
          {messageOf(authorization.error)}
        </p>
        <p>Tell the app&apos;s developer. Nothing was shared.</p>
      </ConsentCard>
    );
  const view = authorization.data;
  if (view.status === 'redirect') return <Loading label="Going back to the app…" />;
  if (!view.user)
    return (
      <ConsentCard title={`Log in to continue to ${view.app.name}`} app={view.app}>
        <LoginForm onSignedIn={async () => void (await authorization.refetch())} />
        <CancelButton search={search} />
      </ConsentCard>
    );
  return <ConsentForm view={view} search={search} username={view.user.username} />;
}

function ConsentCard({
  title,
  app,
  children,
}: {
  title: string;
  app?: ConsentRequest['app'];
  children: ReactNode;
}) {
  return (
    <div className="page auth-page">
      <section className="auth-card consent-card" aria-labelledby="consent-title">
        {app?.icon_url ? (
          <img className="consent-icon" src={app.icon_url} alt="" width={64} height={64} />
        ) : (
          <span className="brand-mark large" aria-hidden="true">
            C
          </span>
        )}
        <h1 id="consent-title">{title}</h1>
        {children}
      </section>
    </div>
  );
}

function ConsentForm({ view, search, username }: { view: ConsentRequest; search: string; username: string }) {
  const [selected, setSelected] = useState<string[]>(() => view.scopes.map((s) => s.scope));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const none = selected.length === 0;

  const allow = async () => {
    setBusy(true);
    setError(null);
    try {
      leaveFor(await answerConsent({ query: search, decision: 'allow', scopes: selected }));
    } catch (failure) {
      setError(`Could not give access: ${messageOf(failure)}`);
      setBusy(false);
    }
  };

  return (
    <ConsentCard title={`${view.app.name} wants to access your Corkboard account`} app={view.app}>
      {view.app.website_url && <p className="consent-website">{view.app.website_url}</p>}
      <p>
        Signed in as <strong>{username}</strong>.
      </p>
      <ScopePicker
        legend={`${view.app.name} wants to:`}
        scopes={view.scopes}
        selected={selected}
        onChange={setSelected}
        labelBy="description"
        error={none ? 'Keep at least one, or press Cancel.' : null}
      />
      <p className="muted consent-destination">
        Your answer goes to <span className="consent-origin">{view.redirect_origin}</span>.
      </p>
      <FormError message={error} />
      <div className="consent-actions">
        <CancelButton search={search} />
        <button
          type="button"
          className="button button-primary"
          disabled={busy || none}
          onClick={() => void allow()}
        >
          {busy ? 'Allowing…' : 'Allow'}
        </button>
      </div>
    </ConsentCard>
  );
}

function CancelButton({ search }: { search: string }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const cancel = async () => {
    setBusy(true);
    setError(null);
    try {
      leaveFor(await answerConsent({ query: search, decision: 'deny' }));
    } catch (failure) {
      setError(`Could not cancel: ${messageOf(failure)}`);
      setBusy(false);
    }
  };
  return (
    <>
      <button type="button" className="button consent-cancel" disabled={busy} onClick={() => void cancel()}>
        Cancel
      </button>
      <FormError message={error} />
    </>
  );
}
