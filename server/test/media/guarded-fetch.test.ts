import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  classifyAddress,
  createGuardedLookup,
  GuardedFetchError,
  guardedFetch,
  staticResolver,
  type GuardedFetchOptions,
  type HostResolver,
} from '../../src/lib/guarded-fetch.js';
import { installLoopbackTripwire, startLoopbackServer, type LoopbackServer } from './loopback.js';

const tripwire = installLoopbackTripwire();
afterAll(() => tripwire.uninstall());

const resolver = staticResolver({
  'images.test': '127.0.0.1',
  'internal.test': '10.0.0.7',
  'router.test': '192.168.1.1',
  'corp.test': '172.20.0.5',
  'linklocal.test': '169.254.10.20',
  'metadata.test': '169.254.169.254',
  'metadata6.test': 'fd00:ec2::254',
  'mapped.test': '::ffff:127.0.0.1',
  'mapped-private.test': '::ffff:10.1.2.3',
  'cgnat.test': '100.64.3.4',
  'ula.test': 'fd12:3456:789a::1',
  'zero.test': '0.0.0.0',
  'mixed.test': ['127.0.0.1', '10.0.0.1'],
});

const base = (overrides: Partial<GuardedFetchOptions> = {}): GuardedFetchOptions => ({
  timeoutMs: 5_000,
  maxRedirects: 5,
  maxBytes: 1024 * 1024,
  allowLoopback: true,
  resolve: resolver,
  ...overrides,
});

async function failure(promise: Promise<unknown>): Promise<GuardedFetchError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(GuardedFetchError);
    return error as GuardedFetchError;
  }
  throw new Error('expected the fetch to fail');
}

describe('address classification', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['::1', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.1.1', 'link-local'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['169.254.169.254', 'metadata'],
    ['fd00:ec2::254', 'metadata'],
    ['100.64.0.1', 'shared'],
    ['100.127.255.255', 'shared'],
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['::', 'unspecified'],
    ['fc00::1', 'unique-local'],
    ['fd12:3456::1', 'unique-local'],
    ['224.0.0.1', 'multicast'],
    ['ff02::1', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    ['240.0.0.1', 'reserved'],
    ['192.0.2.10', 'reserved'],
    ['2001:db8::1', 'reserved'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::FFFF:10.0.0.1', 'private'],
    ['::ffff:169.254.169.254', 'metadata'],
    ['::ffff:192.168.0.1', 'private'],
    ['::127.0.0.1', 'loopback'],
    ['64:ff9b::a00:1', 'private'],
    ['2002:a00:1::1', 'private'],
    ['8.8.8.8', 'public'],
    ['93.184.216.34', 'public'],
    ['172.32.0.1', 'public'],
    ['100.128.0.1', 'public'],
    ['2606:4700:4700::1111', 'public'],
    ['::ffff:8.8.8.8', 'public'],
  ])('%s is %s', (address, kind) => {
    expect(classifyAddress(address)).toBe(kind);
  });

  it('says a host name is not an IP address', () => {
    expect(classifyAddress('images.test')).toBeNull();
    expect(classifyAddress('1.2.3')).toBeNull();
  });
});

describe('the guarded lookup', () => {
  const lookup = (resolve: HostResolver, allowLoopback: boolean, host: string, all = true) =>
    new Promise<{ error: Error | null; address: unknown }>((done) =>
      createGuardedLookup(resolve, allowLoopback)(host, { all }, (error, address) =>
        done({ error, address }),
      ),
    );

  it('refuses a name when any one of its addresses is not permitted', async () => {
    const { error } = await lookup(resolver, true, 'mixed.test');
    expect(error).toBeInstanceOf(GuardedFetchError);
    expect(error!.message).toContain('mixed.test resolves to a private address');
  });

  it('hands back every vetted address, or the first one when asked for one', async () => {
    expect((await lookup(resolver, true, 'images.test')).address).toEqual([
      { address: '127.0.0.1', family: 4 },
    ]);
    expect((await lookup(resolver, true, 'images.test', false)).address).toBe('127.0.0.1');
  });

  it('refuses loopback unless loopback is allowed', async () => {
    const { error } = await lookup(resolver, false, 'images.test');
    expect(error!.message).toContain('resolves to a loopback address');
  });
});

