/**
 * Checking that an account controls a website, the three ways Pinterest offers. Every HTTP
 * request goes through lib/guarded-fetch.ts; DNS TXT lookups go through an injectable resolver.
 * Failures are VerificationFailure with the reason in words, shown to the caller as is.
 */
import dns from 'node:dns';
import { GuardedFetchError, guardedFetch, type HostResolver } from '../../lib/guarded-fetch.js';
import type { Website } from './website-key.js';

export const VERIFICATION_METHODS = ['METATAG', 'FILENAME', 'DNSTXT'] as const;
export type VerificationMethod = (typeof VERIFICATION_METHODS)[number];

/** TXT records of a name: each record is the list of its character strings, as node:dns gives them. */
export type TxtResolver = (hostname: string) => Promise<string[][]>;

export const META_NAME = 'p:domain_verify';
export const TXT_PREFIX = 'pinterest-site-verification=';

/** The default TXT resolver: the system's DNS servers, with a bounded wait. */
export function systemTxtResolver(timeoutMs: number): TxtResolver {
  const resolver = new dns.promises.Resolver({ timeout: timeoutMs, tries: 2 });
  return (hostname) => resolver.resolveTxt(hostname);
}

/** What the account puts on its site, in Pinterest's `UserWebsiteVerificationCode` terms. */
export interface VerificationInstructions {
  verificationCode: string;
  metatag: string;
  /** `pinterest-<first five characters of the code>.html`, as Pinterest names it. */
  filename: string;
  fileContent: string;
  dnsTxtRecord: string;
}

export function instructionsFor(code: string): VerificationInstructions {
  const metatag = `<meta name="${META_NAME}" content="${code}"/>`;
  return {
    verificationCode: code,
    metatag,
    filename: `pinterest-${code.slice(0, 5)}.html`,
    fileContent: `<!DOCTYPE html>\n<html><head>${metatag}</head><body>Pinterest site verification: ${code}</body></html>\n`,
    dnsTxtRecord: `${TXT_PREFIX}${code}`,
  };
}

export class VerificationFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'VerificationFailure';
  }
}

export interface SiteCheckerOptions {
  timeoutMs: number;
  maxRedirects: number;
  allowLoopback: boolean;
  resolve?: HostResolver;
  resolveTxt: TxtResolver;
}

/** Pages are read up to this size: enough for any <head>, small enough to never matter. */
const MAX_PAGE_BYTES = 1024 * 1024;

export class SiteChecker {
  constructor(private readonly options: SiteCheckerOptions) {}

  /** Resolves when `site` carries `code` by `method`; throws VerificationFailure saying why not. */
  async check(method: VerificationMethod, site: Website, code: string): Promise<void> {
    if (method === 'METATAG') return this.checkMetaTag(site, code);
    if (method === 'FILENAME') return this.checkFile(site, code);
    return this.checkTxt(site, code);
  }

  private async checkMetaTag(site: Website, code: string): Promise<void> {
    const { url, body } = await this.fetchPage(site, '', 'the home page');
    const contents = metaVerificationCodes(body.toString('utf8'));
    if (contents.length === 0) {
      throw new VerificationFailure(`no <meta name="${META_NAME}"> tag was found in the <head> of ${url}`);
    }
    if (!contents.includes(code)) {
      throw new VerificationFailure(
        `the ${META_NAME} meta tag on ${url} has content "${truncate(contents[0]!)}", which is not this account's verification code`,
      );
    }
  }

  private async checkFile(site: Website, code: string): Promise<void> {
    const { filename } = instructionsFor(code);
    const { url, body } = await this.fetchPage(site, `/${filename}`, `the file ${filename}`);
    const text = body.toString('utf8');
    if (text.includes(code)) return;
    const others = metaVerificationCodes(text);
    throw new VerificationFailure(
      others.length > 0
        ? `${url} has the verification code "${truncate(others[0]!)}", which is not this account's`
        : `${url} does not contain this account's verification code`,
    );
  }

