import { createHash, randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, TEST_DATABASE, type TestApp } from '../helpers/app.js';
import type { TestUser } from '../helpers/factories.js';
import { referenceSpecAvailable } from '../helpers/reference.js';
import { expectSpecResponse } from '../helpers/spec.js';
import { ALL_SCOPES } from '../../src/modules/tokens/scopes.js';
import { basic, Browser, callbackServer, fakeWebBuild, makeApp, setPassword } from './helpers.js';

const PASSWORD = 'correct horse battery staple';

describe.runIf(referenceSpecAvailable())(`OAuth 2.0 over real HTTP on ${TEST_DATABASE}`, () => {
  let t: TestApp;
  let base: string;
  let callback: Awaited<ReturnType<typeof callbackServer>>;
  let user: TestUser;
  let client: { clientId: string; secret: string; appId: string };
  const web = fakeWebBuild();

  beforeAll(async () => {
    // Each test logs in afresh, as a person would: more log-ins than the default limit allows.
    t = await buildTestApp({ RATE_LIMIT_LOGIN_PER_15_MINUTES: '1000' }, { webDistDir: web.dir });
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
    callback = await callbackServer();
    user = await t.factories.user();
    await setPassword(t, user.user.id, PASSWORD);
    const owner = await t.factories.user();
    const made = await makeApp(t, owner, { redirectUris: [callback.url, 'https://other.example/cb'] });
    client = { clientId: made.app.clientId!, secret: made.clientSecret, appId: made.app.id };
  });
  afterAll(async () => {
    await callback.close();
    await t.close();
    web.remove();
  });

  function authorizeUrl(params: Record<string, string>): string {
    return `${base}/oauth/?${new URLSearchParams({
      client_id: client.clientId,
      redirect_uri: callback.url,
      response_type: 'code',
      refreshable: 'true',
      ...params,
    })}`;
  }

  /**
   * What the consent page does: open /oauth/ (the server checks it, then serves the web app),
   * read the request from /api/oauth/authorize, log in through /api/auth/login when nobody is,
   * answer through /api/oauth/consent, and follow the returned URL to the client.
   */
  async function authorize(
    browser: Browser,
    params: Record<string, string>,
    decision: 'allow' | 'deny' = 'allow',
    kept?: string[],
  ): Promise<URLSearchParams> {
    const url = new URL(authorizeUrl(params));
    const page = await browser.fetch(url.toString());
    expect(page.status).toBe(200);
    expect(await page.text()).toBe(web.indexHtml);
    let view = await (await browser.fetch(`${base}/api/oauth/authorize${url.search}`)).json();
    if (view.user === null) {
      const login = await browser.send(base, '/api/auth/login', {
        username_or_email: user.user.username,
        password: PASSWORD,
      });
      expect(login.status).toBe(200);
      view = await (await browser.fetch(`${base}/api/oauth/authorize${url.search}`)).json();
    }
    expect(view).toMatchObject({ status: 'consent', user: { username: user.user.username } });
    const consent = await browser.send(base, '/api/oauth/consent', {
      query: url.search,
      decision,
      ...(kept ? { scopes: kept } : {}),
    });
    expect(consent.status).toBe(200);
    const location = ((await consent.json()) as { redirect_url: string }).redirect_url;
    expect(location.startsWith(callback.url)).toBe(true);
    const before = callback.received.length;
    const landed = await browser.fetch(location);
    expect(landed.status).toBe(200);
    expect(callback.received.length).toBe(before + 1);
    return callback.received.at(-1)!;
  }

  async function tokenCall(form: Record<string, string>, secret = client.secret, clientId = client.clientId) {
    const response = await fetch(`${base}/v5/oauth/token`, {
      method: 'POST',
      headers: {
        authorization: basic(clientId, secret),
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams(form).toString(),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  async function api(path: string, token: string) {
    const response = await fetch(`${base}/v5${path}`, { headers: { authorization: `Bearer ${token}` } });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  function pkce() {
    const verifier = randomBytes(48).toString('base64url');
    return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
  }

  it('logs in on the page, consents, exchanges the code with Basic auth, and the token works with exactly the consented scopes', async () => {
    const browser = new Browser();
    const query = await authorize(browser, { scope: 'boards:read,user_accounts:read', state: 'st-1' });
    expect(query.get('state')).toBe('st-1');
    const code = query.get('code')!;
    expect(code).toBeTruthy();

    const res = await tokenCall({ grant_type: 'authorization_code', code, redirect_uri: callback.url });
    expect(res.status).toBe(200);
    expectSpecResponse('oauth/token', 200, res.body);
    expect(res.body).toMatchObject({
      response_type: 'authorization_code',
      token_type: 'bearer',
      scope: 'boards:read,user_accounts:read',
    });
    expect(String(res.body.access_token)).toMatch(/^pina_/);
    expect(String(res.body.refresh_token)).toMatch(/^pinr_/);

    const me = await api('/user_account', String(res.body.access_token));
    expect(me.status).toBe(200);
    expect(me.body.username).toBe(user.user.username);
    expect((await api('/boards', String(res.body.access_token))).status).toBe(200);
    const pins = await api('/pins', String(res.body.access_token));
    expect(pins.status).toBe(403);
    expect(pins.body.code).toBe(3);
  });

  it('with PKCE: the right verifier gets a token; a wrong or missing verifier is refused', async () => {
    const browser = new Browser();
    const { verifier, challenge } = pkce();
    const params = {
      scope: 'pins:read boards:read',
      state: 's',
      code_challenge: challenge,
      code_challenge_method: 'S256',
    };

    const wrong = await tokenCall({
      grant_type: 'authorization_code',
      code: (await authorize(browser, params)).get('code')!,
      redirect_uri: callback.url,
      code_verifier: pkce().verifier,
    });
    expect(wrong.status).toBe(401);
    expect(wrong.body.code).toBe(2);

    const missing = await tokenCall({
      grant_type: 'authorization_code',
      code: (await authorize(browser, params)).get('code')!,
      redirect_uri: callback.url,
    });
    expect(missing.status).toBe(400);
    expect(missing.body.code).toBe(1);

    const right = await tokenCall({
      grant_type: 'authorization_code',
      code: (await authorize(browser, params)).get('code')!,
      redirect_uri: callback.url,
      code_verifier: verifier,
    });
    expect(right.status).toBe(200);
    expectSpecResponse('oauth/token', 200, right.body);
    expect(right.body.scope).toBe('pins:read,boards:read');
  });

  it('refuses a reused code, a wrong redirect URI and a wrong secret with 401 code 2', async () => {
    const browser = new Browser();
    const code = (await authorize(browser, { scope: 'boards:read' })).get('code')!;
    const wrongRedirect = await tokenCall({
      grant_type: 'authorization_code',
      code,
      redirect_uri: 'https://other.example/cb',
    });
    expect(wrongRedirect.status).toBe(401);
    expect(wrongRedirect.body.code).toBe(2);

    const wrongSecret = await tokenCall(
      { grant_type: 'authorization_code', code, redirect_uri: callback.url },
      'f'.repeat(40),
    );
    expect(wrongSecret.status).toBe(401);
    expect(wrongSecret.body.code).toBe(2);

    const first = await tokenCall({ grant_type: 'authorization_code', code, redirect_uri: callback.url });
    expect(first.status).toBe(200);
    const again = await tokenCall({ grant_type: 'authorization_code', code, redirect_uri: callback.url });
    expect(again.status).toBe(401);
    expect(again.body.code).toBe(2);
  });

  it('a code used a second time revokes the tokens it gave (RFC 6749 §4.1.2), and only those', async () => {
    const browser = new Browser();
    const code = (await authorize(browser, { scope: 'user_accounts:read' })).get('code')!;
    const other = (await authorize(browser, { scope: 'user_accounts:read' })).get('code')!;
    const grant = await tokenCall({ grant_type: 'authorization_code', code, redirect_uri: callback.url });
    const otherGrant = await tokenCall({
      grant_type: 'authorization_code',
      code: other,
      redirect_uri: callback.url,
    });
    const access = String(grant.body.access_token);
    expect((await api('/user_account', access)).status).toBe(200);
    const refreshed = await tokenCall({
      grant_type: 'refresh_token',
      refresh_token: String(grant.body.refresh_token),
    });
    expect(refreshed.status).toBe(200);
    const refreshedAccess = String(refreshed.body.access_token);
    expect((await api('/user_account', refreshedAccess)).status).toBe(200);

    const replay = await tokenCall({ grant_type: 'authorization_code', code, redirect_uri: callback.url });
    expect(replay).toMatchObject({ status: 401, body: { code: 2 } });
    expect(String(replay.body.message)).toContain('revoked');
    expect(await api('/user_account', access)).toMatchObject({ status: 401, body: { code: 2 } });
    expect(await api('/user_account', refreshedAccess)).toMatchObject({ status: 401, body: { code: 2 } });
    expect(
      await tokenCall({ grant_type: 'refresh_token', refresh_token: String(refreshed.body.refresh_token) }),
    ).toMatchObject({ status: 401, body: { code: 2 } });
    // The other grant of the same user and app is untouched.
    expect((await api('/user_account', String(otherGrant.body.access_token))).status).toBe(200);
  });

  it("a code another app replays is refused and leaves the owner's tokens working", async () => {
    const browser = new Browser();
    const code = (await authorize(browser, { scope: 'user_accounts:read' })).get('code')!;
    const grant = await tokenCall({ grant_type: 'authorization_code', code, redirect_uri: callback.url });
    const owner = await t.factories.user();
    const intruder = await makeApp(t, owner, { redirectUris: [callback.url] });
    const replay = await tokenCall(
      { grant_type: 'authorization_code', code, redirect_uri: callback.url },
      intruder.clientSecret,
      intruder.app.clientId!,
    );
    expect(replay).toMatchObject({ status: 401, body: { code: 2 } });
    expect((await api('/user_account', String(grant.body.access_token))).status).toBe(200);
  });

  it('refuses an expired code and an unknown one with 401 code 2', async () => {
    const browser = new Browser();
    const code = (await authorize(browser, { scope: 'boards:read' })).get('code')!;
    await t.app.ctx.database.db
      .updateTable('oauth_codes')
      .set({ expires_at: '2000-01-01T00:00:00.000Z' })
      .execute();
    const expired = await tokenCall({ grant_type: 'authorization_code', code, redirect_uri: callback.url });
    expect(expired).toMatchObject({ status: 401, body: { code: 2 } });
    const unknown = await tokenCall({
      grant_type: 'authorization_code',
      code: 'nope',
      redirect_uri: callback.url,
    });
    expect(unknown).toMatchObject({ status: 401, body: { code: 2 } });
  });

  it('answers 400 code 1 for a malformed request and 401 code 2 without client authentication', async () => {
    expect(await tokenCall({ grant_type: 'password' })).toMatchObject({ status: 400, body: { code: 1 } });
    expect(await tokenCall({})).toMatchObject({ status: 400, body: { code: 1 } });
    expect(await tokenCall({ grant_type: 'authorization_code', redirect_uri: callback.url })).toMatchObject({
      status: 400,
      body: { code: 1 },
    });
    const bare = await fetch(`${base}/v5/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials&scope=boards:read',
    });
    expect(bare.status).toBe(401);
    expect(((await bare.json()) as { code: number }).code).toBe(2);
    expect(
      await tokenCall({ grant_type: 'client_credentials', scope: 'boards:read' }, client.secret, '999'),
    ).toMatchObject({
      status: 401,
      body: { code: 2 },
    });
  });

  it('a spent refresh token presented again after the grace minute revokes the grant: its refresh and access tokens stop working', async () => {
    const browser = new Browser();
    const code = (await authorize(browser, { scope: 'user_accounts:read' })).get('code')!;
    const first = await tokenCall({ grant_type: 'authorization_code', code, redirect_uri: callback.url });
    const spent = String(first.body.refresh_token);
    const refreshed = await tokenCall({ grant_type: 'refresh_token', refresh_token: spent });
    expect(refreshed.status).toBe(200);
    const current = String(refreshed.body.refresh_token);
    const accessTokens = [String(first.body.access_token), String(refreshed.body.access_token)];
    // A retry within the grace minute is refused and changes nothing.
    expect(await tokenCall({ grant_type: 'refresh_token', refresh_token: spent })).toMatchObject({
      status: 401,
      body: { code: 2, message: expect.not.stringContaining('revoked') },
    });
    for (const access of accessTokens) expect((await api('/user_account', access)).status).toBe(200);

    // Two minutes later the spent secret is a copy someone kept: the whole grant ends.
    await t.app.ctx.database.db
      .updateTable('access_tokens')
      .set({ rotated_at: new Date(Date.now() - 120_000).toISOString() })
      .where('kind', '=', 'refresh')
      .where('rotated_at', 'is not', null)
      .execute();
    const replay = await tokenCall({ grant_type: 'refresh_token', refresh_token: spent });
    expect(replay).toMatchObject({ status: 401, body: { code: 2 } });
    expect(String(replay.body.message)).toContain('the grant is revoked');
    expect(await tokenCall({ grant_type: 'refresh_token', refresh_token: current })).toMatchObject({
      status: 401,
      body: { code: 2 },
    });
    for (const access of accessTokens)
      expect(await api('/user_account', access)).toMatchObject({ status: 401, body: { code: 2 } });
  });

  it('each refresh gives a new working access token and a new refresh token with a full lifetime; the used one stops working; expired or revoked refresh tokens are refused', async () => {
    const browser = new Browser();
    const code = (await authorize(browser, { scope: 'boards:read,user_accounts:read' })).get('code')!;
    const first = await tokenCall({ grant_type: 'authorization_code', code, redirect_uri: callback.url });
    let refreshToken = String(first.body.refresh_token);
    const seenAccess = new Set([String(first.body.access_token)]);
    const seenRefresh = new Set([refreshToken]);
    for (let i = 0; i < 2; i++) {
      const refreshed = await tokenCall({
        grant_type: 'refresh_token',
        refresh_token: refreshToken,
        ...(i === 1 ? { continuous_refresh: 'true' } : {}),
      });
      expect(refreshed.status).toBe(200);
      expectSpecResponse('oauth/token', 200, refreshed.body);
      expect(refreshed.body.response_type).toBe('refresh_token');
      expect(refreshed.body.refresh_token_expires_in).toBe(t.config.refreshTokenTtlSeconds);
      const access = String(refreshed.body.access_token);
      const rotated = String(refreshed.body.refresh_token);
      expect(rotated).toMatch(/^pinr_/);
      expect(seenAccess.has(access)).toBe(false);
      expect(seenRefresh.has(rotated)).toBe(false);
      seenAccess.add(access);
      seenRefresh.add(rotated);
      expect((await api('/user_account', access)).status).toBe(200);
      // The refresh token just used is spent: it is refused from now on.
      expect(await tokenCall({ grant_type: 'refresh_token', refresh_token: refreshToken })).toMatchObject({
        status: 401,
        body: { code: 2 },
      });
      refreshToken = rotated;
    }
    // Two refreshes racing with one token: exactly one wins.
    const race = await Promise.all([
      tokenCall({ grant_type: 'refresh_token', refresh_token: refreshToken }),
      tokenCall({ grant_type: 'refresh_token', refresh_token: refreshToken }),
    ]);
    expect(race.map((r) => r.status).sort()).toEqual([200, 401]);
    refreshToken = String(race.find((r) => r.status === 200)!.body.refresh_token);
    // Access tokens given earlier in the grant keep working until they expire.
    for (const access of seenAccess) expect((await api('/user_account', access)).status).toBe(200);
    expect(
      await tokenCall({
        grant_type: 'refresh_token',
        refresh_token: refreshToken,
        continuous_refresh: 'maybe',
      }),
    ).toMatchObject({ status: 400, body: { code: 1 } });

    const narrowed = await tokenCall({
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
      scope: 'boards:read',
    });
    expect(narrowed.body.scope).toBe('boards:read');
    refreshToken = String(narrowed.body.refresh_token);
    const widened = await tokenCall({
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
      scope: 'pins:read',
    });
    expect(widened).toMatchObject({ status: 400, body: { code: 1 } });

    await t.app.ctx.database.db
      .updateTable('access_tokens')
      .set({ expires_at: '2000-01-01T00:00:00.000Z' })
      .where('kind', '=', 'refresh')
      .execute();
    expect(await tokenCall({ grant_type: 'refresh_token', refresh_token: refreshToken })).toMatchObject({
      status: 401,
      body: { code: 2 },
    });
  });

  it('token/revoke ends a refresh token and the access tokens made from it', async () => {
    const browser = new Browser();
    const code = (await authorize(browser, { scope: 'user_accounts:read' })).get('code')!;
    const grant = await tokenCall({ grant_type: 'authorization_code', code, redirect_uri: callback.url });
    const access = String(grant.body.access_token);
    expect((await api('/user_account', access)).status).toBe(200);
    const revoke = await fetch(`${base}/v5/oauth/token/revoke`, {
      method: 'POST',
      headers: {
        authorization: basic(client.clientId, client.secret),
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({
        token: String(grant.body.refresh_token),
        token_type_hint: 'refresh_token',
      }).toString(),
    });
    expect(revoke.status).toBe(200);
    expect(await revoke.text()).toBe('');
    const after = await api('/user_account', access);
    expect(after).toMatchObject({ status: 401, body: { code: 2 } });
    expect(
      await tokenCall({ grant_type: 'refresh_token', refresh_token: String(grant.body.refresh_token) }),
    ).toMatchObject({
      status: 401,
      body: { code: 2 },
    });
  });

  it('Deny redirects with error=access_denied and the state', async () => {
    const query = await authorize(new Browser(), { scope: 'boards:read', state: 'deny-me' }, 'deny');
    expect(query.get('error')).toBe('access_denied');
    expect(query.get('state')).toBe('deny-me');
    expect(query.get('code')).toBeNull();
  });

  it('shows the error in the web app, never a redirect, for an unknown client or an unregistered redirect URI', async () => {
    const browser = new Browser();
    const badClient = authorizeUrl({ client_id: '123', scope: 'boards:read' });
    const badClientPage = await browser.fetch(badClient);
    expect(badClientPage.status).toBe(400);
    expect(badClientPage.headers.get('location')).toBeNull();
    expect(await badClientPage.text()).toBe(web.indexHtml);
    const badClientJson = await browser.fetch(`${base}/api/oauth/authorize${new URL(badClient).search}`);
    expect(badClientJson.status).toBe(400);
    expect(await badClientJson.json()).toMatchObject({ code: 1, message: 'No app has this client_id.' });

    const badRedirect = authorizeUrl({ redirect_uri: 'https://evil.example/cb', scope: 'boards:read' });
    const badRedirectPage = await browser.fetch(badRedirect);
    expect(badRedirectPage.status).toBe(400);
    expect(badRedirectPage.headers.get('location')).toBeNull();
    const badRedirectJson = await browser.fetch(`${base}/api/oauth/authorize${new URL(badRedirect).search}`);
    expect(badRedirectJson.status).toBe(400);
    expect(((await badRedirectJson.json()) as { message: string }).message).toContain('redirect_uri');
    // Nor does the consent endpoint ever answer with that URI.
    const login = await browser.send(base, '/api/auth/login', {
      username_or_email: user.user.username,
      password: PASSWORD,
    });
    expect(login.status).toBe(200);
    const consent = await browser.send(base, '/api/oauth/consent', {
      query: new URL(badRedirect).search,
      decision: 'allow',
    });
    expect(consent.status).toBe(400);
    expect(JSON.stringify(await consent.json())).not.toContain('evil.example');
  });

  it('redirects with error=invalid_scope for an unknown scope, and takes consumer_id for client_id', async () => {
    const url = `${base}/oauth/?${new URLSearchParams({
      consumer_id: client.clientId,
      redirect_uri: callback.url,
      response_type: 'code',
      scope: 'boards:read,nonsense:all',
      state: 'x',
    })}`;
    const res = await new Browser().fetch(url);
    expect(res.status).toBe(302);
    const location = new URL(res.headers.get('location')!);
    expect(location.searchParams.get('error')).toBe('invalid_scope');
    expect(location.searchParams.get('state')).toBe('x');
  });

  it('Allow needs a session: a wrong password gives none and Allow is refused with 401; Cancel works signed out', async () => {
    const browser = new Browser();
    const url = new URL(authorizeUrl({ scope: 'boards:read' }));
    const view = await (await browser.fetch(`${base}/api/oauth/authorize${url.search}`)).json();
    expect(view.user).toBeNull();
    const login = await browser.send(base, '/api/auth/login', {
      username_or_email: user.user.username,
      password: 'wrong password',
    });
    expect(login.status).toBe(401);
    expect(browser.cookies.has('cb_session')).toBe(false);
    const consent = await browser.send(base, '/api/oauth/consent', { query: url.search, decision: 'allow' });
    expect(consent.status).toBe(401);
    // Cancel is offered on the log-in step too: it needs nobody signed in.
    const cancel = await browser.send(base, '/api/oauth/consent', { query: url.search, decision: 'deny' });
    expect(cancel.status).toBe(200);
    const location = new URL(((await cancel.json()) as { redirect_url: string }).redirect_url);
    expect(location.searchParams.get('error')).toBe('access_denied');
    expect(location.searchParams.get('code')).toBeNull();
  });

  it('refuses the consent answer without its CSRF token', async () => {
    const browser = new Browser();
    await browser.send(base, '/api/auth/login', {
      username_or_email: user.user.username,
      password: PASSWORD,
    });
    expect(browser.cookies.has('cb_session')).toBe(true);
    const url = new URL(authorizeUrl({ scope: 'boards:read' }));
    const consent = await browser.fetch(`${base}/api/oauth/consent`, {
      json: { query: url.search, decision: 'allow' },
    });
    expect(consent.status).toBe(403);
  });

  it('describes the request for the consent page: the app name as text, each scope in words, who is signed in', async () => {
    const browser = new Browser();
    const url = new URL(authorizeUrl({ scope: 'pins:read boards:read_secret', state: 'abc' }));
    const view = await (await browser.fetch(`${base}/api/oauth/authorize${url.search}`)).json();
    expect(view).toEqual({
      status: 'consent',
      app: { name: 'Test App <b>&</b>', icon_url: null, website_url: '' },
      scopes: [
        { scope: 'pins:read', description: 'See your public Pins' },
        { scope: 'boards:read_secret', description: 'See your secret boards' },
      ],
      redirect_origin: new URL(callback.url).origin,
      user: null,
    });
    const page = await browser.fetch(url.toString());
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(page.headers.get('cache-control')).toBe('no-store');
  });

  it('Allow may keep only some of the scopes asked for: the token has exactly those', async () => {
    const browser = new Browser();
    const query = await authorize(browser, { scope: 'boards:read,user_accounts:read,pins:read' }, 'allow', [
      'user_accounts:read',
    ]);
    const grant = await tokenCall({
      grant_type: 'authorization_code',
      code: query.get('code')!,
      redirect_uri: callback.url,
    });
    expect(grant.body.scope).toBe('user_accounts:read');
    const access = String(grant.body.access_token);
    expect((await api('/user_account', access)).status).toBe(200);
    expect(await api('/boards', access)).toMatchObject({ status: 403, body: { code: 3 } });

    const url = new URL(authorizeUrl({ scope: 'boards:read' }));
    for (const scopes of [['pins:write'], [], ['nonsense']]) {
      const refused = await browser.send(base, '/api/oauth/consent', {
        query: url.search,
        decision: 'allow',
        scopes,
      });
      expect(refused.status, JSON.stringify(scopes)).toBe(400);
      expect(((await refused.json()) as { message: string }).message).toContain('scopes');
    }
  });

  it('lists every scope with its words for the scope pickers', async () => {
    const res = await fetch(`${base}/api/scopes`);
    expect(res.status).toBe(200);
    const { items } = (await res.json()) as { items: { scope: string; description: string }[] };
    expect(items.map((i) => i.scope)).toEqual([...ALL_SCOPES]);
    for (const item of items) expect(item.description.length).toBeGreaterThan(5);
  });

  it('client_credentials: a pinc_ token acting as the owner works where the spec allows it and gets 403 elsewhere', async () => {
    const res = await tokenCall({
      grant_type: 'client_credentials',
      scope: 'boards:read,pins:read,user_accounts:read',
    });
    expect(res.status).toBe(200);
    expectSpecResponse('oauth/token', 200, res.body);
    expect(res.body.response_type).toBe('client_credentials');
    const token = String(res.body.access_token);
    expect(token).toMatch(/^pinc_/);
    expect((await api('/boards', token)).status).toBe(200);
    const owner = await api('/user_account', token);
    expect(owner.status).toBe(200);
    expect(owner.body.username).not.toBe(user.user.username);
    // pins/save lists only pinterest_oauth2 in the spec's security.
    const save = await fetch(`${base}/v5/pins/1/save`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ board_id: '1' }),
    });
    expect(save.status).toBe(403);
    expect(((await save.json()) as { code: number }).code).toBe(29);
  });

  it("a rejected app's tokens stop working at once, and it can no longer authenticate", async () => {
    const owner = await t.factories.user();
    const made = await makeApp(t, owner, { redirectUris: [callback.url] });
    const cc = await tokenCall(
      { grant_type: 'client_credentials', scope: 'user_accounts:read' },
      made.clientSecret,
      made.app.clientId!,
    );
    const token = String(cc.body.access_token);
    expect((await api('/user_account', token)).status).toBe(200);
    const admin = await t.factories.user();
    await t.app.ctx.apps.reject(admin.user.id, made.app.id, 'Not what we allow');
    expect(await api('/user_account', token)).toMatchObject({ status: 401, body: { code: 2 } });
    expect(
      await tokenCall(
        { grant_type: 'client_credentials', scope: 'user_accounts:read' },
        made.clientSecret,
        made.app.clientId!,
      ),
    ).toMatchObject({ status: 401, body: { code: 2 } });
  });

  it('OAUTH_AUTO_APPROVE_USER approves at once with no page', async () => {
    const sandbox = await buildTestApp({ OAUTH_AUTO_APPROVE_USER: user.user.username });
    try {
      const other = await sandbox.factories.user({ username: user.user.username });
      const owner = await sandbox.factories.user();
      const made = await makeApp(sandbox, owner);
      const res = await sandbox.app.inject({
        method: 'GET',
        url: `/oauth/?${new URLSearchParams({
          client_id: made.app.clientId!,
          redirect_uri: 'https://client.example/callback',
          response_type: 'code',
          scope: 'boards:read',
          state: 'auto',
        })}`,
      });
      expect(res.statusCode).toBe(302);
      const location = new URL(res.headers.location as string);
      expect(location.searchParams.get('state')).toBe('auto');
      const grant = await sandbox.app.inject({
        method: 'POST',
        url: '/v5/oauth/token',
        headers: { authorization: basic(made.app.clientId!, made.clientSecret) },
        payload: {
          grant_type: 'authorization_code',
          code: location.searchParams.get('code')!,
          redirect_uri: 'https://client.example/callback',
        },
      });
      expect(grant.statusCode).toBe(200);
      const me = await sandbox.app.inject({
        method: 'GET',
        url: '/v5/user_account',
        headers: { authorization: `Bearer ${grant.json().access_token}` },
      });
      expect(me.statusCode).toBe(403);
      const boards = await sandbox.app.inject({
        method: 'GET',
        url: '/v5/boards',
        headers: { authorization: `Bearer ${grant.json().access_token}` },
      });
      expect(boards.statusCode).toBe(200);
      expect(other.user.id).toBeTruthy();
    } finally {
      await sandbox.close();
    }
  });
});
