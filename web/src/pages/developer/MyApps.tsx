import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { apiGet } from '../../api/client';
import { formatTime, type DeveloperApp } from '../../api/developer';
import { Empty, ErrorMessage, Loading } from '../../components/States';
import { StatusBadge } from './common';
import { SignedInOnly } from '../../components/SignedInOnly';

export default function MyApps() {
  return <SignedInOnly>{() => <AppList />}</SignedInOnly>;
}

function AppList() {
  const apps = useQuery({
    queryKey: ['developer-apps'],
    queryFn: () => apiGet<{ items: DeveloperApp[] }>('/api/developer/apps'),
  });
  return (
    <div className="page">
      <h1>My apps</h1>
      <p className="lead">
        Apps call Corkboard&apos;s Pinterest-compatible <code>/v5</code> API. Connect one, wait for an
        administrator to approve it, then generate tokens.
      </p>
      <div className="row">
        <Link className="button button-primary" to="/developer/apps/new">
          Connect app
        </Link>
        <a className="button" href="/api/developer/postman/collection.json" download>
          Download Postman collection
        </a>
        <a className="button" href="/api/developer/postman/environment.json" download>
          Download Postman environment
        </a>
      </div>
      <p className="muted">The environment holds a fresh token for your account, so keep the file private.</p>
      {apps.isPending ? (
        <Loading label="Loading your apps…" />
      ) : apps.isError ? (
        <ErrorMessage title="Could not load your apps" error={apps.error} retry={() => void apps.refetch()} />
      ) : apps.data.items.length === 0 ? (
        <Empty>
          <p>You have no apps yet.</p>
          <Link to="/developer/apps/new">Connect your first app</Link>
        </Empty>
      ) : (
        <ul className="app-list" aria-label="Your apps">
          {apps.data.items.map((app) => (
            <li key={app.id} className="app-item">
              {app.icon_url ? (
                <img className="app-icon" src={app.icon_url} alt="" width={56} height={56} />
              ) : (
                <span className="app-icon" aria-hidden="true" />
              )}
              <div>
                <h2>
                  <Link to={`/developer/apps/${app.id}`}>{app.name}</Link>
                </h2>
                <p>
                  <StatusBadge app={app} />{' '}
                  <span className="muted">Connected {formatTime(app.created_at)}</span>
                </p>
                {app.status === 'REJECTED' && app.rejection_reason && (
                  <p>
                    <strong>Reason:</strong> {app.rejection_reason}
                  </p>
                )}
                {app.status === 'PENDING' && (
                  <p className="muted">
                    An administrator will review it; you can generate tokens once it is approved.
                  </p>
                )}
                <Link className="button" to={`/developer/apps/${app.id}`} aria-label={`Manage ${app.name}`}>
                  Manage
                </Link>
              </div>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
