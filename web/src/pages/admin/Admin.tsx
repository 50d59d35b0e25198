import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { apiGet, apiSend, messageOf } from '../../api/client';
import { formatTime, STATUS_WORDS, type DeveloperApp } from '../../api/developer';
import type { Page } from '../../api/types';
import { FormError } from '../../components/AuthCard';
import { Field } from '../../components/Field';
import { Empty, ErrorMessage, Loading } from '../../components/States';
import { StatusBadge } from '../developer/common';
import { SignedInOnly } from '../../components/SignedInOnly';

type ReviewStatus = DeveloperApp['status'];
type SignupMode = 'open' | 'invite_only' | 'closed';
interface OutboxMessage {
  id: string;
  to: string;
  subject: string;
  text: string;
  delivery: 'smtp' | 'outbox';
  created_at: string;
}

const SIGNUP_WORDS: Record<SignupMode, string> = {
  open: 'Open: anyone may sign up',
  invite_only: 'Invite only: an invite code is needed',
  closed: 'Closed: nobody may sign up',
};

export default function Admin() {
  return (
    <SignedInOnly admin>
      {() => (
        <div className="page">
          <h1>Administration</h1>
          <ReviewQueue />
          <SignupSetting />
          <Outbox />
        </div>
      )}
    </SignedInOnly>
  );
}

function ReviewQueue() {
  const [status, setStatus] = useState<ReviewStatus>('PENDING');
  const apps = useQuery({
    queryKey: ['admin-apps', status],
    queryFn: () => apiGet<{ items: DeveloperApp[] }>(`/api/admin/apps?status=${status}`),
  });
  return (
    <section className="panel" aria-labelledby="review-heading">
      <h2 id="review-heading">App review</h2>
      <div className="chips" role="group" aria-label="Which apps">
        {(['PENDING', 'APPROVED', 'REJECTED'] as const).map((value) => (
          <button
            key={value}
            type="button"
            className="chip"
            aria-pressed={status === value}
            onClick={() => setStatus(value)}
          >
            {STATUS_WORDS[value]}
          </button>
        ))}
      </div>
      {apps.isPending ? (
        <Loading label="Loading apps…" />
      ) : apps.isError ? (
        <ErrorMessage title="Could not load the apps" error={apps.error} retry={() => void apps.refetch()} />
      ) : apps.data.items.length === 0 ? (
        <Empty>
          No apps {status === 'PENDING' ? 'waiting for review' : STATUS_WORDS[status].toLowerCase()}.
        </Empty>
      ) : (
        <ul className="app-list" aria-label="Apps">
          {apps.data.items.map((app) => (
            <ReviewItem key={app.id} app={app} />
          ))}
        </ul>
      )}
    </section>
  );
}

function ReviewItem({ app }: { app: DeveloperApp }) {
  const queryClient = useQueryClient();
  const [rejecting, setRejecting] = useState(false);
  const [reason, setReason] = useState('');
  const [reasonError, setReasonError] = useState<string | null>(null);
  const act = useMutation({
    mutationFn: (action: { kind: 'approve' | 'upgrade' } | { kind: 'reject'; reason: string }) =>
      apiSend<DeveloperApp>(
        'POST',
        `/api/admin/apps/${app.id}/${action.kind}`,
        action.kind === 'reject' ? { reason: action.reason } : undefined,
      ),
    onSuccess: () => {
      setRejecting(false);
      void queryClient.invalidateQueries({ queryKey: ['admin-apps'] });
    },
    onError: (error) => {
      if (/'reason'/.test(messageOf(error))) setReasonError(messageOf(error));
    },
  });
  const onReject = (event: FormEvent) => {
    event.preventDefault();
    if (!reason.trim()) {
      setReasonError('Say why, so the developer can fix it.');
      return;
    }
    setReasonError(null);
    act.mutate({ kind: 'reject', reason });
  };
  return (
    <li className="app-item">
      {app.icon_url ? (
        <img className="app-icon" src={app.icon_url} alt="" width={56} height={56} />
      ) : (
        <span className="app-icon" aria-hidden="true" />
      )}
      <div>
        <h3>{app.name}</h3>
        <p>
          <StatusBadge app={app} />{' '}
          <span className="muted">
            {app.tier} tier · connected {formatTime(app.created_at)}
          </span>
        </p>
        {app.description && <p>{app.description}</p>}
        {app.website_url && <p className="muted">Website: {app.website_url}</p>}
        <p className="muted">Redirect URIs: {app.redirect_uris.join(', ')}</p>
        {app.rejection_reason && (
          <p>
            <strong>Reason:</strong> {app.rejection_reason}
          </p>
        )}
        <div className="row">
          {app.status !== 'APPROVED' && (
            <button
              type="button"
              className="button button-primary"
              disabled={act.isPending}
              onClick={() => act.mutate({ kind: 'approve' })}
              aria-label={`Approve ${app.name}`}
            >
              Approve
            </button>
          )}
          {app.status !== 'REJECTED' && !rejecting && (
            <button
              type="button"
              className="button button-danger"
              onClick={() => setRejecting(true)}
              aria-label={`Reject ${app.name}`}
            >
              Reject…
            </button>
          )}
          {app.status === 'APPROVED' && app.tier !== 'STANDARD' && (
            <button
              type="button"
              className="button"
              disabled={act.isPending}
              onClick={() => act.mutate({ kind: 'upgrade' })}
              aria-label={`Upgrade ${app.name} to Standard`}
            >
              Upgrade to Standard
            </button>
          )}
        </div>
        {rejecting && (
          <form onSubmit={onReject} noValidate>
            <Field
              label={`Reason for rejecting ${app.name}`}
              multiline
              rows={2}
              value={reason}
              onChange={(e) => setReason(e.target.value)}
              error={reasonError}
              hint="The developer sees this."
            />
            <div className="row">
              <button type="submit" className="button button-danger" disabled={act.isPending}>
                Reject app
              </button>
              <button type="button" className="button" onClick={() => setRejecting(false)}>
                Cancel
              </button>
            </div>
          </form>
        )}
        {act.isError && !reasonError && <FormError message={`Could not do that: ${messageOf(act.error)}`} />}
      </div>
    </li>
  );
}

