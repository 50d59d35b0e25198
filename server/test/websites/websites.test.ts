import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { staticResolver } from '../../src/lib/guarded-fetch.js';
import type { TxtResolver } from '../../src/modules/websites/verification.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import type { TestUser } from '../helpers/factories.js';
import { expectSpecResponse, specScopes } from '../helpers/spec.js';
import { installLoopbackTripwire } from '../media/loopback.js';

const tripwire = installLoopbackTripwire();

/** Pages by Host name (port ignored) and path: each test publishes what its site serves. */
const pages = new Map<string, { status?: number; body: string }>();
const page = (host: string, path: string, body: string, status = 200) =>
  pages.set(`${host}${path}`, { body, status });

/** TXT records by name; a name without an entry does not exist. */
const txtRecords = new Map<string, string[][]>();
const resolveTxt: TxtResolver = async (hostname) => {
  const records = txtRecords.get(hostname);
  if (!records) throw Object.assign(new Error(`queryTxt ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
  return records;
};

let t: TestApp;
let site: http.Server;
let port: number;
let closedPort: number;

beforeAll(async () => {
  site = http.createServer((req, res) => {
    const host = (req.headers.host ?? '').replace(/:\d+$/, '');
    const path = (req.url ?? '/').split('?')[0]!;
    const found = pages.get(`${host}${path}`);
    if (!found) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not here');
      return;
    }
    res.writeHead(found.status ?? 200, { 'content-type': 'text/html' }).end(found.body);
  });
  await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
  port = (site.address() as AddressInfo).port;
  // A port nothing listens on: listen, note it, close.
  const probe = http.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  closedPort = (probe.address() as AddressInfo).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));

  const loopbackHosts = ['shop.test', 'file.test', 'other.test', 'closed.test', 'Mixed.test'];
  t = await buildTestApp(
    { FETCH_ALLOW_LOOPBACK: 'true' },
    {
      websites: {
        resolve: staticResolver({
          ...Object.fromEntries(loopbackHosts.map((h) => [h.toLowerCase(), '127.0.0.1'])),
          'private.test': '10.0.0.9',
          'metadata.test': '169.254.169.254',
        }),
        resolveTxt,
      },
    },
  );
});

afterAll(async () => {
  await t.close();
  await new Promise<void>((resolve) => {
    site.closeAllConnections();
    site.close(() => resolve());
  });
  tripwire.uninstall();
  expect(tripwire.fired).toEqual([]);
});

async function codeOf(user: TestUser): Promise<string> {
  const res = await t.app.inject({
    method: 'GET',
    url: '/v5/user_account/websites/verification',
    headers: user.auth,
  });
  expect(res.statusCode).toBe(200);
  return res.json().verification_code as string;
}

function verify(user: TestUser, website: string, verification_method?: string) {
  return t.app.inject({
    method: 'POST',
    url: '/v5/user_account/websites',
    headers: user.auth,
    payload: verification_method ? { website, verification_method } : { website },
  });
}

async function listed(user: TestUser): Promise<string[]> {
  const res = await t.app.inject({ method: 'GET', url: '/v5/user_account/websites', headers: user.auth });
  expect(res.statusCode).toBe(200);
  return (res.json().items as { website: string }[]).map((i) => i.website);
}

const metaPage = (code: string) =>
  `<!doctype html><html><head><title>Shop</title>\n<meta charset="utf-8">\n<META NAME="p:domain_verify" CONTENT="${code}" /></head><body>Hello</body></html>`;

describe('website_verification/get', () => {
  it("returns the account's code, made once, with the meta tag, file and TXT record in the spec's shape", async () => {
    const alice = await t.factories.user();
    const res = await t.app.inject({
      method: 'GET',
      url: '/v5/user_account/websites/verification',
      headers: alice.auth,
    });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expectSpecResponse('website_verification/get', 200, body);
    const code = body.verification_code as string;
    expect(code).toMatch(/^[0-9a-f]{32}$/);
    expect(body.metatag).toBe(`<meta name="p:domain_verify" content="${code}"/>`);
    expect(body.filename).toBe(`pinterest-${code.slice(0, 5)}.html`);
    expect(body.file_content).toContain(code);
    expect(body.dns_txt_record).toBe(`pinterest-site-verification=${code}`);
    expect(await codeOf(alice)).toBe(code);
    expect(await codeOf(await t.factories.user())).not.toBe(code);
  });
});

describe('verify_website/update', () => {
  it('claims a site by the meta tag on its home page (https tried first, then http)', async () => {
    const alice = await t.factories.user();
    page('shop.test', '/', metaPage(await codeOf(alice)));
    const res = await verify(alice, `Shop.Test:${port}/`);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expectSpecResponse('verify_website/update', 200, body);
    expect(body).toMatchObject({ status: 'success', website: `shop.test:${port}` });
    expect(body.verified_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(await listed(alice)).toEqual([`shop.test:${port}`]);
  });

  it('claims a site with a path by the HTML file at its root, named and filled as website_verification/get says', async () => {
    const bob = await t.factories.user();
    const instructions = (
      await t.app.inject({ method: 'GET', url: '/v5/user_account/websites/verification', headers: bob.auth })
    ).json();
    page('file.test', `/store/${instructions.filename}`, instructions.file_content);
    const res = await verify(bob, `http://file.test:${port}/store`, 'FILENAME');
    expect(res.statusCode).toBe(200);
    expectSpecResponse('verify_website/update', 200, res.json());
    expect(res.json().website).toBe(`file.test:${port}/store`);
  });

  it('claims a domain by its DNS TXT record (the record may come in several strings)', async () => {
    const carol = await t.factories.user();
    const code = await codeOf(carol);
    txtRecords.set('dns.test', [['v=spf1 -all'], ['pinterest-site-verification=', code]]);
    const res = await verify(carol, 'dns.test', 'DNSTXT');
    expect(res.statusCode).toBe(200);
    expectSpecResponse('verify_website/update', 200, res.json());
    expect(await listed(carol)).toEqual(['dns.test']);
  });

  it('verifying a claimed site again keeps one claim', async () => {
    const dave = await t.factories.user();
    txtRecords.set('again.test', [[`pinterest-site-verification=${await codeOf(dave)}`]]);
    expect((await verify(dave, 'again.test', 'DNSTXT')).statusCode).toBe(200);
    expect((await verify(dave, 'AGAIN.test/', 'DNSTXT')).statusCode).toBe(200);
    expect(await listed(dave)).toEqual(['again.test']);
  });

  describe('says why it fails, with 400 code 1, and claims nothing', () => {
    const cases: {
      name: string;
      setup: (code: string) => void;
      website: () => string;
      method: string;
      reason: RegExp;
    }[] = [
      {
        name: 'a host that does not resolve',
        setup: () => undefined,
        website: () => 'nowhere.test',
        method: 'METATAG',
        reason: /could not be reached: the host nowhere\.test could not be resolved/,
      },
      {
        name: 'a site that refuses connections',
        setup: () => undefined,
        website: () => `http://closed.test:${closedPort}`,
        method: 'METATAG',
        reason: /could not be reached: the connection to closed\.test failed \(ECONNREFUSED\)/,
      },
      {
        name: 'a home page without the meta tag',
        setup: () => page('other.test', '/plain', '<html><head><title>x</title></head><body></body></html>'),
        website: () => `http://other.test:${port}/plain`,
        method: 'METATAG',
        reason:
          /no <meta name="p:domain_verify"> tag was found in the <head> of http:\/\/other\.test:\d+\/plain\.$/,
      },
      {
        name: 'a meta tag only in the body',
        setup: (code) =>
          page(
            'other.test',
            '/body',
            `<html><head></head><body><meta name="p:domain_verify" content="${code}"></body></html>`,
          ),
        website: () => `http://other.test:${port}/body`,
        method: 'METATAG',
        reason: /no <meta name="p:domain_verify"> tag was found in the <head>/,
      },
      {
        name: "a meta tag with another account's code",
        setup: () => page('other.test', '/mismatch', metaPage('0123456789abcdef0123456789abcdef')),
        website: () => `http://other.test:${port}/mismatch`,
        method: 'METATAG',
        reason:
          /has content "0123456789abcdef0123456789abcdef", which is not this account's verification code/,
      },
      {
        name: 'a home page that answers 500',
        setup: () => page('other.test', '/broken', 'oops', 500),
        website: () => `http://other.test:${port}/broken`,
        method: 'METATAG',
        reason: /the home page http:\/\/other\.test:\d+\/broken answered HTTP 500/,
      },
      {
        name: 'a missing verification file',
        setup: () => undefined,
        website: () => `http://other.test:${port}/nofile`,
        method: 'FILENAME',
        reason:
          /the file pinterest-[0-9a-f]{5}\.html http:\/\/other\.test:\d+\/nofile\/pinterest-[0-9a-f]{5}\.html answered HTTP 404 \(upload it to the root of the website\)/,
      },
      {
        name: 'a verification file without the code',
        setup: (code) =>
          page('other.test', `/wrongfile/pinterest-${code.slice(0, 5)}.html`, '<html>hello</html>'),
        website: () => `http://other.test:${port}/wrongfile`,
        method: 'FILENAME',
        reason: /does not contain this account's verification code/,
      },
      {
        name: 'no TXT record at all',
        setup: () => undefined,
        website: () => 'notxt.test',
        method: 'DNSTXT',
        reason: /no TXT record was found for notxt\.test/,
      },
      {
        name: 'TXT records without ours',
        setup: () => txtRecords.set('othertxt.test', [['v=spf1 -all']]),
        website: () => 'othertxt.test',
        method: 'DNSTXT',
        reason:
          /no TXT record "pinterest-site-verification=[0-9a-f]{32}" was found for othertxt\.test \(it has 1 other TXT record\)/,
      },
      {
        name: "a TXT record with another account's code",
        setup: () => txtRecords.set('wrongtxt.test', [['pinterest-site-verification=ffff']]),
        website: () => 'wrongtxt.test',
        method: 'DNSTXT',
        reason:
          /the TXT record of wrongtxt\.test is "pinterest-site-verification=ffff", which is not this account's verification code/,
      },
      {
        name: 'a host resolving to a private address (the guard refuses it)',
        setup: () => undefined,
        website: () => 'private.test',
        method: 'METATAG',
        reason: /could not be reached: private\.test resolves to a private address, which is not allowed/,
      },
      {
        name: 'the cloud metadata address',
        setup: () => undefined,
        website: () => 'metadata.test',
        method: 'FILENAME',
        reason: /metadata\.test resolves to a cloud metadata address, which is not allowed/,
      },
      {
        name: 'a literal private address',
        setup: () => undefined,
        website: () => 'http://192.168.1.10',
        method: 'METATAG',
        reason: /192\.168\.1\.10 is a private address, which is not allowed/,
      },
    ];
    for (const c of cases) {
      it(c.name, async () => {
        const user = await t.factories.user();
        c.setup(await codeOf(user));
        const res = await verify(user, c.website(), c.method);
        expect(res.statusCode).toBe(400);
        const body = res.json();
        expect(body.code).toBe(1);
        expect(body.message).toMatch(/^Could not verify /);
        expect(body.message).toMatch(c.reason);
        expect(await listed(user)).toEqual([]);
      });
    }
  });

  it('refuses bad input with 400 code 1 naming the field', async () => {
    const user = await t.factories.user();
    const missing = await t.app.inject({
      method: 'POST',
      url: '/v5/user_account/websites',
      headers: user.auth,
      payload: { verification_method: 'METATAG' },
    });
    expect(missing.statusCode).toBe(400);
    expect(missing.json()).toEqual({ code: 1, message: "Invalid field 'website': is required." });
    const method = await verify(user, 'shop.test', 'EMAIL');
    expect(method.statusCode).toBe(400);
    expect(method.json().message).toMatch(/'verification_method': must be one of METATAG, FILENAME, DNSTXT/);
    const ftp = await verify(user, 'ftp://shop.test/');
    expect(ftp.statusCode).toBe(400);
    expect(ftp.json()).toEqual({
      code: 1,
      message: "Invalid request: 'website' must be a domain, a domain with a path, or an http(s) URL.",
    });
    const userinfo = await verify(user, 'https://me:secret@shop.test/');
    expect(userinfo.json().message).toMatch(/'website' must not contain a user name or password/);
  });
});

