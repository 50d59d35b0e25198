import './styles.css';
// The home feed's first row as the server sends it in the page (server/src/http/home-page.ts).
import './components/PinFeedFirstRow.css';

/** The longest the app waits for the first row's images before it starts anyway. */
const FIRST_ROW_WAIT_MS = 1000;

/**
 * The home page arrives with its feed's first row in it. Starting the app keeps the main
 * thread busy for a few hundred milliseconds, during which the browser paints nothing, so the
 * app starts once those images are on screen, or after FIRST_ROW_WAIT_MS whatever happens.
 * The row's cards are plain links meanwhile. Any other page starts the app at once.
 */
async function firstRowPainted(): Promise<void> {
  // Cards past the window's column count are in rows of no height: not waited for.
  const images = [...document.querySelectorAll<HTMLImageElement>('#root .feed-first-row img')].filter(
    (image) => (image.closest('li')?.offsetHeight ?? 0) > 0,
  );
  if (images.length === 0) return;
  await Promise.race([painted(images), new Promise((resolve) => setTimeout(resolve, FIRST_ROW_WAIT_MS))]);
}

/**
 * Resolves once every image is painted, as Element Timing reports it (the server marks them
 * with `elementtiming`), or has failed to load. Where Element Timing is missing: once they are
 * decoded and two frames have passed.
 */
function painted(images: HTMLImageElement[]): Promise<void> {
  const frame = () => new Promise((resolve) => requestAnimationFrame(resolve));
  if (!PerformanceObserver.supportedEntryTypes.includes('element'))
    return Promise.allSettled(images.map((image) => image.decode()))
      .then(frame)
      .then(frame)
      .then(() => undefined);
  return new Promise((resolve) => {
    const waiting = new Set<Element>(images);
    const done = (image: Element | null | undefined) => {
      if (image) waiting.delete(image);
      if (waiting.size > 0) return;
      observer.disconnect();
      resolve();
    };
    const observer = new PerformanceObserver((list) => {
      for (const entry of list.getEntries())
        done((entry as PerformanceEntry & { element?: Element | null }).element);
    });
    observer.observe({ type: 'element', buffered: true });
    for (const image of images) {
      if (image.complete && image.naturalWidth === 0) done(image);
      else image.addEventListener('error', () => done(image));
    }
  });
}

void firstRowPainted().then(() => import('./root'));