function SignupSetting() {
  const queryClient = useQueryClient();
  const setting = useQuery({
    queryKey: ['admin-signup'],
    queryFn: () => apiGet<{ mode: SignupMode }>('/api/admin/settings/signup'),
  });
  // The choice shows at once; it goes back if the server refuses it.
  const [chosen, setChosen] = useState<SignupMode | null>(null);
  const save = useMutation({
    mutationFn: (mode: SignupMode) =>
      apiSend<{ mode: SignupMode }>('PUT', '/api/admin/settings/signup', { mode }),
    onSuccess: (saved) => queryClient.setQueryData(['admin-signup'], saved),
    onSettled: () => setChosen(null),
  });
  return (
    <section className="panel" aria-labelledby="signup-heading">
      <h2 id="signup-heading">Sign-up</h2>
      {setting.isPending ? (
        <Loading label="Loading the sign-up setting…" />
      ) : setting.isError ? (
        <ErrorMessage
          title="Could not load the sign-up setting"
          error={setting.error}
          retry={() => void setting.refetch()}
        />
      ) : (
        <fieldset className="plain-fieldset">
          <legend>Who may sign up</legend>
          {(Object.keys(SIGNUP_WORDS) as SignupMode[]).map((mode) => (
            <label key={mode} className="checkbox">
              <input
                type="radio"
                name="signup-mode"
                value={mode}
                checked={(chosen ?? setting.data.mode) === mode}
                onChange={() => {
                  setChosen(mode);
                  save.mutate(mode);
                }}
              />
              {SIGNUP_WORDS[mode]}
            </label>
          ))}
        </fieldset>
      )}
      {save.isError && <FormError message={`Could not change it: ${messageOf(save.error)}`} />}
      {save.isSuccess && (
        <p className="notice" role="status">
          Saved.
        </p>
      )}
    </section>
  );
}

function Outbox() {
  const outbox = useInfiniteQuery({
    queryKey: ['admin-outbox'],
    queryFn: ({ pageParam }) =>
      apiGet<Page<OutboxMessage>>(
        `/api/admin/outbox?page_size=25${pageParam ? `&bookmark=${encodeURIComponent(pageParam)}` : ''}`,
      ),
    initialPageParam: '',
    getNextPageParam: (last) => last.bookmark ?? undefined,
  });
  const messages = outbox.data?.pages.flatMap((page) => page.items) ?? [];
  return (
    <section className="panel" aria-labelledby="outbox-heading">
      <h2 id="outbox-heading">Email outbox</h2>
      <p className="muted">Every message the server sent, newest first.</p>
      {outbox.isPending ? (
        <Loading label="Loading the outbox…" />
      ) : outbox.isError ? (
        <ErrorMessage
          title="Could not load the outbox"
          error={outbox.error}
          retry={() => void outbox.refetch()}
        />
      ) : messages.length === 0 ? (
        <Empty>No mail sent yet.</Empty>
      ) : (
        <ul className="app-list" aria-label="Sent mail">
          {messages.map((message) => (
            <li key={message.id} className="app-item">
              <div>
                <h3>{message.subject}</h3>
                <p className="muted">
                  To {message.to} · {formatTime(message.created_at)} ·{' '}
                  {message.delivery === 'smtp' ? 'sent by SMTP' : 'kept here only'}
                </p>
                <details>
                  <summary>Show the text</summary>
                  <p className="outbox-text">{message.text}</p>
                </details>
              </div>
            </li>
          ))}
        </ul>
      )}
      {outbox.hasNextPage && (
        <button
          type="button"
          className="button"
          disabled={outbox.isFetchingNextPage}
          onClick={() => void outbox.fetchNextPage()}
        >
          {outbox.isFetchingNextPage ? 'Loading…' : 'Show older mail'}
        </button>
      )}
    </section>
  );
}
