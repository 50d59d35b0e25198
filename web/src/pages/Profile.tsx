import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { ApiError, apiGet } from '../api/client';
import type { Board, Page } from '../api/types';
import { PinFeed } from '../components/PinFeed';
import { Empty, ErrorMessage, Loading } from '../components/States';

interface Profile {
  username: string;
  account_type: 'PINNER' | 'BUSINESS';
  business_name: string | null;
  about: string;
  website_url: string;
  profile_image: string;
  is_you: boolean;
}

type Tab = 'boards' | 'created' | 'saved';
const TABS: Array<{ id: Tab; label: string }> = [
  { id: 'boards', label: 'Boards' },
  { id: 'created', label: 'Created' },
  { id: 'saved', label: 'Saved' },
];

export default function ProfilePage() {
  const { username = '' } = useParams();
  const profile = useQuery({
    queryKey: ['profile', username],
    queryFn: () => apiGet<Profile>(`/api/users/${encodeURIComponent(username)}`),
  });
  const [tab, setTab] = useState<Tab>('boards');

  if (profile.isPending) return <Loading label="Loading profile…" />;
  if (profile.isError) {
    const missing = profile.error instanceof ApiError && profile.error.status === 404;
    return (
      <div className="page narrow">
        <h1>{missing ? 'Nobody by that name' : 'Could not load this profile'}</h1>
        <ErrorMessage error={profile.error} retry={missing ? undefined : () => void profile.refetch()} />
      </div>
    );
  }
  const person = profile.data;
  const path = `/api/users/${encodeURIComponent(person.username)}`;
  return (
    <div className="page wide">
      <header className="profile-header">
        <span className="avatar" aria-hidden="true">
          {person.profile_image ? (
            <img src={person.profile_image} alt="" />
          ) : (
            person.username.charAt(0).toUpperCase()
          )}
        </span>
        <h1>{person.business_name ?? person.username}</h1>
        <p className="muted">@{person.username}</p>
        {person.account_type === 'BUSINESS' && <p className="badge">Business account</p>}
        {person.about && <p className="profile-about">{person.about}</p>}
        {person.is_you && (
          <Link className="button button-primary" to="/create">
            Create a pin
          </Link>
        )}
        {person.is_you && (
          <Link className="button profile-business-link" to="/business">
            {person.account_type === 'BUSINESS' ? 'Edit business profile' : 'Convert to business'}
          </Link>
        )}
      </header>
      <div className="tabs center" role="tablist" aria-label="What to show">
        {TABS.map((t) => (
          <button
            key={t.id}
            type="button"
            role="tab"
            id={`tab-${t.id}`}
            aria-selected={tab === t.id}
            aria-controls="profile-panel"
            className="chip"
            onClick={() => setTab(t.id)}
          >
            {t.label}
          </button>
        ))}
      </div>
      <div id="profile-panel" role="tabpanel" aria-labelledby={`tab-${tab}`}>
        {tab === 'boards' ? (
          <BoardGrid path={`${path}/boards`} username={person.username} isYou={person.is_you} />
        ) : (
          <PinFeed
            key={tab}
            path={`${path}/pins?origin=${tab}`}
            queryKey={['user-pins', person.username, tab]}
            label={tab === 'created' ? `Pins ${person.username} created` : `Pins ${person.username} saved`}
            empty={<p>{tab === 'created' ? 'No pins created yet.' : 'No pins saved yet.'}</p>}
          />
        )}
      </div>
    </div>
  );
}

function BoardGrid({ path, username, isYou }: { path: string; username: string; isYou: boolean }) {
  const boards = useInfiniteQuery({
    queryKey: ['user-boards', username],
    queryFn: ({ pageParam }) =>
      apiGet<Page<Board>>(
        `${path}?page_size=50${pageParam ? `&bookmark=${encodeURIComponent(pageParam)}` : ''}`,
      ),
    initialPageParam: '',
    getNextPageParam: (last) => last.bookmark ?? undefined,
  });
  if (boards.isPending) return <Loading label="Loading boards…" />;
  if (boards.isError)
    return (
      <ErrorMessage
        title="Could not load the boards."
        error={boards.error}
        retry={() => void boards.refetch()}
      />
    );
  const items = boards.data.pages.flatMap((page) => page.items);
  if (items.length === 0)
    return (
      <Empty>
        {isYou ? (
          <p>You have no boards yet: create one when you save your first pin.</p>
        ) : (
          <p>No boards yet.</p>
        )}
      </Empty>
    );
  return (
    <>
      <p className="muted center-text">
        {items.length === 1 ? '1 board' : `${items.length}${boards.hasNextPage ? '+' : ''} boards`}
      </p>
      <ul className="board-grid" aria-label="Boards">
        {items.map((board) => (
          <li key={board.id}>
            <Link to={`/board/${board.id}`} className="board-card">
              <span className="board-cover">
                {board.media.image_cover_url ? (
                  <img src={board.media.image_cover_url} alt="" loading="lazy" />
                ) : null}
              </span>
              <span className="board-card-name">{board.name}</span>
              <span className="board-card-meta">
                {board.pin_count === 1 ? '1 pin' : `${board.pin_count} pins`}
                {board.privacy === 'SECRET' ? ' · 🔒 Secret' : ''}
              </span>
            </Link>
          </li>
        ))}
      </ul>
      {boards.hasNextPage && (
        <div className="feed-end">
          <button
            type="button"
            className="button"
            disabled={boards.isFetchingNextPage}
            onClick={() => void boards.fetchNextPage()}
          >
            {boards.isFetchingNextPage ? 'Loading…' : 'More boards'}
          </button>
        </div>
      )}
    </>
  );
}
