import { useInfiniteQuery } from '@tanstack/react-query';
import { useCallback, useEffect, useRef, type ReactNode } from 'react';
import { apiGet } from '../api/client';
import type { Page, Pin } from '../api/types';
import { aspectRatioOf } from '../lib/images';
import { MasonryGrid } from './MasonryGrid';
import { PIN_CARD_TEXT_HEIGHT, PinCard } from './PinCard';
import { Empty, ErrorMessage, Loading } from './States';

const EAGER_CARDS = 6;

/**
 * A masonry grid of pins from a paginated `/api/…` list, loading the next page by bookmark
 * when the end of the grid nears the screen (or on the "Load more" button). `firstPage`, when
 * given, is that list's first page as the server already sent it (the home page's, inlined in
 * the HTML): shown at once instead of being fetched again.
 */
export function PinFeed({
  path,
  queryKey,
  label,
  empty,
  firstPage,
}: {
  path: string;
  queryKey: readonly unknown[];
  label: string;
  empty: ReactNode;
  firstPage?: Page<Pin>;
}) {
  const feed = useInfiniteQuery({
    queryKey,
    queryFn: ({ pageParam }) =>
      apiGet<Page<Pin>>(
        `${path}${path.includes('?') ? '&' : '?'}${pageParam ? `bookmark=${encodeURIComponent(pageParam)}` : ''}`,
      ),
    initialPageParam: '',
    getNextPageParam: (last) => last.bookmark ?? undefined,
    // Used only while nothing is cached for the key; just fetched, so not asked for again now.
    initialData: firstPage && { pages: [firstPage], pageParams: [''] },
    refetchOnMount: !firstPage,
  });
  const sentinel = useRef<HTMLDivElement>(null);
  const { hasNextPage, isFetchingNextPage, fetchNextPage, isError } = feed;

  useEffect(() => {
    const element = sentinel.current;
    if (!element || !hasNextPage || isError) return;
    const observer = new IntersectionObserver(
      ([entry]) => {
        if (entry?.isIntersecting && !isFetchingNextPage) void fetchNextPage();
      },
      { rootMargin: '1200px 0px' },
    );
    observer.observe(element);
    return () => observer.disconnect();
  }, [hasNextPage, isFetchingNextPage, fetchNextPage, isError]);

  const measure = useCallback(
    (pin: Pin) => ({ aspectRatio: aspectRatioOf(pin), extraHeight: PIN_CARD_TEXT_HEIGHT }),
    [],
  );
  const pins = feed.data?.pages.flatMap((page) => page.items) ?? [];
  const firstIds = new Set(pins.slice(0, EAGER_CARDS).map((pin) => pin.id));

  if (feed.isPending) return <Loading label="Loading pins…" />;
  if (feed.isError && pins.length === 0)
    return <ErrorMessage title="Could not load pins." error={feed.error} retry={() => void feed.refetch()} />;
  if (pins.length === 0) return <Empty>{empty}</Empty>;
  return (
    <>
      <MasonryGrid
        items={pins}
        itemKey={(pin) => pin.id}
        measure={measure}
        label={label}
        render={(pin, placement) => <PinCard pin={pin} placement={placement} eager={firstIds.has(pin.id)} />}
      />
      <div ref={sentinel} className="feed-end">
        {feed.isFetchingNextPage ? (
          <Loading label="Loading more pins…" />
        ) : feed.isFetchNextPageError ? (
          <ErrorMessage
            title="Could not load more pins."
            error={feed.error}
            retry={() => void fetchNextPage()}
          />
        ) : hasNextPage ? (
          <button type="button" className="button" onClick={() => void fetchNextPage()}>
            Load more
          </button>
        ) : (
          <p className="muted">You have seen everything.</p>
        )}
      </div>
    </>
  );
}
