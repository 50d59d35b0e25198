import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link, useParams } from 'react-router';
import { ApiError, apiGet, apiSend, messageOf } from '../../api/client';
import {
  appKey,
  formatTime,
  useDeveloperApp,
  type AppToken,
  type AppWithSecret,
  type DeveloperApp,
  type GeneratedToken,
} from '../../api/developer';
import { useScopes } from '../../api/oauth';
import { FormError } from '../../components/AuthCard';
import { ScopePicker } from '../../components/ScopePicker';
import { Empty, ErrorMessage, Loading } from '../../components/States';
import { CopyButton, ShownOnce, StatusBadge } from './common';
import { SandboxSettingsPanel } from './SandboxSettings';
import { SignedInOnly } from '../../components/SignedInOnly';

export default function ManageApp() {
  return <SignedInOnly>{() => <ManageAppLoader />}</SignedInOnly>;
}

function ManageAppLoader() {
  const { appId = '' } = useParams();
  const app = useDeveloperApp(appId);
  if (app.isPending) return <Loading label="Loading the app…" />;
  if (app.isError) {
    const missing = app.error instanceof ApiError && app.error.status === 404;
    return (
      <div className="page narrow">
        <h1>{missing ? 'App not found' : 'Could not load this app'}</h1>
        <ErrorMessage error={app.error} retry={missing ? undefined : () => void app.refetch()} />
        <Link to="/developer">My apps</Link>
      </div>
    );
  }
  return <ManageAppView app={app.data} />;
}

function ManageAppView({ app }: { app: DeveloperApp }) {
  return (
    <div className="page">
      <p>
        <Link to="/developer">← My apps</Link>
      </p>
      <h1>{app.name}</h1>
      <p>
        <StatusBadge app={app} /> <span className="muted">{app.tier} tier</span>
      </p>
      {app.status === 'REJECTED' && (
        <p className="form-error" role="alert">
          Rejected: {app.rejection_reason ?? 'no reason given'}
        </p>
      )}
      {app.status === 'PENDING' && (
        <p className="muted">
          Waiting for an administrator&apos;s review. You can generate tokens once it is approved.
        </p>
      )}
      {app.description && <p className="app-description">{app.description}</p>}
      <Credentials app={app} />
      <GenerateToken app={app} />
      <TokenList app={app} />
      <section className="panel" aria-labelledby="log-heading">
        <h2 id="log-heading">Request log</h2>
        <p>Every /v5 call made with this app&apos;s tokens, with the call inspector.</p>
        <Link className="button" to={`/developer/apps/${app.id}/requests`}>
          Open the request log
        </Link>
      </section>
      <SandboxSettingsPanel appId={app.id} />
    </div>
  );
}

function Credentials({ app }: { app: DeveloperApp }) {
  const queryClient = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const rotate = useMutation({
    mutationFn: () => apiSend<AppWithSecret>('POST', `/api/developer/apps/${app.id}/secret`),
    onSuccess: (rotated) => {
      setConfirming(false);
      const { client_secret: _secret, ...view } = rotated;
      queryClient.setQueryData(appKey(app.id), view);
    },
  });
  return (
    <section className="panel" aria-labelledby="credentials-heading">
      <h2 id="credentials-heading">Credentials</h2>
      <dl className="kv">
        <dt>Client id</dt>
        <dd>
          {app.client_id ? (
            <span className="copy-row">
              <code>{app.client_id}</code> <CopyButton value={app.client_id} label="client id" />
            </span>
          ) : (
            '—'
          )}
        </dd>
        <dt>Website</dt>
        <dd>{app.website_url || '—'}</dd>
        <dt>Redirect URIs</dt>
        <dd>
          <ul className="plain-list">
            {app.redirect_uris.map((uri) => (
              <li key={uri}>
                <code>{uri}</code>
              </li>
            ))}
          </ul>
        </dd>
        <dt>Secret rotated</dt>
        <dd>{formatTime(app.secret_rotated_at)}</dd>
      </dl>
      {rotate.isSuccess && <ShownOnce label="New client secret" value={rotate.data.client_secret} />}
      {confirming ? (
        <div className="row" role="group" aria-label="Confirm rotating the secret">
          <span>The old secret stops working at once.</span>
          <button
            type="button"
            className="button button-danger"
            disabled={rotate.isPending}
            onClick={() => rotate.mutate()}
          >
            {rotate.isPending ? 'Rotating…' : 'Yes, rotate the secret'}
          </button>
          <button type="button" className="button" onClick={() => setConfirming(false)}>
            Cancel
          </button>
        </div>
      ) : (
        <button type="button" className="button" onClick={() => setConfirming(true)}>
          Rotate secret
        </button>
      )}
      {rotate.isError && <FormError message={`Could not rotate the secret: ${messageOf(rotate.error)}`} />}
    </section>
  );
}

