import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, TEST_DATABASE, type TestApp } from '../helpers/app.js';
import { Browser, signUp } from './browser.js';

const LIMIT = 3;

describe(`log-in rate limits on ${TEST_DATABASE}`, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp({ RATE_LIMIT_LOGIN_PER_15_MINUTES: String(LIMIT) });
  });
  afterAll(async () => {
    await t?.close();
  });

  const attempt = (browser: Browser, username: string, password: string) =>
    browser.post('/api/auth/login', { username_or_email: username, password });

  it(`answers 429 code 8 with Retry-After after ${LIMIT} attempts on one account name`, async () => {
    await signUp(t.app, { username: 'limited_name', password: 'right password' });
    // Each attempt from its own address, so only the name's counter is in play.
    for (let i = 0; i < LIMIT; i++) {
      const res = await attempt(new Browser(t.app, `10.0.1.${i + 1}`), 'limited_name', 'wrong password');
      expect(res.statusCode).toBe(401);
    }
    const blocked = await attempt(new Browser(t.app, '10.0.1.99'), 'LIMITED_NAME', 'right password');
    expect(blocked.statusCode).toBe(429);
    expect(blocked.json()).toEqual({ code: 8, message: expect.stringContaining('Too many') });
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    expect(blocked.cookies.find((c) => c.name === 'cb_session')).toBeUndefined();
  });

  it('counts attempts per client address across account names', async () => {
    const browser = new Browser(t.app, '10.0.2.1');
    for (let i = 0; i < LIMIT; i++) {
      expect((await attempt(browser, `nobody_${i}`, 'wrong password')).statusCode).toBe(401);
    }
    const blocked = await attempt(browser, 'someone_else', 'wrong password');
    expect(blocked.statusCode).toBe(429);
    expect(blocked.json().code).toBe(8);
    expect(blocked.headers['retry-after']).toBeDefined();
  });

  it("a successful log-in resets the name's counter", async () => {
    await signUp(t.app, { username: 'resets_name', password: 'right password' });
    let address = 0;
    const from = () => new Browser(t.app, `10.0.3.${++address}`);
    for (let i = 0; i < LIMIT - 1; i++) {
      expect((await attempt(from(), 'resets_name', 'wrong password')).statusCode).toBe(401);
    }
    expect((await attempt(from(), 'resets_name', 'right password')).statusCode).toBe(200);
    for (let i = 0; i < LIMIT - 1; i++) {
      expect((await attempt(from(), 'resets_name', 'wrong password')).statusCode).toBe(401);
    }
    expect((await attempt(from(), 'resets_name', 'right password')).statusCode).toBe(200);
  });
});