describe('user_websites/get', () => {
  it("pages the caller's claimed websites newest first with a keyset bookmark, in the spec's shape", async () => {
    const erin = await t.factories.user();
    const code = await codeOf(erin);
    for (const name of ['one', 'two', 'three']) {
      txtRecords.set(`${name}.erin.test`, [[`pinterest-site-verification=${code}`]]);
      expect((await verify(erin, `${name}.erin.test`, 'DNSTXT')).statusCode).toBe(200);
    }
    const first = await t.app.inject({
      method: 'GET',
      url: '/v5/user_account/websites?page_size=2',
      headers: erin.auth,
    });
    expect(first.statusCode).toBe(200);
    expectSpecResponse('user_websites/get', 200, first.json());
    expect(first.json().items.map((i: { website: string }) => i.website)).toEqual([
      'three.erin.test',
      'two.erin.test',
    ]);
    const bookmark = first.json().bookmark as string;
    expect(bookmark).toEqual(expect.any(String));
    const second = await t.app.inject({
      method: 'GET',
      url: `/v5/user_account/websites?page_size=2&bookmark=${encodeURIComponent(bookmark)}`,
      headers: erin.auth,
    });
    expectSpecResponse('user_websites/get', 200, second.json());
    expect(second.json()).toMatchObject({ items: [{ website: 'one.erin.test' }], bookmark: null });

    // Another account sees none of them, and cannot replay the bookmark.
    const frank = await t.factories.user();
    expect(await listed(frank)).toEqual([]);
    const replay = await t.app.inject({
      method: 'GET',
      url: `/v5/user_account/websites?bookmark=${encodeURIComponent(bookmark)}`,
      headers: frank.auth,
    });
    expect(replay.statusCode).toBe(400);
    expect(replay.json().code).toBe(1);
  });

  it('refuses a page_size out of range with 400 naming it', async () => {
    const user = await t.factories.user();
    const res = await t.app.inject({
      method: 'GET',
      url: '/v5/user_account/websites?page_size=251',
      headers: user.auth,
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toMatch(/'page_size'/);
  });
});

describe('unverify_website/delete', () => {
  it('removes a claim (any spelling of the website) and answers 404 when it is not claimed', async () => {
    const gina = await t.factories.user();
    txtRecords.set('gina.test', [[`pinterest-site-verification=${await codeOf(gina)}`]]);
    expect((await verify(gina, 'gina.test/shop', 'DNSTXT')).statusCode).toBe(200);

    const stranger = await t.factories.user();
    const notTheirs = await t.app.inject({
      method: 'DELETE',
      url: '/v5/user_account/websites?website=gina.test/shop',
      headers: stranger.auth,
    });
    expect(notTheirs.statusCode).toBe(404);
    expectSpecResponse('unverify_website/delete', 404, notTheirs.json());
    expect(notTheirs.json()).toEqual({ code: 404, message: 'Website not in user list.' });

    const res = await t.app.inject({
      method: 'DELETE',
      url: `/v5/user_account/websites?website=${encodeURIComponent('https://GINA.test/shop/')}`,
      headers: gina.auth,
    });
    expect(res.statusCode).toBe(204);
    expect(res.body).toBe('');
    expect(await listed(gina)).toEqual([]);
    const again = await t.app.inject({
      method: 'DELETE',
      url: '/v5/user_account/websites?website=gina.test/shop',
      headers: gina.auth,
    });
    expect(again.statusCode).toBe(404);
  });

  it('needs the website query parameter', async () => {
    const user = await t.factories.user();
    const res = await t.app.inject({
      method: 'DELETE',
      url: '/v5/user_account/websites',
      headers: user.auth,
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ code: 1, message: "Invalid query parameter 'website': is required." });
  });
});

describe('scopes', () => {
  const calls: { operationId: string; method: 'GET' | 'POST' | 'DELETE'; url: string; payload?: object }[] = [
    { operationId: 'website_verification/get', method: 'GET', url: '/v5/user_account/websites/verification' },
    {
      operationId: 'verify_website/update',
      method: 'POST',
      url: '/v5/user_account/websites',
      payload: { website: 'shop.test' },
    },
    { operationId: 'user_websites/get', method: 'GET', url: '/v5/user_account/websites' },
    {
      operationId: 'unverify_website/delete',
      method: 'DELETE',
      url: '/v5/user_account/websites?website=a.test',
    },
  ];
  for (const call of calls) {
    it(`${call.operationId} answers 403 code 3 without each scope the spec lists`, async () => {
      const user = await t.factories.user();
      const scopes = specScopes(call.operationId);
      expect(scopes.length).toBeGreaterThan(0);
      for (const scope of scopes) {
        const res = await t.app.inject({
          method: call.method,
          url: call.url,
          headers: await t.factories.tokenWithout(user.user.id, [scope]),
          ...(call.payload ? { payload: call.payload } : {}),
        });
        expect(res.statusCode).toBe(403);
        expect(res.json()).toEqual({ code: 3, message: `Missing required scope: ${scope}.` });
      }
      const anonymous = await t.app.inject({ method: call.method, url: call.url });
      expect(anonymous.statusCode).toBe(401);
    });
  }
});

describe('claimed content for other areas', () => {
  it('claimedDomainsOf and isClaimedLink answer from the claims', async () => {
    const hana = await t.factories.user();
    const code = await codeOf(hana);
    txtRecords.set('hana.test', [[`pinterest-site-verification=${code}`]]);
    txtRecords.set('blog.example.test', [[`pinterest-site-verification=${code}`]]);
    expect((await verify(hana, 'hana.test', 'DNSTXT')).statusCode).toBe(200);
    expect((await verify(hana, 'blog.example.test/hana', 'DNSTXT')).statusCode).toBe(200);
    const websites = t.app.ctx.websites;
    expect(await websites.claimedDomainsOf(hana.user.id)).toEqual(['blog.example.test/hana', 'hana.test']);
    expect(await websites.isClaimedLink(hana.user.id, 'https://hana.test/products/1')).toBe(true);
    expect(await websites.isClaimedLink(hana.user.id, 'http://www.HANA.test/')).toBe(true);
    expect(await websites.isClaimedLink(hana.user.id, 'https://blog.example.test/hana/post')).toBe(true);
    expect(await websites.isClaimedLink(hana.user.id, 'https://blog.example.test/hanako')).toBe(false);
    expect(await websites.isClaimedLink(hana.user.id, 'https://blog.example.test/')).toBe(false);
    expect(await websites.isClaimedLink(hana.user.id, 'https://nothana.test/')).toBe(false);
    expect(await websites.isClaimedLink(hana.user.id, 'javascript:alert(1)')).toBe(false);
    expect(await websites.isClaimedLink((await t.factories.user()).user.id, 'https://hana.test/')).toBe(
      false,
    );
  });
});

describe('the web app (cookie session) routes', () => {
  it('need a session, and CSRF for changes', async () => {
    const none = await t.app.inject({ method: 'GET', url: '/api/websites/verification' });
    expect(none.statusCode).toBe(401);
    expect(none.json().code).toBe(2);

    const ivy = await t.factories.user();
    const { token } = await t.app.ctx.sessions.create(ivy.user.id, 'vitest');
    const code = await t.app.inject({
      method: 'GET',
      url: '/api/websites/verification',
      cookies: { cb_session: token },
    });
    expect(code.statusCode).toBe(200);
    expect(code.json().verification_code).toBe(await codeOf(ivy));

    txtRecords.set('ivy.test', [[`pinterest-site-verification=${code.json().verification_code}`]]);
    const noCsrf = await t.app.inject({
      method: 'POST',
      url: '/api/websites',
      cookies: { cb_session: token },
      payload: { website: 'ivy.test', verification_method: 'DNSTXT' },
    });
    expect(noCsrf.statusCode).toBe(403);
    const csrf = await t.app.inject({ method: 'GET', url: '/api/csrf' });
    const csrfCookie = csrf.cookies.find((c) => c.name === 'cb_csrf')!.value;
    const ok = await t.app.inject({
      method: 'POST',
      url: '/api/websites',
      headers: { 'x-csrf-token': csrf.json().csrf_token },
      cookies: { cb_session: token, cb_csrf: csrfCookie },
      payload: { website: 'ivy.test', verification_method: 'DNSTXT' },
    });
    expect(ok.statusCode).toBe(200);
    expect(await listed(ivy)).toEqual(['ivy.test']);
  });
});