describe('guardedFetch against blocked targets', () => {
  it.each([
    ['internal.test', 'resolves to a private address'],
    ['router.test', 'resolves to a private address'],
    ['corp.test', 'resolves to a private address'],
    ['linklocal.test', 'resolves to a link-local address'],
    ['metadata.test', 'resolves to a cloud metadata address'],
    ['metadata6.test', 'resolves to a cloud metadata address'],
    ['mapped-private.test', 'resolves to a private address'],
    ['cgnat.test', 'resolves to a carrier-grade NAT'],
    ['ula.test', 'resolves to a unique-local'],
    ['zero.test', 'resolves to an unspecified address'],
  ])('refuses %s even with loopback allowed', async (host, words) => {
    const error = await failure(guardedFetch(`http://${host}/cat.jpg`, base()));
    expect(error.code).toBe('blocked_address');
    expect(error.message).toContain(words);
  });

  it.each([
    ['images.test', 'resolves to a loopback address'],
    ['mapped.test', 'resolves to a loopback address'],
  ])('refuses %s (loopback) when loopback is not allowed', async (host, words) => {
    const error = await failure(guardedFetch(`http://${host}/cat.jpg`, base({ allowLoopback: false })));
    expect(error.code).toBe('blocked_address');
    expect(error.message).toContain(words);
  });

  it.each([
    ['http://127.0.0.1/x', 'loopback'],
    ['http://0x7f.1/x', 'loopback'],
    ['http://2130706433/x', 'loopback'],
    ['http://[::1]/x', 'loopback'],
    ['http://[::ffff:127.0.0.1]/x', 'loopback'],
    ['http://10.0.0.1/x', 'private'],
    ['http://[::ffff:10.0.0.1]/x', 'private'],
    ['http://169.254.169.254/latest/meta-data/', 'cloud metadata'],
    ['http://[fd00:ec2::254]/latest/meta-data/', 'cloud metadata'],
    ['http://[fe80::1]/x', 'link-local'],
  ])('refuses the literal address in %s', async (url, kind) => {
    const error = await failure(guardedFetch(url, base({ allowLoopback: false })));
    expect(error.code).toBe('blocked_address');
    expect(error.message).toContain(`${kind} address`);
  });

  it('fetches only http and https URLs', async () => {
    expect((await failure(guardedFetch('file:///etc/passwd', base()))).code).toBe('unsupported_protocol');
    expect((await failure(guardedFetch('ftp://images.test/a.jpg', base()))).code).toBe(
      'unsupported_protocol',
    );
    expect((await failure(guardedFetch('not a url', base()))).code).toBe('invalid_url');
  });

  it('says when a host does not resolve', async () => {
    const error = await failure(guardedFetch('http://nowhere.test/a.jpg', base()));
    expect(error.code).toBe('dns');
    expect(error.message).toContain('nowhere.test could not be resolved');
  });
});

