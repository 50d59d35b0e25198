import './styles.css';
// The home feed's first row as the server sends it in the page (server/src/http/home-page.ts).
import './components/PinFeedFirstRow.css';

/** The longest the app waits for the first row's images before it starts anyway. */
const FIRST_ROW_WAIT_MS = 1000;

/**
 * The home page arrives with its feed's first row in it. Starting the app keeps the main
 * thread busy for a few hundred milliseconds, during which the browser paints nothing, so the
 * app starts once those images are painted, or after FIRST_ROW_WAIT_MS whatever happens. The
 * row's cards are plain links meanwhile. Any other page starts the app at once.
 */
async function firstRowPainted(): Promise<void> {
  // Cards past the window's column count are in rows of no height: not waited for.
  const images = [...document.querySelectorAll<HTMLImageElement>('#root .feed-first-row img')].filter(
    (image) => (image.closest('li')?.offsetHeight ?? 0) > 0,
  );
  if (images.length === 0) return;
  await Promise.race([
    Promise.allSettled(images.map((image) => image.decode())),
    new Promise((resolve) => setTimeout(resolve, FIRST_ROW_WAIT_MS)),
  ]);
  // After the next frame, which shows them.
  await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
}

void firstRowPainted().then(() => import('./root'));