function GenerateToken({ app }: { app: DeveloperApp }) {
  const queryClient = useQueryClient();
  const [scopes, setScopes] = useState<string[]>(['user_accounts:read', 'boards:read', 'pins:read']);
  const [scopeError, setScopeError] = useState<string | null>(null);
  const generate = useMutation({
    mutationFn: () => apiSend<GeneratedToken>('POST', `/api/developer/apps/${app.id}/tokens`, { scopes }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['developer-tokens', app.id] }),
  });
  const catalog = useScopes();
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (scopes.length === 0) {
      setScopeError('Choose at least one scope.');
      return;
    }
    setScopeError(null);
    generate.mutate();
  };
  const approved = app.status === 'APPROVED';
  return (
    <section className="panel" aria-labelledby="generate-heading">
      <h2 id="generate-heading">Generate token</h2>
      {!approved && <p className="muted">Tokens can be generated once the app is approved.</p>}
      <form onSubmit={onSubmit} noValidate>
        {catalog.isPending ? (
          <Loading label="Loading scopes…" />
        ) : catalog.isError ? (
          <ErrorMessage
            title="Could not load the scopes"
            error={catalog.error}
            retry={() => void catalog.refetch()}
          />
        ) : (
          <ScopePicker
            legend="Scopes"
            scopes={catalog.data}
            selected={scopes}
            onChange={setScopes}
            error={scopeError}
          />
        )}
        <button
          type="submit"
          className="button button-generate"
          disabled={!approved || !catalog.isSuccess || generate.isPending}
        >
          {generate.isPending ? 'Generating…' : 'Generate token'}
        </button>
      </form>
      {generate.isError && <FormError message={`Could not generate a token: ${messageOf(generate.error)}`} />}
      {generate.isSuccess && (
        <>
          <ShownOnce label="Access token" value={generate.data.access_token} />
          <p className="muted">
            Scopes: {generate.data.scope}. Expires {formatTime(generate.data.access_token_expires_at)}. Send
            it as <code>Authorization: Bearer …</code>.
          </p>
          <ShownOnce label="Refresh token" value={generate.data.refresh_token} />
        </>
      )}
    </section>
  );
}

function TokenList({ app }: { app: DeveloperApp }) {
  const queryClient = useQueryClient();
  const tokens = useQuery({
    queryKey: ['developer-tokens', app.id],
    queryFn: () => apiGet<{ items: AppToken[] }>(`/api/developer/apps/${app.id}/tokens`),
  });
  const revoke = useMutation({
    mutationFn: (tokenId: string) => apiSend('DELETE', `/api/developer/apps/${app.id}/tokens/${tokenId}`),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['developer-tokens', app.id] }),
  });
  return (
    <section className="panel" aria-labelledby="tokens-heading">
      <h2 id="tokens-heading">Tokens</h2>
      {revoke.isError && <FormError message={`Could not revoke the token: ${messageOf(revoke.error)}`} />}
      {tokens.isPending ? (
        <Loading label="Loading tokens…" />
      ) : tokens.isError ? (
        <ErrorMessage
          title="Could not load the tokens"
          error={tokens.error}
          retry={() => void tokens.refetch()}
        />
      ) : tokens.data.items.length === 0 ? (
        <Empty>No tokens yet.</Empty>
      ) : (
        <div className="table-wrap">
          <table className="data-table">
            <caption className="visually-hidden">Tokens of {app.name}</caption>
            <thead>
              <tr>
                <th scope="col">Token</th>
                <th scope="col">Scopes</th>
                <th scope="col">Last used</th>
                <th scope="col">Expires</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {tokens.data.items.map((token) => (
                <tr key={token.id}>
                  <td>
                    <code>{token.prefix}…</code> <span className="muted">{token.kind}</span>
                  </td>
                  <td>{token.scopes.join(', ')}</td>
                  <td>{formatTime(token.last_used_at)}</td>
                  <td>{formatTime(token.expires_at)}</td>
                  <td>
                    <button
                      type="button"
                      className="button button-danger"
                      disabled={revoke.isPending && revoke.variables === token.id}
                      onClick={() => revoke.mutate(token.id)}
                      aria-label={`Revoke token ${token.prefix}`}
                    >
                      Revoke
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
