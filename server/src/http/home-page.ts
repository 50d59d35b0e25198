import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../context.js';
import { presentPin } from '../modules/pins/presenter.js';
import { PageQuery } from './schema-helpers.js';
import { SESSION_COOKIE } from './session.js';
import { webViewerOf } from './web-viewer.js';

/**
 * The home page with its first feed page in it, so the browser paints the first pins while the
 * JavaScript is still on its way (largest contentful paint). Two parts go into index.html:
 *
 * - the JSON `GET /api/feed` answers this visitor for the first page, in a
 *   `<script type="application/json" id="home-feed">` the app reads instead of fetching it
 *   (web/src/pages/Home.tsx);
 * - static markup inside `#root` that looks like what the app renders first: the header as
 *   Layout shows it while it asks who is signed in, and the feed's first row of cards
 *   (web/src/components/PinFeedFirstRow.css lays it out as MasonryGrid does). React replaces it when it
 *   starts. Every piece of user text in it is escaped; none of it is HTML.
 */
export const HOME_FEED_SCRIPT_ID = 'home-feed';

/** The root element in the built index.html that the app renders into. */
const ROOT_ELEMENT = '<div id="root"></div>';

type PresentedPin = ReturnType<typeof presentPin>;

/** What `GET /api/feed` answers: the same shape, the same rule, the same bookmark scope. */
export interface HomeFeedPage {
  items: PresentedPin[];
  bookmark: string | null;
}

/**
 * The first page of the home feed for the visitor of this request, exactly as `GET /api/feed`
 * (modules/pins/web-routes.ts) answers it: the feed service's visibility rule, the visitor's
 * session if any (so `is_owner` and the bookmark are theirs), the default page size.
 */
export async function homeFeedFirstPage(ctx: AppContext, request: FastifyRequest): Promise<HomeFeedPage> {
  // The session hook (http/session.ts) resolves sessions for /api and /oauth only.
  request.session ??= await ctx.sessions.resolve(request.cookies[SESSION_COOKIE]);
  const viewer = webViewerOf(request);
  const page = await ctx.feed.recent(viewer, { pageSize: Number(PageQuery.page_size.default) });
  const urlFor = (key: string) => ctx.media.urlFor(key);
  return {
    items: page.items.map((pin) => presentPin(pin, { viewerId: viewer.userId, urlFor })),
    bookmark: page.bookmark,
  };
}

/**
 * index.html with the first feed page in it, or null when the build has no empty root element
 * to fill (the app then fetches the page itself).
 */
export function renderHomePage(indexHtml: string, page: HomeFeedPage): string | null {
  const at = indexHtml.indexOf(ROOT_ELEMENT);
  if (at === -1) return null;
  const root = `<div id="root">${homeShell(page)}</div>\n    ${inlineJson(HOME_FEED_SCRIPT_ID, page)}`;
  return indexHtml.slice(0, at) + root + indexHtml.slice(at + ROOT_ELEMENT.length);
}

/**
 * A `<script type="application/json">` holding the value. `<`, `>` and `&` are written as
 * JSON escapes, so no text inside (a pin titled `</script><script>…` or `<!--`) can end the
 * element or open a comment; JSON.parse reads them back unchanged. U+2028/2029 likewise.
 */
export function inlineJson(id: string, value: unknown): string {
  const json = JSON.stringify(value).replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  return `<script type="application/json" id="${escapeHtml(id)}">${json}</script>`;
}

/** Text or an attribute value as HTML that shows exactly that text. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

// MasonryGrid's layout (web/src/components/MasonryGrid.tsx, lib/masonry.ts) inside the home
// page's `.page.wide` (web/src/styles.css): the numbers the card images' `sizes` follow.
const MIN_COLUMN_WIDTH = 220;
const GAP = 16;
const NARROW_GAP = 8;
const NARROW_BELOW = 500;
const MAX_COLUMNS = 8;
const PAGE_MAX_WIDTH = 1800;
const PAGE_PADDING = 12;
/** The first cards are loaded eagerly in the app too (PinFeed's EAGER_CARDS). */
const HIGH_PRIORITY_CARDS = 6;

/**
 * The width of a feed column for each window width, as a `sizes` attribute, so the browser
 * picks the same file from srcset as the app's card does (it says the exact column width).
 */
