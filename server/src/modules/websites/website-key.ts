import { invalidField } from '../../lib/errors.js';

/**
 * A website as Pinterest names it: "domain or domain with path", no scheme
 * (`mysite.test`, `shop.test/store`). The key is the lower-case host (with a port when one is
 * given) and the path without a trailing slash; it is what makes a claim unique per account.
 */
export interface Website {
  /** What the API shows and stores: host + path, host lower-cased. */
  website: string;
  /** Unique per account; equal to `website` (host lower-cased, no trailing slash). */
  key: string;
  /** Lower-case host, with `:port` when one was given. */
  host: string;
  /** Host name alone (no port), for DNS. */
  hostname: string;
  /** '' or '/path' without a trailing slash. */
  path: string;
  /** The scheme the caller wrote, if any; without one, https is tried first, then http. */
  scheme: 'http' | 'https' | null;
}

export const MAX_WEBSITE_LENGTH = 2048;

/** Parses a website the way a person types it; 400 naming `field` for anything else. */
export function parseWebsite(input: string, field = 'website'): Website {
  const text = input.trim();
  if (text === '') throw invalidField(field, 'is empty');
  if (text.length > MAX_WEBSITE_LENGTH)
    throw invalidField(field, `is longer than ${MAX_WEBSITE_LENGTH} characters`);
  const schemeMatch = /^([a-z][a-z0-9+.-]*):\/\//i.exec(text);
  const scheme = schemeMatch ? schemeMatch[1]!.toLowerCase() : null;
  if (scheme !== null && scheme !== 'http' && scheme !== 'https') {
    throw invalidField(field, 'must be a domain, a domain with a path, or an http(s) URL');
  }
  let url: URL;
  try {
    url = new URL(scheme ? text : `https://${text}`);
  } catch {
    throw invalidField(field, 'is not a domain or a URL');
  }
  if (url.username || url.password) throw invalidField(field, 'must not contain a user name or password');
  if (!url.hostname || !/^[a-z0-9.[\]:-]+$/.test(url.hostname) || url.hostname.startsWith('.')) {
    throw invalidField(field, 'does not name a valid host');
  }
  const host = url.host.toLowerCase();
  const path = url.pathname.replace(/\/+$/, '');
  const key = `${host}${path}`;
  return {
    website: key,
    key,
    host,
    hostname: url.hostname.replace(/^\[|\]$/g, ''),
    path,
    scheme: scheme as Website['scheme'],
  };
}

/** The key of a website, or null when the text is not one (for lookups that must not throw). */
export function websiteKeyOf(input: string): string | null {
  try {
    return parseWebsite(input).key;
  } catch {
    return null;
  }
}

/**
 * Whether a link points into a claimed website: same host (or a subdomain of a claimed bare
 * domain) and, when the claim has a path, that path or below it.
 */
export function linkIsUnder(claimKey: string, link: string): boolean {
  let url: URL;
  try {
    url = new URL(link);
  } catch {
    return false;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
  const slash = claimKey.indexOf('/');
  const claimHost = slash < 0 ? claimKey : claimKey.slice(0, slash);
  const claimPath = slash < 0 ? '' : claimKey.slice(slash);
  const linkHost = url.host.toLowerCase();
  const hostMatches = linkHost === claimHost || (claimPath === '' && linkHost.endsWith(`.${claimHost}`));
  if (!hostMatches) return false;
  if (claimPath === '') return true;
  return url.pathname === claimPath || url.pathname.startsWith(`${claimPath}/`);
}
