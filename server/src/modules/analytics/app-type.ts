import type { AppType } from './events.js';

const TABLET = /iPad|Tablet|PlayBook|Silk\/|Kindle|Nexus (7|9|10)\b|SM-T\d|\bAndroid\b(?!.*\bMobile\b)/i;
const MOBILE = /Mobi|iPhone|iPod|Windows Phone|BlackBerry|BB10|Opera Mini|IEMobile|webOS/i;

/**
 * The spec's app type of a browser or app from its User-Agent: tablets (iPad, Android without
 * "Mobile", Kindle …) are TABLET, phones MOBILE, anything else (desktops, unknown clients) WEB.
 * iPadOS Safari poses as a Mac, so the web app's own report wins when it sends one.
 */
export function appTypeFromUserAgent(userAgent: string | undefined): AppType {
  if (!userAgent) return 'WEB';
  if (TABLET.test(userAgent)) return 'TABLET';
  if (MOBILE.test(userAgent)) return 'MOBILE';
  return 'WEB';
}