function columnSizes(): string {
  const containerMax = PAGE_MAX_WIDTH - 2 * PAGE_PADDING;
  const columnsAt = (width: number) =>
    Math.max(1, Math.min(MAX_COLUMNS, Math.floor((width + GAP) / (MIN_COLUMN_WIDTH + GAP))));
  const widest = columnsAt(containerMax);
  const entries = [`(min-width: ${PAGE_MAX_WIDTH}px) ${(containerMax - GAP * (widest - 1)) / widest}px`];
  for (let columns = widest; columns >= 2; columns--) {
    const container = Math.max(NARROW_BELOW, columns * (MIN_COLUMN_WIDTH + GAP) - GAP);
    entries.push(
      `(min-width: ${container + 2 * PAGE_PADDING}px) calc((100vw - ${2 * PAGE_PADDING + GAP * (columns - 1)}px) / ${columns})`,
    );
  }
  entries.push(`calc((100vw - ${2 * PAGE_PADDING + NARROW_GAP}px) / 2)`);
  return entries.join(', ');
}
const COLUMN_SIZES = columnSizes();

interface ImageDetails {
  width: number;
  height: number;
  url: string;
}

/**
 * The card's image as web/src/lib/images.ts chooses it: the width-bounded sizes ("600x",
 * "1200x") as srcset, their aspect ratio, or any one size when there are none.
 */
function cardImage(pin: PresentedPin): (ImageDetails & { ratio: number; srcset: string }) | null {
  const media = pin.media as {
    images?: Record<string, ImageDetails>;
    items?: Array<{ images: Record<string, ImageDetails> }>;
  };
  const images = media.images ?? media.items?.[0]?.images ?? {};
  const widthBound = Object.entries(images)
    .filter(([name]) => /^\d+x$/.test(name))
    .map(([, image]) => image)
    .sort((a, b) => a.width - b.width);
  const first = widthBound[0] ?? Object.values(images)[0];
  if (!first) return null;
  return {
    ...first,
    ratio: first.height > 0 ? first.width / first.height : 1,
    srcset: widthBound.map((image) => `${image.url} ${image.width}w`).join(', '),
  };
}

function placeholderColor(pin: PresentedPin): string {
  return pin.dominant_color && /^#[0-9a-fA-F]{6}$/.test(pin.dominant_color) ? pin.dominant_color : '#e9e9e9';
}

/** One pin card as PinCard renders it (web/src/components/PinCard.tsx), without the app. */
function staticCard(pin: PresentedPin, index: number): string {
  const image = cardImage(pin);
  const alt = pin.alt_text ?? (pin.title ? '' : 'Untitled pin');
  const img = image
    ? `<img src="${escapeHtml(image.url)}"${image.srcset ? ` srcset="${escapeHtml(image.srcset)}" sizes="${COLUMN_SIZES}"` : ''} alt="${escapeHtml(alt)}" width="${image.width}" height="${image.height}" loading="eager" elementtiming="feed-first-row"${index < HIGH_PRIORITY_CARDS ? ' fetchpriority="high"' : ''}>`
    : '';
  return (
    `<li><a class="pin-card" href="/pin/${encodeURIComponent(pin.id)}">` +
    `<div class="pin-card-image" style="--ratio:${image ? image.ratio : 1};background-color:${placeholderColor(pin)}">${img}</div>` +
    `<div class="pin-card-text"><span class="pin-card-title">${pin.title ? escapeHtml(pin.title) : '&nbsp;'}</span>` +
    `<span class="pin-card-owner">${escapeHtml(pin.board_owner.username)}</span></div></a></li>`
  );
}

/**
 * The page as the app first paints it: Layout's skip link and header while it asks who is
 * signed in (only the Home link), then Home's heading and the feed's first row. As many cards
 * as the widest grid has columns; those past the window's column count take no room.
 */
function homeShell(page: HomeFeedPage): string {
  const cards = page.items.slice(0, MAX_COLUMNS).map(staticCard).join('');
  return (
    '<a class="skip-link" href="#main">Skip to content</a>' +
    '<header class="site-header"><a class="brand" href="/"><span class="brand-mark" aria-hidden="true">C</span>' +
    '<span class="brand-name">Corkboard</span></a>' +
    '<nav aria-label="Main" class="site-nav"><a aria-current="page" class="active" href="/">Home</a></nav></header>' +
    '<main id="main" tabindex="-1"><div class="page wide"><h1 class="visually-hidden">Home feed</h1>' +
    (cards ? `<div class="feed-first-row"><ul aria-label="Recent pins">${cards}</ul></div>` : '') +
    '</div></main>'
  );
}