  private async checkTxt(site: Website, code: string): Promise<void> {
    const name = site.hostname;
    let records: string[][];
    try {
      records = await this.options.resolveTxt(name);
    } catch (error) {
      const errno = (error as NodeJS.ErrnoException).code;
      if (errno === 'ENOTFOUND' || errno === 'ENODATA' || errno === dns.NOTFOUND || errno === dns.NODATA) {
        throw new VerificationFailure(`no TXT record was found for ${name}`);
      }
      throw new VerificationFailure(
        `the DNS lookup of TXT records for ${name} failed (${errno ?? (error as Error).message})`,
      );
    }
    const values = records.map((chunks) => chunks.join('').trim());
    if (values.includes(`${TXT_PREFIX}${code}`)) return;
    const ours = values.filter((v) => v.startsWith(TXT_PREFIX));
    if (ours.length > 0) {
      throw new VerificationFailure(
        `the TXT record of ${name} is "${truncate(ours[0]!)}", which is not this account's verification code`,
      );
    }
    throw new VerificationFailure(
      values.length === 0
        ? `no TXT record was found for ${name}`
        : `no TXT record "${TXT_PREFIX}${code}" was found for ${name} (it has ${values.length} other TXT record${values.length === 1 ? '' : 's'})`,
    );
  }

  /**
   * GETs the site's page at `suffix`: with the caller's scheme, or https first and then http
   * when https cannot be reached (many small sites have no certificate).
   */
  private async fetchPage(
    site: Website,
    suffix: string,
    what: string,
  ): Promise<{ url: string; body: Buffer }> {
    const schemes = site.scheme ? [site.scheme] : (['https', 'http'] as const);
    let lastError: GuardedFetchError | null = null;
    let lastUrl = '';
    for (const scheme of schemes) {
      const url = `${scheme}://${site.host}${suffix ? `${site.path}${suffix}` : site.path || '/'}`;
      lastUrl = url;
      try {
        const response = await guardedFetch(url, {
          timeoutMs: this.options.timeoutMs,
          maxRedirects: this.options.maxRedirects,
          maxBytes: MAX_PAGE_BYTES,
          allowLoopback: this.options.allowLoopback,
          resolve: this.options.resolve,
          headers: { accept: 'text/html, */*;q=0.5' },
        });
        return { url, body: response.body };
      } catch (error) {
        if (!(error instanceof GuardedFetchError)) throw error;
        lastError = error;
        // Only a site that cannot be reached this way is worth the other scheme.
        if (error.code !== 'connection' && error.code !== 'timeout') break;
      }
    }
    const error = lastError!;
    if (error.code === 'http_status') {
      throw new VerificationFailure(
        `${what} ${lastUrl} answered HTTP ${error.details.status ?? 'error'}${
          error.details.status === 404 && suffix ? ' (upload it to the root of the website)' : ''
        }`,
      );
    }
    throw new VerificationFailure(`the website could not be reached: ${error.message}`);
  }
}

/** Contents of the p:domain_verify meta tags in the document's <head>, comments ignored. */
export function metaVerificationCodes(html: string): string[] {
  const withoutComments = html.replace(/<!--[\s\S]*?-->/g, '');
  const headEnd = withoutComments.search(/<\/head\s*>|<body[\s>]/i);
  const head = headEnd >= 0 ? withoutComments.slice(0, headEnd) : withoutComments;
  const codes: string[] = [];
  for (const tag of head.matchAll(/<meta\b([^>]*)>/gi)) {
    const attributes = parseAttributes(tag[1] ?? '');
    if (attributes.get('name')?.toLowerCase() === META_NAME) {
      const content = attributes.get('content');
      if (content !== undefined) codes.push(content.trim());
    }
  }
  return codes;
}

function parseAttributes(text: string): Map<string, string> {
  const attributes = new Map<string, string>();
  for (const match of text.matchAll(/([^\s=/"'>]+)\s*(?:=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g)) {
    const name = match[1]!.toLowerCase();
    if (!attributes.has(name)) attributes.set(name, match[2] ?? match[3] ?? match[4] ?? '');
  }
  return attributes;
}

function truncate(text: string): string {
  return text.length > 80 ? `${text.slice(0, 77)}…` : text;
}