describe('guardedFetch against a loopback server', () => {
  let server: LoopbackServer;
  beforeAll(async () => {
    server = await startLoopbackServer();
    server.route('/cat.jpg', (_req, res) => {
      res.writeHead(200, { 'content-type': 'image/jpeg' }).end(Buffer.from('pretend jpeg'));
    });
    server.route('/to-internal', (_req, res) => {
      res.writeHead(302, { location: 'http://internal.test/secret' }).end();
    });
    server.route('/to-metadata', (_req, res) => {
      res.writeHead(301, { location: 'http://169.254.169.254/latest/meta-data/' }).end();
    });
    server.route('/to-cat', (_req, res) => {
      res.writeHead(307, { location: '/cat.jpg' }).end();
    });
    server.route('/loop-a', (_req, res) => {
      res.writeHead(302, { location: '/loop-b' }).end();
    });
    server.route('/loop-b', (_req, res) => {
      res.writeHead(302, { location: '/loop-a' }).end();
    });
    for (let i = 0; i < 10; i++) {
      server.route(`/hop/${i}`, (_req, res) => {
        res.writeHead(302, { location: i === 9 ? '/cat.jpg' : `/hop/${i + 1}` }).end();
      });
    }
    server.route('/never-answers', () => undefined);
    server.route('/trickle', (_req, res) => {
      res.writeHead(200, { 'content-type': 'image/jpeg' });
      res.write('a');
    });
    server.route('/declared-huge', (_req, res) => {
      res.writeHead(200, { 'content-type': 'image/jpeg', 'content-length': String(50 * 1024 * 1024) });
      res.write('x');
    });
    server.route('/endless', (_req, res) => {
      res.writeHead(200, { 'content-type': 'image/jpeg' });
      const chunk = Buffer.alloc(64 * 1024, 1);
      let sent = 0;
      const pump = () => {
        while (sent < 64 * 1024 * 1024 && !res.destroyed) {
          sent += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end();
      };
      res.on('close', () => {
        endlessClosedAfter = sent;
      });
      pump();
    });
    server.route('/gone', (_req, res) => {
      res.writeHead(404).end('nope');
    });
  });
  afterAll(async () => {
    await server.close();
  });
  let endlessClosedAfter = -1;

  it('fetches from a host the injected resolver maps to loopback', async () => {
    const response = await guardedFetch(server.url('/cat.jpg'), base());
    expect(response.status).toBe(200);
    expect(response.body.toString()).toBe('pretend jpeg');
    expect(response.redirects).toBe(0);
  });

  it('resolves the host once per connection, so what was vetted is what is connected to', async () => {
    let calls = 0;
    const rebinding: HostResolver = async () => {
      calls++;
      return calls === 1 ? [{ address: '127.0.0.1', family: 4 }] : [{ address: '10.0.0.1', family: 4 }];
    };
    const response = await guardedFetch(server.url('/cat.jpg'), base({ resolve: rebinding }));
    expect(response.body.toString()).toBe('pretend jpeg');
    expect(calls).toBe(1);
  });

  it('follows a relative redirect and reports where it ended', async () => {
    const response = await guardedFetch(server.url('/to-cat'), base());
    expect(response.url).toBe(server.url('/cat.jpg'));
    expect(response.redirects).toBe(1);
    expect(response.body.toString()).toBe('pretend jpeg');
  });

  it('refuses a redirect to a host that resolves to a private address', async () => {
    const error = await failure(guardedFetch(server.url('/to-internal'), base()));
    expect(error.code).toBe('blocked_address');
    expect(error.message).toContain('internal.test resolves to a private address');
  });

  it('refuses a redirect to the cloud metadata address', async () => {
    const error = await failure(guardedFetch(server.url('/to-metadata'), base()));
    expect(error.code).toBe('blocked_address');
    expect(error.message).toContain('cloud metadata address');
  });

  it('stops a redirect loop', async () => {
    const error = await failure(guardedFetch(server.url('/loop-a'), base()));
    expect(error.code).toBe('redirect_loop');
    expect(error.message).toContain('loop');
  });

  it('stops after the allowed number of redirects and follows exactly that many', async () => {
    const error = await failure(guardedFetch(server.url('/hop/0'), base({ maxRedirects: 3 })));
    expect(error.code).toBe('too_many_redirects');
    expect(error.message).toBe('too many redirects (more than 3)');
    const response = await guardedFetch(server.url('/hop/0'), base({ maxRedirects: 10 }));
    expect(response.redirects).toBe(10);
  });

  it('gives up on a server that never answers', async () => {
    const error = await failure(guardedFetch(server.url('/never-answers'), base({ timeoutMs: 300 })));
    expect(error.code).toBe('timeout');
    expect(error.message).toBe('the request timed out after 0.3 s');
  });

  it('gives up on a body that trickles in', async () => {
    const error = await failure(guardedFetch(server.url('/trickle'), base({ timeoutMs: 300 })));
    expect(error.code).toBe('timeout');
  });

  it('refuses a declared Content-Length over the cap without reading the body', async () => {
    const error = await failure(
      guardedFetch(server.url('/declared-huge'), base({ maxBytes: 20 * 1024 * 1024 })),
    );
    expect(error.code).toBe('too_large');
    expect(error.message).toBe('the response is larger than 20 MB');
  });

  it('cuts off a body that grows past the cap', async () => {
    const error = await failure(guardedFetch(server.url('/endless'), base({ maxBytes: 256 * 1024 })));
    expect(error.code).toBe('too_large');
    await expect.poll(() => endlessClosedAfter).toBeGreaterThan(0);
    expect(endlessClosedAfter).toBeLessThan(64 * 1024 * 1024);
  });

  it('names the HTTP status of a failed response', async () => {
    const error = await failure(guardedFetch(server.url('/gone'), base()));
    expect(error.code).toBe('http_status');
    expect(error.message).toBe('HTTP 404 from the server');
    expect(error.details.status).toBe(404);
  });

  it('never let a socket in this file connect anywhere but loopback', () => {
    expect(tripwire.fired).toEqual([]);
  });
});
