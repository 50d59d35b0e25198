/**
 * The one way the server fetches a URL it was given (pin images, website verification).
 *
 * - Only http and https.
 * - Every address a host name resolves to is vetted inside the socket's `lookup` hook, so the
 *   address checked is the address connected to (no DNS-rebinding gap between check and use);
 *   literal IP hosts are vetted before connecting, and the connected peer is checked again.
 * - Loopback, private, link-local, shared (CGNAT), unique-local, multicast, reserved and cloud
 *   metadata addresses are refused, in IPv4, IPv6 and IPv4-in-IPv6 forms. `allowLoopback`
 *   (tests, local sandboxes) lets loopback through and nothing else.
 * - Redirects are followed by hand, each hop checked the same way, up to `maxRedirects`.
 * - One deadline for the whole fetch, redirects included; the body is capped at `maxBytes`
 *   (Content-Length refused early, the stream cut off when it grows past the cap).
 *
 * Failures are GuardedFetchError with a `code` and a message in words that can be shown to the
 * caller ("example.test resolves to a private address", "timed out after 10 s").
 */
import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import net, { type LookupFunction } from 'node:net';

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Resolves a host name to every address it has. The default uses the system resolver. */
export type HostResolver = (hostname: string) => Promise<ResolvedAddress[]>;

export const systemResolver: HostResolver = async (hostname) => {
  const results = await dns.promises.lookup(hostname, { all: true, verbatim: true });
  return results.map((r) => ({ address: r.address, family: r.family === 6 ? 6 : 4 }));
};

/**
 * A resolver answering from a fixed table (tests, sandboxes). Unknown names fail like a name
 * that does not exist; nothing is ever sent to a real DNS server.
 */
export function staticResolver(table: Record<string, string | string[]>): HostResolver {
  const entries = new Map(Object.entries(table).map(([host, addrs]) => [host.toLowerCase(), [addrs].flat()]));
  return async (hostname) => {
    const addresses = entries.get(hostname.toLowerCase());
    if (!addresses || addresses.length === 0) {
      throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND', hostname });
    }
    return addresses.map((address) => ({ address, family: net.isIPv6(address) ? 6 : 4 }));
  };
}

// ---------------------------------------------------------------------------------------------
// Address classification

export type AddressKind =
  | 'public'
  | 'loopback'
  | 'private'
  | 'link-local'
  | 'metadata'
  | 'shared'
  | 'unspecified'
  | 'unique-local'
  | 'multicast'
  | 'broadcast'
  | 'reserved';

const KIND_WORDS: Record<Exclude<AddressKind, 'public'>, string> = {
  loopback: 'a loopback',
  private: 'a private',
  'link-local': 'a link-local',
  metadata: 'a cloud metadata',
  shared: 'a carrier-grade NAT (shared)',
  unspecified: 'an unspecified',
  'unique-local': 'a unique-local (private)',
  multicast: 'a multicast',
  broadcast: 'a broadcast',
  reserved: 'a reserved',
};

interface V4Range {
  base: number;
  bits: number;
  kind: Exclude<AddressKind, 'public'>;
}

const v4 = (dotted: string, bits: number, kind: V4Range['kind']): V4Range => ({
  base: ipv4ToInt(dotted)!,
  bits,
  kind,
});

/** Checked in order: the first match wins, so single metadata addresses come before their ranges. */
const V4_BLOCKED: V4Range[] = [
  v4('169.254.169.254', 32, 'metadata'), // AWS, GCP, Azure, OpenStack, DigitalOcean …
  v4('169.254.169.253', 32, 'metadata'), // AWS DNS
  v4('169.254.170.2', 32, 'metadata'), // AWS ECS task metadata
  v4('100.100.100.200', 32, 'metadata'), // Alibaba Cloud
  v4('255.255.255.255', 32, 'broadcast'),
  v4('0.0.0.0', 8, 'unspecified'),
  v4('10.0.0.0', 8, 'private'),
  v4('100.64.0.0', 10, 'shared'),
  v4('127.0.0.0', 8, 'loopback'),
  v4('169.254.0.0', 16, 'link-local'),
  v4('172.16.0.0', 12, 'private'),
  v4('192.0.0.0', 24, 'reserved'), // IETF protocol assignments
  v4('192.0.2.0', 24, 'reserved'), // TEST-NET-1
  v4('192.88.99.0', 24, 'reserved'), // 6to4 relay anycast
  v4('192.168.0.0', 16, 'private'),
  v4('198.18.0.0', 15, 'reserved'), // benchmarking
  v4('198.51.100.0', 24, 'reserved'), // TEST-NET-2
  v4('203.0.113.0', 24, 'reserved'), // TEST-NET-3
  v4('224.0.0.0', 4, 'multicast'),
  v4('240.0.0.0', 4, 'reserved'),
];

