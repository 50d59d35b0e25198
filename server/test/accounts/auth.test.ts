import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, TEST_DATABASE, type TestApp } from '../helpers/app.js';
import { Browser, linkIn, signUp } from './browser.js';

/** The newest outbox message to an address, once queued mail has gone out. */
async function latestMailTo(t: TestApp, address: string) {
  await t.app.ctx.mailer.settled();
  const page = await t.app.ctx.admin.listOutbox({ pageSize: 250 });
  const message = page.items.find((m) => m.to === address);
  if (!message) throw new Error(`no mail to ${address}`);
  return message;
}

describe(`web accounts on ${TEST_DATABASE}`, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp({ RATE_LIMIT_LOGIN_PER_15_MINUTES: '1000' });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('signs up, shows the signed-in user, logs out and logs back in; the first account is an admin', async () => {
    const { browser, res } = await signUp(t.app, { username: 'first_user', email: 'First@Example.test' });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toEqual({
      id: expect.stringMatching(/^\d+$/),
      username: 'first_user',
      email: 'First@Example.test',
      email_verified: false,
      account_type: 'PINNER',
      is_admin: true,
    });
    expect(browser.session()).toBeTruthy();

    const me = await browser.get('/api/auth/me');
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({ username: 'first_user', is_admin: true });

    const out = await browser.post('/api/auth/logout');
    expect(out.statusCode).toBe(204);
    expect(browser.session()).toBeUndefined();
    const after = await browser.get('/api/auth/me');
    expect(after.statusCode).toBe(401);
    expect(after.json().code).toBe(2);

    const login = await browser.post('/api/auth/login', {
      username_or_email: 'first@example.test',
      password: 'correct horse battery',
    });
    expect(login.statusCode).toBe(200);
    expect(login.json().username).toBe('first_user');
    expect((await browser.get('/api/auth/me')).json().username).toBe('first_user');
  });

  it('creates a business account directly when account_type is BUSINESS, and needs its name', async () => {
    const browser = new Browser(t.app);
    const missing = await browser.post('/api/auth/signup', {
      email: 'shop@example.test',
      username: 'shop_direct',
      password: 'correct horse battery',
      account_type: 'BUSINESS',
    });
    expect(missing.statusCode).toBe(400);
    expect(missing.json()).toEqual({ code: 1, message: expect.stringContaining('business_name') });
    expect(await t.app.ctx.accounts.getByUsername('shop_direct')).toBeNull();

    const res = await browser.post('/api/auth/signup', {
      email: 'shop@example.test',
      username: 'shop_direct',
      password: 'correct horse battery',
      account_type: 'BUSINESS',
      business_name: 'Direct Shop',
    });
    expect(res.statusCode).toBe(201);
    expect(res.json().account_type).toBe('BUSINESS');
    const user = await t.app.ctx.accounts.getByUsername('shop_direct');
    expect(user).toMatchObject({ accountType: 'BUSINESS', businessName: 'Direct Shop' });
  });

  it('makes later accounts ordinary users', async () => {
    const { res } = await signUp(t.app, { username: 'second_user' });
    expect(res.json().is_admin).toBe(false);
  });

  it('a logged-out session token no longer signs anyone in', async () => {
    const { browser } = await signUp(t.app, { username: 'logout_check' });
    const token = browser.session()!;
    await browser.post('/api/auth/logout');
    const replay = await t.app.inject({ method: 'GET', url: '/api/auth/me', cookies: { cb_session: token } });
    expect(replay.statusCode).toBe(401);
  });

  it('refuses a taken username or email, ignoring case, with 409 naming which', async () => {
    await signUp(t.app, { username: 'taken_name', email: 'taken@example.test' });
    const name = await signUp(t.app, { username: 'TAKEN_name', email: 'other@example.test' });
    expect(name.res.statusCode).toBe(409);
    expect(name.res.json()).toEqual({ code: 409, message: expect.stringContaining('username') });
    const email = await signUp(t.app, { username: 'fresh_name', email: 'TAKEN@example.test' });
    expect(email.res.statusCode).toBe(409);
    expect(email.res.json()).toEqual({ code: 409, message: expect.stringContaining('email') });
  });

  it('refuses bad passwords, usernames and emails with 400 code 1 naming the field', async () => {
    const short = await signUp(t.app, { username: 'short_pw', password: 'seven77' });
    expect(short.res.statusCode).toBe(400);
    expect(short.res.json()).toEqual({ code: 1, message: expect.stringContaining("'password'") });
    const long = await signUp(t.app, { username: 'long_pw', password: 'x'.repeat(201) });
    expect(long.res.statusCode).toBe(400);
    expect(long.res.json().message).toContain("'password'");
    const username = await signUp(t.app, { username: 'no spaces', email: 'spaces@example.test' });
    expect(username.res.statusCode).toBe(400);
    expect(username.res.json().message).toContain("'username'");
    const email = await signUp(t.app, { username: 'bad_email', email: 'not-an-address' });
    expect(email.res.statusCode).toBe(400);
    expect(email.res.json().message).toContain("'email'");
    const missing = await new Browser(t.app).post('/api/auth/signup', {
      username: 'x_y_z',
      password: 'long enough',
    });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().message).toContain("'email'");
  });

  it('answers an unknown user and a wrong password with the same 401', async () => {
    await signUp(t.app, { username: 'known_user' });
    const browser = new Browser(t.app);
    const wrong = await browser.post('/api/auth/login', {
      username_or_email: 'known_user',
      password: 'not the password',
    });
    const unknown = await browser.post('/api/auth/login', {
      username_or_email: 'nobody_at_all',
      password: 'not the password',
    });
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(wrong.json()).toEqual({ code: 2, message: expect.any(String) });
    expect(unknown.json()).toEqual(wrong.json());
    expect(browser.session()).toBeUndefined();
  });

  it('refuses a state-changing call without the CSRF token with 403', async () => {
    const browser = new Browser(t.app);
    const res = await browser.post(
      '/api/auth/signup',
      { email: 'csrf@example.test', username: 'csrf_user', password: 'long enough' },
      { csrf: false },
    );
    expect(res.statusCode).toBe(403);
    expect(res.json()).toEqual({ code: 29, message: expect.stringContaining('CSRF') });
    expect(browser.session()).toBeUndefined();
  });

  it('sets the session cookie httpOnly and SameSite=Lax, not Secure over http', async () => {
    const { res } = await signUp(t.app, { username: 'cookie_user' });
    const cookie = res.cookies.find((c) => c.name === 'cb_session')!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
    expect(cookie.secure).toBeFalsy();
    expect(cookie.expires).toBeInstanceOf(Date);
  });

  it('changing the password ends the other sessions and revokes API tokens, keeping this session', async () => {
    const { browser, res } = await signUp(t.app, { username: 'changer', password: 'old password 1' });
    const userId = res.json().id as string;
    const other = new Browser(t.app);
    await other.post('/api/auth/login', { username_or_email: 'changer', password: 'old password 1' });
    expect((await other.get('/api/auth/me')).statusCode).toBe(200);
    const token = await t.factories.token(userId, ['user_accounts:read']);
    const api = () =>
      t.app.inject({ method: 'GET', url: '/v5/user_account', headers: { authorization: `Bearer ${token}` } });
    expect((await api()).statusCode).toBe(200);

    const wrong = await browser.post('/api/auth/password', {
      current_password: 'not it at all',
      new_password: 'new password 2',
    });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().message).toContain("'current_password'");
    const weak = await browser.post('/api/auth/password', {
      current_password: 'old password 1',
      new_password: 'short',
    });
    expect(weak.statusCode).toBe(400);
    expect(weak.json().message).toContain("'new_password'");

    const changed = await browser.post('/api/auth/password', {
      current_password: 'old password 1',
      new_password: 'new password 2',
    });
    expect(changed.statusCode).toBe(204);
    expect((await browser.get('/api/auth/me')).statusCode).toBe(200);
    expect((await other.get('/api/auth/me')).statusCode).toBe(401);
    const revoked = await api();
    expect(revoked.statusCode).toBe(401);
    expect(revoked.json().code).toBe(2);

    const relogin = new Browser(t.app);
    const oldPassword = await relogin.post('/api/auth/login', {
      username_or_email: 'changer',
      password: 'old password 1',
    });
    expect(oldPassword.statusCode).toBe(401);
    const newPassword = await relogin.post('/api/auth/login', {
      username_or_email: 'changer',
      password: 'new password 2',
    });
    expect(newPassword.statusCode).toBe(200);
  });

  it('needs a session to change a password', async () => {
    const res = await new Browser(t.app).post('/api/auth/password', {
      current_password: 'whatever it is',
      new_password: 'new password 2',
    });
    expect(res.statusCode).toBe(401);
    expect(res.json().code).toBe(2);
  });

  it('verifies the email address with the link sent at sign-up, once', async () => {
    const { browser } = await signUp(t.app, { username: 'verifier', email: 'verifier@example.test' });
    const mail = await latestMailTo(t, 'verifier@example.test');
    expect(mail.delivery).toBe('outbox');
    const { url, token } = linkIn(mail.text, '/verify-email');
    expect(url.origin).toBe(t.config.publicUrl);

    const verified = await browser.post('/api/auth/verify-email', { token });
    expect(verified.statusCode).toBe(200);
    expect(verified.json()).toMatchObject({ username: 'verifier', email_verified: true });
    expect((await browser.get('/api/auth/me')).json().email_verified).toBe(true);

    const again = await browser.post('/api/auth/verify-email', { token });
    expect(again.statusCode).toBe(400);
    expect(again.json()).toEqual({ code: 1, message: expect.stringContaining("'token'") });
    const resend = await browser.post('/api/auth/verify-email/resend');
    expect(resend.statusCode).toBe(409);
  });

  it('sends a new verification link on request; an unknown token is refused', async () => {
    const { browser } = await signUp(t.app, { username: 'resender', email: 'resender@example.test' });
    const first = await latestMailTo(t, 'resender@example.test');
    const resend = await browser.post('/api/auth/verify-email/resend');
    expect(resend.statusCode).toBe(202);
    const second = await latestMailTo(t, 'resender@example.test');
    expect(second.id).not.toBe(first.id);
    const { token } = linkIn(second.text, '/verify-email');
    expect((await browser.post('/api/auth/verify-email', { token })).statusCode).toBe(200);
    const bogus = await browser.post('/api/auth/verify-email', { token: 'not-a-token' });
    expect(bogus.statusCode).toBe(400);
  });

  it('answers a reset request the same for an unknown address, and sends nothing', async () => {
    const browser = new Browser(t.app);
    const before = (await t.app.ctx.admin.listOutbox({ pageSize: 250 })).items.length;
    const unknown = await browser.post('/api/auth/password-reset', { email: 'nobody@example.test' });
    await signUp(t.app, { username: 'resetter_a', email: 'resetter_a@example.test' });
    await t.app.ctx.mailer.settled();
    const afterSignup = (await t.app.ctx.admin.listOutbox({ pageSize: 250 })).items.length;
    expect(afterSignup).toBe(before + 1); // the verification mail only
    const known = await browser.post('/api/auth/password-reset', { email: 'resetter_a@example.test' });
    expect(unknown.statusCode).toBe(202);
    expect(known.statusCode).toBe(202);
    expect(known.json()).toEqual(unknown.json());
    const mail = await latestMailTo(t, 'resetter_a@example.test');
    expect(mail.subject).toContain('Reset');
  });

  it('sends at most 5 reset links to one address in 15 minutes, answering 202 every time', async () => {
    await signUp(t.app, { username: 'flooded', email: 'flooded@example.test' });
    const browser = new Browser(t.app);
    for (let i = 0; i < 7; i++) {
      const res = await browser.post('/api/auth/password-reset', { email: 'FLOODED@example.test' });
      expect(res.statusCode).toBe(202);
    }
    await t.app.ctx.mailer.settled();
    const page = await t.app.ctx.admin.listOutbox({ pageSize: 250 });
    const resets = page.items.filter((m) => m.to === 'flooded@example.test' && m.subject.startsWith('Reset'));
    expect(resets).toHaveLength(5);
  });

  it('a reset link works once, ends every session and revokes API tokens', async () => {
    const { browser, res } = await signUp(t.app, {
      username: 'resetter_b',
      email: 'resetter_b@example.test',
      password: 'forgotten pass',
    });
    const token = await t.factories.token(res.json().id as string, ['user_accounts:read']);
    await new Browser(t.app).post('/api/auth/password-reset', { email: 'resetter_b@example.test' });
    const mail = await latestMailTo(t, 'resetter_b@example.test');
    const link = linkIn(mail.text, '/reset-password');

    const anonymous = new Browser(t.app);
    const confirm = await anonymous.post('/api/auth/password-reset/confirm', {
      token: link.token,
      new_password: 'remembered pass',
    });
    expect(confirm.statusCode).toBe(204);
    expect((await browser.get('/api/auth/me')).statusCode).toBe(401);
    const api = await t.app.inject({
      method: 'GET',
      url: '/v5/user_account',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(api.statusCode).toBe(401);

    const reuse = await anonymous.post('/api/auth/password-reset/confirm', {
      token: link.token,
      new_password: 'another pass 3',
    });
    expect(reuse.statusCode).toBe(400);
    expect(reuse.json()).toEqual({ code: 1, message: expect.stringContaining('already been used') });
    const login = await anonymous.post('/api/auth/login', {
      username_or_email: 'resetter_b',
      password: 'remembered pass',
    });
    expect(login.statusCode).toBe(200);
  });

  it('refuses an expired reset link with 400', async () => {
    await signUp(t.app, { username: 'resetter_c', email: 'resetter_c@example.test' });
    const browser = new Browser(t.app);
    await browser.post('/api/auth/password-reset', { email: 'resetter_c@example.test' });
    const link = linkIn((await latestMailTo(t, 'resetter_c@example.test')).text, '/reset-password');
    await t.app.ctx.database.db
      .updateTable('email_tokens')
      .set({ expires_at: new Date(Date.now() - 1000).toISOString() })
      .where('email', '=', 'resetter_c@example.test')
      .where('kind', '=', 'reset_password')
      .execute();
    const res = await browser.post('/api/auth/password-reset/confirm', {
      token: link.token,
      new_password: 'too late now',
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ code: 1, message: expect.stringContaining('expired') });
  });
});

describe('session cookies behind https', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp({ PUBLIC_URL: 'https://corkboard.example' });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('are Secure, httpOnly and SameSite=Lax when PUBLIC_URL is https', async () => {
    const { res } = await signUp(t.app, { username: 'secure_user' });
    expect(res.statusCode).toBe(201);
    const cookie = res.cookies.find((c) => c.name === 'cb_session')!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', secure: true });
  });
});
