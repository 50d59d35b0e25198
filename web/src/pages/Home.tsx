import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { useMe } from '../api/auth';
import type { Page, Pin } from '../api/types';
import { PinFeed } from '../components/PinFeed';

/**
 * The feed's first page as the server put it in the home page (server/src/http/home-page.ts):
 * what GET /api/feed answered this visitor when the page was made. Absent when the page came
 * without it (another entry URL, or the server could not read the feed): PinFeed fetches it.
 */
const INLINED_FIRST_PAGE = readInlinedPage('home-feed');
/** It describes the feed when the page was loaded: used for the first visit to Home only. */
let inlinedPageShown = false;

function readInlinedPage(id: string): Page<Pin> | undefined {
  const text = document.getElementById(id)?.textContent;
  if (!text) return undefined;
  try {
    const page = JSON.parse(text) as Partial<Page<Pin>> | null;
    return Array.isArray(page?.items) && (typeof page.bookmark === 'string' || page.bookmark === null)
      ? { items: page.items, bookmark: page.bookmark }
      : undefined;
  } catch {
    return undefined;
  }
}

export default function Home() {
  const me = useMe().data;
  const [firstPage] = useState(() => (inlinedPageShown ? undefined : INLINED_FIRST_PAGE));
  useEffect(() => {
    inlinedPageShown = true;
  }, []);
  return (
    <div className="page wide">
      <h1 className="visually-hidden">Home feed</h1>
      <PinFeed
        path="/api/feed"
        queryKey={['feed', 'recent']}
        label="Recent pins"
        firstPage={firstPage}
        empty={
          <>
            <p>No pins yet.</p>
            {me ? (
              <Link className="button button-primary" to="/create">
                Create the first pin
              </Link>
            ) : (
              <Link className="button button-primary" to="/signup">
                Sign up to create the first pin
              </Link>
            )}
          </>
        }
      />
    </div>
  );
}
