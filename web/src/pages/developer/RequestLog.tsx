import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { Link, useParams, useSearchParams } from 'react-router';
import { apiGet } from '../../api/client';
import { formatTime, useDeveloperApp, type InspectedCall, type LoggedCall } from '../../api/developer';
import type { Page } from '../../api/types';
import { Empty, ErrorMessage, Loading } from '../../components/States';
import { SignedInOnly } from '../../components/SignedInOnly';
import './developer.css';

const FILTERS = [
  { value: '', label: 'All' },
  { value: '2xx', label: '2xx success' },
  { value: '4xx', label: '4xx client errors' },
  { value: '5xx', label: '5xx server errors' },
  { value: '429', label: '429 rate limited' },
];

export default function RequestLog() {
  return <SignedInOnly>{() => <RequestLogView />}</SignedInOnly>;
}

function StatusCode({ status }: { status: number }) {
  return <span className={status < 400 ? 'http-ok' : 'http-error'}>{status}</span>;
}

function RequestLogView() {
  const { appId = '' } = useParams();
  const [params, setParams] = useSearchParams();
  const status = params.get('status') ?? '';
  const app = useDeveloperApp(appId);
  const calls = useInfiniteQuery({
    queryKey: ['developer-requests', appId, status],
    queryFn: ({ pageParam }) => {
      const query = new URLSearchParams({ page_size: '50' });
      if (status) query.set('status', status);
      if (pageParam) query.set('bookmark', pageParam);
      return apiGet<Page<LoggedCall>>(`/api/developer/apps/${appId}/requests?${query.toString()}`);
    },
    initialPageParam: '',
    getNextPageParam: (last) => last.bookmark ?? undefined,
  });
  const items = calls.data?.pages.flatMap((page) => page.items) ?? [];
  const olderError: unknown = calls.isFetchNextPageError ? calls.error : null;

  return (
    <div className="page">
      <p>
        <Link to={`/developer/apps/${appId}`}>← {app.data?.name ?? 'The app'}</Link>
      </p>
      <h1>Request log{app.data ? `: ${app.data.name}` : ''}</h1>
      <p className="muted">The latest 1,000 /v5 calls made with this app&apos;s tokens, newest first.</p>
      <div className="row">
        <label htmlFor="status-filter">Status</label>
        <select
          id="status-filter"
          value={status}
          onChange={(e) => setParams(e.target.value ? { status: e.target.value } : {}, { replace: true })}
        >
          {FILTERS.map((filter) => (
            <option key={filter.value} value={filter.value}>
              {filter.label}
            </option>
          ))}
        </select>
        <button
          type="button"
          className="button"
          onClick={() => void calls.refetch()}
          disabled={calls.isFetching}
        >
          {calls.isFetching ? 'Refreshing…' : 'Refresh'}
        </button>
      </div>
      {calls.isPending ? (
        <Loading label="Loading the request log…" />
      ) : calls.isError ? (
        <ErrorMessage
          title="Could not load the request log"
          error={calls.error}
          retry={() => void calls.refetch()}
        />
      ) : items.length === 0 ? (
        <Empty>
          {status ? 'No calls with this status.' : 'No calls yet. Generate a token and call /v5 with it.'}
        </Empty>
      ) : (
        <>
          <div className="table-wrap">
            <table className="data-table">
              <caption className="visually-hidden">Logged API calls</caption>
              <thead>
                <tr>
                  <th scope="col">Time</th>
                  <th scope="col">Status</th>
                  <th scope="col">Call</th>
                  <th scope="col">Latency</th>
                  <th scope="col">Token</th>
                </tr>
              </thead>
              <tbody>
                {items.map((call) => (
                  <tr key={call.id}>
                    <td>{formatTime(call.created_at)}</td>
                    <td>
                      <StatusCode status={call.status} />
                    </td>
                    <td className="path">
                      <Link to={`/developer/apps/${appId}/requests/${call.id}`}>
                        {call.method} {call.path}
                      </Link>
                      {call.operation_id && <div className="muted">{call.operation_id}</div>}
                    </td>
                    <td>{call.latency_ms} ms</td>
                    <td>
                      <code>{call.token_prefix}…</code>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {calls.hasNextPage && (
            <button
              type="button"
              className="button"
              disabled={calls.isFetchingNextPage}
              onClick={() => void calls.fetchNextPage()}
            >
              {calls.isFetchingNextPage ? 'Loading…' : 'Show older calls'}
            </button>
          )}
          {olderError !== null && <ErrorMessage title="Could not load older calls" error={olderError} />}
        </>
      )}
    </div>
  );
}

/** Pretty-prints a JSON body; any other text as it is. */
function pretty(body: string): string {
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
}

export function CallInspector() {
  return <SignedInOnly>{() => <CallInspectorView />}</SignedInOnly>;
}

function CallInspectorView() {
  const { appId = '', requestId = '' } = useParams();
  const call = useQuery({
    queryKey: ['developer-request', appId, requestId],
    queryFn: () => apiGet<InspectedCall>(`/api/developer/apps/${appId}/requests/${requestId}`),
  });
  return (
    <div className="page">
      <p>
        <Link to={`/developer/apps/${appId}/requests`}>← Request log</Link>
      </p>
      <h1>Call inspector</h1>
      {call.isPending ? (
        <Loading label="Loading the call…" />
      ) : call.isError ? (
        <ErrorMessage title="Could not load this call" error={call.error} retry={() => void call.refetch()} />
      ) : (
        <>
          <section className="panel" aria-labelledby="call-heading">
            <h2 id="call-heading" className="path">
              {call.data.method} {call.data.path}
            </h2>
            <dl className="kv">
              <dt>Status</dt>
              <dd>
                <StatusCode status={call.data.status} />
              </dd>
              <dt>Operation</dt>
              <dd>{call.data.operation_id ?? '—'}</dd>
              <dt>Time</dt>
              <dd>{formatTime(call.data.created_at)}</dd>
              <dt>Latency</dt>
              <dd>{call.data.latency_ms} ms</dd>
              <dt>Token</dt>
              <dd>
                <code>{call.data.token_prefix}…</code>
              </dd>
              <dt>Response type</dt>
              <dd>{call.data.response_content_type ?? '—'}</dd>
            </dl>
          </section>
          {call.data.inspected ? (
            <>
              <section className="panel" aria-labelledby="request-body-heading">
                <h2 id="request-body-heading">Request body</h2>
                {call.data.request_body ? (
                  <pre className="body" tabIndex={0}>
                    {pretty(call.data.request_body)}
                  </pre>
                ) : (
                  <p className="muted">No body.</p>
                )}
                {call.data.request_body_truncated && <p className="muted">Cut at 64 KB.</p>}
              </section>
              <section className="panel" aria-labelledby="response-body-heading">
                <h2 id="response-body-heading">Response body</h2>
                {call.data.response_body ? (
                  <pre className="body" tabIndex={0}>
                    {pretty(call.data.response_body)}
                  </pre>
                ) : (
                  <p className="muted">No body.</p>
                )}
                {call.data.response_body_truncated && <p className="muted">Cut at 64 KB.</p>}
              </section>
            </>
          ) : (
            <Empty>
              The call inspector was off when this call was made, so its bodies were not kept. Turn it on in
              the app&apos;s sandbox settings to keep the next calls&apos; bodies.
            </Empty>
          )}
        </>
      )}
    </div>
  );
}
