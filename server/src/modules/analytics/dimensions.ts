import { linkIsUnder } from '../websites/website-key.js';

/**
 * The dimensions an event is rolled up by, as the spec defines them:
 * - `pin_format`: organic image, video or product (no ads yet, so never ADS_*);
 * - `source`: YOUR_PINS for the account that owns the pin (a saved pin is its own row owned
 *   by the saver), OTHER_PINS for every other account whose claimed website the pin links to;
 * - `claimed` (the spec's from_claimed_content): the pin's link is on a website the account
 *   claimed.
 */
export type PinFormat = 'ORGANIC_IMAGE' | 'ORGANIC_VIDEO' | 'ORGANIC_PRODUCT';
export type Source = 'YOUR_PINS' | 'OTHER_PINS';

/** Account events without a pin are stored with this pin_format (see migration 0003). */
export const NO_PIN_FORMAT = '';

const VIDEO_CREATIVE_TYPES = new Set(['VIDEO', 'MAX_VIDEO']);
const PRODUCT_CREATIVE_TYPES = new Set(['SHOPPING', 'SHOP_THE_PIN', 'PRODUCT', 'COLLECTION']);

export function pinFormatOf(creativeType: string): PinFormat {
  if (VIDEO_CREATIVE_TYPES.has(creativeType)) return 'ORGANIC_VIDEO';
  if (PRODUCT_CREATIVE_TYPES.has(creativeType)) return 'ORGANIC_PRODUCT';
  return 'ORGANIC_IMAGE';
}

/**
 * Every website key that could claim `link` (see websites/website-key.ts): the link's host
 * with each leading part of its path, and each parent domain bare (a bare claim covers its
 * subdomains). The claims found under these keys are then checked with `linkIsUnder`.
 */
export function candidateClaimKeys(link: string): string[] {
  let url: URL;
  try {
    url = new URL(link);
  } catch {
    return [];
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return [];
  const host = url.host.toLowerCase();
  const keys = [host];
  const segments = url.pathname.split('/').filter((s) => s !== '');
  let path = '';
  for (const segment of segments.slice(0, 8)) {
    path += `/${segment}`;
    keys.push(`${host}${path}`);
  }
  const labels = url.hostname.toLowerCase().split('.');
  for (let i = 1; i < labels.length; i += 1) keys.push(labels.slice(i).join('.'));
  return keys;
}

/** Whether any of the claimed website keys covers `link`. */
export function linkIsClaimed(claimKeys: readonly string[], link: string | null): boolean {
  return link !== null && claimKeys.some((key) => linkIsUnder(key, link));
}