function ipv4ToInt(dotted: string): number | null {
  const parts = dotted.split('.');
  if (parts.length !== 4) return null;
  let value = 0;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part)) return null;
    const n = Number(part);
    if (n > 255) return null;
    value = value * 256 + n;
  }
  return value;
}

function classifyV4Int(value: number): AddressKind {
  for (const range of V4_BLOCKED) {
    const size = 2 ** (32 - range.bits);
    if (value >= range.base && value < range.base + size) return range.kind;
  }
  return 'public';
}

/** Eight 16-bit groups of an IPv6 address (zone id ignored), or null if it is not one. */
function parseIPv6(input: string): number[] | null {
  let text = input.startsWith('[') && input.endsWith(']') ? input.slice(1, -1) : input;
  const zone = text.indexOf('%');
  if (zone >= 0) text = text.slice(0, zone);
  if (!net.isIPv6(text)) return null;
  const lastColon = text.lastIndexOf(':');
  const maybeV4 = text.slice(lastColon + 1);
  if (maybeV4.includes('.')) {
    const n = ipv4ToInt(maybeV4);
    if (n === null) return null;
    text = `${text.slice(0, lastColon + 1)}${Math.floor(n / 65536).toString(16)}:${(n % 65536).toString(16)}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const split = (part: string | undefined) => (part ? part.split(':') : []);
  const head = split(halves[0]);
  const rest = split(halves[1]);
  const groups =
    halves.length === 2
      ? [...head, ...new Array<string>(8 - head.length - rest.length).fill('0'), ...rest]
      : head;
  if (groups.length !== 8) return null;
  const numbers = groups.map((g) => (/^[0-9a-f]{1,4}$/i.test(g) ? parseInt(g, 16) : NaN));
  return numbers.some((n) => Number.isNaN(n)) ? null : numbers;
}

const embeddedV4 = (hi: number, lo: number): number => hi * 65536 + lo;

function classifyV6(g: number[]): AddressKind {
  const [g0 = 0, g1 = 0, g2 = 0, g3 = 0, g4 = 0, g5 = 0, g6 = 0, g7 = 0] = g;
  const firstFiveZero = g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0 && g4 === 0;
  if (firstFiveZero && g5 === 0xffff) return classifyV4Int(embeddedV4(g6, g7)); // ::ffff:a.b.c.d (mapped)
  if (firstFiveZero && g5 === 0) {
    if (g6 === 0 && g7 === 0) return 'unspecified';
    if (g6 === 0 && g7 === 1) return 'loopback';
    const kind = classifyV4Int(embeddedV4(g6, g7)); // ::a.b.c.d (deprecated IPv4-compatible)
    return kind === 'public' ? 'reserved' : kind;
  }
  if (g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0 && g4 === 0xffff && g5 === 0) {
    const kind = classifyV4Int(embeddedV4(g6, g7)); // ::ffff:0:a.b.c.d (SIIT)
    return kind === 'public' ? 'reserved' : kind;
  }
  if (g0 === 0x64 && g1 === 0xff9b && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0) {
    return classifyV4Int(embeddedV4(g6, g7)); // 64:ff9b::/96 NAT64 reaches the embedded IPv4
  }
  if (g0 === 0x64 && g1 === 0xff9b && g2 === 1) return 'private'; // 64:ff9b:1::/48 local NAT64
  if (g0 === 0x2002) {
    return classifyV4Int(embeddedV4(g1, g2)); // 6to4 carries an IPv4 address
  }
  if (
    g0 === 0xfd00 &&
    g1 === 0x0ec2 &&
    g2 === 0 &&
    g3 === 0 &&
    g4 === 0 &&
    g5 === 0 &&
    g6 === 0 &&
    g7 === 0x254
  ) {
    return 'metadata'; // AWS IPv6 instance metadata
  }
  if ((g0 & 0xfe00) === 0xfc00) return 'unique-local';
  if ((g0 & 0xffc0) === 0xfe80) return 'link-local';
  if ((g0 & 0xffc0) === 0xfec0) return 'private'; // deprecated site-local
  if ((g0 & 0xff00) === 0xff00) return 'multicast';
  if ((g0 & 0xe000) !== 0x2000) return 'reserved'; // outside global unicast 2000::/3
  if (g0 === 0x2001 && g1 < 0x0200) return 'reserved'; // 2001::/23 IETF assignments (Teredo, ORCHID, benchmarking)
  if (g0 === 0x2001 && g1 === 0x0db8) return 'reserved'; // documentation
  if (g0 === 0x3fff && g1 < 0x1000) return 'reserved'; // documentation 3fff::/20
  return 'public';
}

/** What kind of address `address` is (an IPv4 or IPv6 literal); `null` if it is not an IP address. */
export function classifyAddress(address: string): AddressKind | null {
  const bare = address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address;
  if (net.isIPv4(bare)) return classifyV4Int(ipv4ToInt(bare)!);
  const groups = parseIPv6(bare);
  return groups ? classifyV6(groups) : null;
}

/** Whether the guard lets a connection go to this kind of address. */
export function isPermittedKind(kind: AddressKind | null, allowLoopback: boolean): boolean {
  return kind === 'public' || (allowLoopback && kind === 'loopback');
}

// ---------------------------------------------------------------------------------------------
// Errors

export type GuardedFetchErrorCode =
  | 'invalid_url'
  | 'unsupported_protocol'
  | 'blocked_address'
  | 'dns'
  | 'connection'
  | 'timeout'
  | 'too_large'
  | 'http_status'
  | 'too_many_redirects'
  | 'redirect_loop'
  | 'bad_redirect';

export class GuardedFetchError extends Error {
  constructor(
    readonly code: GuardedFetchErrorCode,
    message: string,
    readonly details: { status?: number; kind?: AddressKind; url?: string } = {},
  ) {
    super(message);
    this.name = 'GuardedFetchError';
  }
}

const blocked = (host: string, kind: AddressKind | null, literal: boolean) =>
  new GuardedFetchError(
    'blocked_address',
    kind === null
      ? `${host} resolves to an address that is not allowed`
      : literal
        ? `${host} is ${KIND_WORDS[kind as Exclude<AddressKind, 'public'>]} address, which is not allowed`
        : `${host} resolves to ${KIND_WORDS[kind as Exclude<AddressKind, 'public'>]} address, which is not allowed`,
    { kind: kind ?? undefined },
  );

export function formatSeconds(ms: number): string {
  const s = ms / 1000;
  return `${Number.isInteger(s) ? s : s.toFixed(s < 1 ? 2 : 1).replace(/0+$/, '')} s`;
}

export function formatMegabytes(bytes: number): string {
  const mb = bytes / (1024 * 1024);
  if (mb >= 1) return `${Number.isInteger(mb) ? mb : mb.toFixed(1)} MB`;
  const kb = bytes / 1024;
  return kb >= 1 ? `${Number.isInteger(kb) ? kb : kb.toFixed(1)} KB` : `${bytes} bytes`;
}

// ---------------------------------------------------------------------------------------------
// The lookup hook

/**
 * A `lookup` for net/http that resolves with `resolver` and refuses unless EVERY address the
 * name resolves to is permitted. Socket connections use exactly the addresses it hands back.
 */
export function createGuardedLookup(
  resolver: HostResolver,
  allowLoopback: boolean,
  onRefused?: (error: GuardedFetchError) => void,
): LookupFunction {
  return (hostname, options, callback) => {
    const fail = (error: NodeJS.ErrnoException) => callback(error, '', 0);
    resolver(hostname).then(
      (addresses) => {
        if (addresses.length === 0) {
          fail(new GuardedFetchError('dns', `the host ${hostname} could not be resolved`));
          return;
        }
        for (const { address } of addresses) {
          const kind = classifyAddress(address);
          if (!isPermittedKind(kind, allowLoopback)) {
            const error = blocked(hostname, kind, false);
            onRefused?.(error);
            fail(error);
            return;
          }
        }
        const wanted = options.family === 4 || options.family === 6 ? options.family : 0;
        const usable = wanted ? addresses.filter((a) => a.family === wanted) : addresses;
        if (usable.length === 0) {
          fail(new GuardedFetchError('dns', `the host ${hostname} has no IPv${wanted} address`));
          return;
        }
        if (options.all)
          callback(
            null,
            usable.map((a) => ({ address: a.address, family: a.family })),
          );
        else callback(null, usable[0]!.address, usable[0]!.family);
      },
      (error: NodeJS.ErrnoException) => {
        fail(
          new GuardedFetchError(
            'dns',
            error.code === 'ENOTFOUND' || error.code === 'ENODATA'
              ? `the host ${hostname} could not be resolved`
              : `the host ${hostname} could not be resolved (${error.code ?? error.message})`,
          ),
        );
      },
    );
  };
}

// ---------------------------------------------------------------------------------------------
// The fetch

export interface GuardedFetchOptions {
  timeoutMs: number;
  maxRedirects: number;
  maxBytes: number;
  /** Permit loopback targets (tests and local sandboxes). Private ranges stay refused. */
  allowLoopback?: boolean;
  resolve?: HostResolver;
  /** Extra request headers (e.g. Accept). */
  headers?: Record<string, string>;
  /** Which final statuses are a success; default 2xx. */
  acceptStatus?: (status: number) => boolean;
}

export interface GuardedResponse {
  /** The URL that answered, after redirects. */
  url: string;
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  redirects: number;
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const USER_AGENT = 'Corkboard/0.1 (+image fetcher)';

interface Hop {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer | null;
}

/** Fetches `url` with GET under every rule in this file's header comment. */
export async function guardedFetch(url: string, options: GuardedFetchOptions): Promise<GuardedResponse> {
  const resolver = options.resolve ?? systemResolver;
  const allowLoopback = options.allowLoopback ?? false;
  const accept = options.acceptStatus ?? ((s: number) => s >= 200 && s < 300);
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, options.timeoutMs);
  const timeoutError = () =>
    new GuardedFetchError('timeout', `the request timed out after ${formatSeconds(options.timeoutMs)}`);

  try {
    let current = parseTarget(url);
    const visited = new Set<string>([current.href]);
    for (let redirects = 0; ; redirects++) {
      let hop: Hop;
      try {
        hop = await requestOnce(current, {
          ...options,
          resolver,
          allowLoopback,
          accept,
          signal: controller.signal,
        });
      } catch (error) {
        if (timedOut) throw timeoutError();
        throw error;
      }
      if (hop.body) {
        return { url: current.href, status: hop.status, headers: hop.headers, body: hop.body, redirects };
      }
      if (REDIRECT_STATUSES.has(hop.status) && typeof hop.headers.location === 'string') {
        let next: URL;
        try {
          next = new URL(hop.headers.location, current);
        } catch {
          throw new GuardedFetchError('bad_redirect', 'the server redirected to an invalid URL');
        }
        if (next.protocol !== 'http:' && next.protocol !== 'https:') {
          throw new GuardedFetchError(
            'bad_redirect',
            `the server redirected to a ${next.protocol.replace(':', '')} URL; only http and https are fetched`,
          );
        }
        next.hash = '';
        if (visited.has(next.href))
          throw new GuardedFetchError('redirect_loop', 'the server redirects in a loop');
        if (redirects + 1 > options.maxRedirects) {
          throw new GuardedFetchError(
            'too_many_redirects',
            `too many redirects (more than ${options.maxRedirects})`,
          );
        }
        visited.add(next.href);
        current = next;
        continue;
      }
      throw new GuardedFetchError('http_status', `HTTP ${hop.status} from the server`, {
        status: hop.status,
      });
    }
  } finally {
    clearTimeout(timer);
  }
}

function parseTarget(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new GuardedFetchError('invalid_url', 'is not a valid absolute URL');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new GuardedFetchError('unsupported_protocol', 'must be an http or https URL');
  }
  parsed.hash = '';
  return parsed;
}

interface RequestSettings extends GuardedFetchOptions {
  resolver: HostResolver;
  allowLoopback: boolean;
  accept: (status: number) => boolean;
  signal: AbortSignal;
}

/** One request: resolves the body for an accepted status, or just status+headers otherwise. */
function requestOnce(target: URL, settings: RequestSettings): Promise<Hop> {
  const host = target.hostname.startsWith('[') ? target.hostname.slice(1, -1) : target.hostname;
  if (net.isIP(host)) {
    const kind = classifyAddress(host);
    if (!isPermittedKind(kind, settings.allowLoopback)) return Promise.reject(blocked(host, kind, true));
  }
  if (settings.signal.aborted) return Promise.reject(new GuardedFetchError('timeout', 'timed out'));

  return new Promise<Hop>((resolve, reject) => {
    let refusal: GuardedFetchError | null = null;
    let settled = false;
    const done = (error: Error | null, hop?: Hop) => {
      if (settled) return;
      settled = true;
      if (error) reject(refusal ?? error);
      else resolve(hop!);
    };
    const lib = target.protocol === 'https:' ? https : http;
    const request = lib.request({
      protocol: target.protocol,
      hostname: host,
      port: target.port || undefined,
      path: `${target.pathname}${target.search}`,
      method: 'GET',
      headers: { 'user-agent': USER_AGENT, accept: '*/*', ...settings.headers },
      agent: false,
      lookup: createGuardedLookup(settings.resolver, settings.allowLoopback, (e) => (refusal = e)),
      signal: settings.signal,
      // servername for SNI comes from hostname; certificate checks stay on.
    });

    request.on('socket', (socket) => {
      // Defence in depth: the peer actually connected to must be one the guard permits.
      socket.once('connect', () => {
        const peer = socket.remoteAddress;
        const kind = peer ? classifyAddress(peer) : null;
        if (!isPermittedKind(kind, settings.allowLoopback)) {
          refusal = blocked(host, kind, net.isIP(host) !== 0);
          request.destroy(refusal);
        }
      });
    });

    request.on('error', (error: NodeJS.ErrnoException) => {
      if (error instanceof GuardedFetchError) return done(error);
      if (error.name === 'AbortError') return done(new GuardedFetchError('timeout', 'timed out'));
      done(
        new GuardedFetchError(
          'connection',
          `the connection to ${host} failed (${error.code ?? error.message})`,
        ),
      );
    });

    request.on('response', (response) => {
      const status = response.statusCode ?? 0;
      if (!settings.accept(status)) {
        response.resume();
        response.on('error', () => undefined);
        done(null, { status, headers: response.headers, body: null });
        request.destroy();
        return;
      }
      const declared = Number(response.headers['content-length']);
      const tooLarge = () =>
        new GuardedFetchError(
          'too_large',
          `the response is larger than ${formatMegabytes(settings.maxBytes)}`,
        );
      if (Number.isFinite(declared) && declared > settings.maxBytes) {
        done(tooLarge());
        request.destroy();
        return;
      }
      const chunks: Buffer[] = [];
      let total = 0;
      response.on('data', (chunk: Buffer) => {
        total += chunk.length;
        if (total > settings.maxBytes) {
          done(tooLarge());
          request.destroy();
          return;
        }
        chunks.push(chunk);
      });
      response.on('end', () => {
        if (response.complete)
          done(null, { status, headers: response.headers, body: Buffer.concat(chunks, total) });
        else
          done(
            new GuardedFetchError(
              'connection',
              `the connection to ${host} closed before the body was complete`,
            ),
          );
      });
      response.on('error', (error: NodeJS.ErrnoException) => {
        if (error.name === 'AbortError') return done(new GuardedFetchError('timeout', 'timed out'));
        done(
          new GuardedFetchError(
            'connection',
            `the connection to ${host} failed while reading (${error.code ?? error.message})`,
          ),
        );
      });
      response.on('aborted', () =>
        done(new GuardedFetchError('connection', `the connection to ${host} was cut off`)),
      );
      response.on('close', () => {
        if (!response.complete)
          done(
            new GuardedFetchError(
              'connection',
              `the connection to ${host} closed before the body was complete`,
            ),
          );
      });
    });
    request.end();
  });
}
