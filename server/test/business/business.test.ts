import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, TEST_PUBLIC_URL, type TestApp } from '../helpers/app.js';
import type { TestUser } from '../helpers/factories.js';
import { expectSpecResponse } from '../helpers/spec.js';
import { solid } from '../media/images.js';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => {
  await t.close();
});

type Method = 'GET' | 'PUT' | 'POST';

/** A signed-in browser: session cookie, CSRF cookie and token. */
async function signedIn(user?: TestUser) {
  const owner = user ?? (await t.factories.user());
  const { token } = await t.app.ctx.sessions.create(owner.user.id, 'vitest');
  const csrf = await t.app.inject({ method: 'GET', url: '/api/csrf' });
  const csrfCookie = csrf.cookies.find((c) => c.name === 'cb_csrf')!.value;
  const call = (method: Method, url: string, payload?: object) =>
    t.app.inject({
      method,
      url,
      headers: { 'x-csrf-token': csrf.json().csrf_token },
      cookies: { cb_session: token, cb_csrf: csrfCookie },
      ...(payload ? { payload } : {}),
    });
  return { owner, call, profile: async () => (await call('GET', '/api/business/profile')).json() };
}

const NAME = { business_name: 'Hana Ceramics', language: 'en', country: 'GB' };
const ABOUT = {
  description: 'Hand-made bowls and cups.',
  goals: ['SELL_PRODUCTS', 'DRIVE_TRAFFIC'],
  promote: ['PRODUCTS'],
};

async function base64Of(image: Promise<Buffer> | Buffer): Promise<string> {
  return (await image).toString('base64');
}

describe('the business profile wizard', () => {
  it('converts a personal account step by step; user_account/get then shows it in the spec Account shape', async () => {
    const { owner, call, profile } = await signedIn();
    expect(await profile()).toMatchObject({
      account_type: 'PINNER',
      completed: false,
      missing_steps: ['name', 'about', 'ads'],
      steps: { name: null, about: null, ads: null, profile_picture: null, website: null },
    });

    expect((await call('PUT', '/api/business/profile/name', { ...NAME, country: 'gb' })).statusCode).toBe(
      200,
    );
    expect((await call('PUT', '/api/business/profile/about', ABOUT)).statusCode).toBe(200);
    expect(
      (await call('PUT', '/api/business/profile/ads', { ads_interest: 'NOT_SURE_YET' })).statusCode,
    ).toBe(200);
    const picture = await call('PUT', '/api/business/profile/picture', {
      image_base64: await base64Of(solid(600, 400, '#cc6633')),
    });
    expect(picture.statusCode).toBe(200);
    const website = await call('PUT', '/api/business/profile/website', {
      website_url: 'Hana-Ceramics.test/shop/',
    });
    expect(website.statusCode).toBe(200);
    expect(website.json().steps.website).toEqual({
      website_url: 'https://hana-ceramics.test/shop',
      website: 'hana-ceramics.test/shop',
      claimed: false,
    });

    // Saved but not finished: the account is still personal.
    const before = await t.app.inject({ method: 'GET', url: '/v5/user_account', headers: owner.auth });
    expect(before.json().account_type).toBe('PINNER');

    const finished = await call('POST', '/api/business/profile/finish');
    expect(finished.statusCode).toBe(200);
    const state = finished.json();
    expect(state).toMatchObject({
      account_type: 'BUSINESS',
      business_name: 'Hana Ceramics',
      completed: true,
      missing_steps: [],
      steps: {
        name: { business_name: 'Hana Ceramics', language: 'en', country: 'GB' },
        about: ABOUT,
        ads: { ads_interest: 'NOT_SURE_YET' },
        profile_picture: { width: 280, height: 280 },
      },
    });

    const res = await t.app.inject({ method: 'GET', url: '/v5/user_account', headers: owner.auth });
    expect(res.statusCode).toBe(200);
    const account = res.json();
    expectSpecResponse('user_account/get', 200, account);
    expect(account).toMatchObject({
      account_type: 'BUSINESS',
      business_name: 'Hana Ceramics',
      website_url: 'https://hana-ceramics.test/shop',
      monthly_views: 0,
    });
    expect(account.profile_image).toBe(state.steps.profile_picture.url);
    expect(account.profile_image).toMatch(
      new RegExp(`^${TEST_PUBLIC_URL}/media/profiles/\\d{2}/${owner.user.id}/[0-9a-f]{32}/280x280\\.jpg$`),
    );

    // The image is a real 280×280 JPEG served from /media.
    const file = await t.app.inject({
      method: 'GET',
      url: account.profile_image.slice(TEST_PUBLIC_URL.length),
    });
    expect(file.statusCode).toBe(200);
    expect(file.headers['content-type']).toBe('image/jpeg');
    const meta = await sharp(file.rawPayload).metadata();
    expect(meta).toMatchObject({ format: 'jpeg', width: 280, height: 280 });
  });

  it('keeps each step so the wizard can go back, and a saved step can be changed', async () => {
    const { call, profile } = await signedIn();
    await call('PUT', '/api/business/profile/name', NAME);
    await call('PUT', '/api/business/profile/about', ABOUT);
    expect((await profile()).steps.name).toEqual(NAME);
    const changed = await call('PUT', '/api/business/profile/name', {
      ...NAME,
      business_name: '  Hana & Co  ',
    });
    expect(changed.json().steps).toMatchObject({ name: { business_name: 'Hana & Co' }, about: ABOUT });
    const skipped = await call('PUT', '/api/business/profile/website', { website_url: null });
    expect(skipped.json().steps.website).toEqual({ website_url: null, website: null, claimed: false });
    expect((await profile()).missing_steps).toEqual(['ads']);
  });

  it('refuses to finish before the required steps, naming the first missing one', async () => {
    const { owner, call } = await signedIn();
    await call('PUT', '/api/business/profile/name', NAME);
    const res = await call('POST', '/api/business/profile/finish');
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({
      code: 1,
      message:
        "The business profile is not complete: save the step 'about' (description, goals and what to promote) first.",
    });
    const account = await t.app.inject({ method: 'GET', url: '/v5/user_account', headers: owner.auth });
    expect(account.json()).toMatchObject({ account_type: 'PINNER', business_name: null });
  });

  it('applies a changed step at once on an account that is already a business', async () => {
    const { owner, call } = await signedIn();
    await call('PUT', '/api/business/profile/name', NAME);
    await call('PUT', '/api/business/profile/about', ABOUT);
    await call('PUT', '/api/business/profile/ads', { ads_interest: 'YES' });
    expect((await call('POST', '/api/business/profile/finish')).statusCode).toBe(200);
    await call('PUT', '/api/business/profile/name', { ...NAME, business_name: 'Hana Studio' });
    await call('PUT', '/api/business/profile/website', { website_url: 'http://studio.test' });
    const account = await t.app.inject({ method: 'GET', url: '/v5/user_account', headers: owner.auth });
    expectSpecResponse('user_account/get', 200, account.json());
    expect(account.json()).toMatchObject({
      account_type: 'BUSINESS',
      business_name: 'Hana Studio',
      website_url: 'http://studio.test/',
    });
  });

  it('links the website step to the claim: claimed turns true once the site is verified', async () => {
    const { owner, call } = await signedIn();
    await call('PUT', '/api/business/profile/website', { website_url: 'https://claimed.test' });
    const { verificationCode } = await t.app.ctx.websites.verificationCode(owner.user.id);
    expect(verificationCode).toMatch(/^[0-9a-f]{32}$/);
    // The claim itself is tested in test/websites; here a row stands for a verified claim.
    await t.app.ctx.database.db
      .insertInto('websites')
      .values({
        id: t.app.ctx.ids.next(),
        user_id: owner.user.id,
        website: 'claimed.test',
        website_key: 'claimed.test',
        method: 'DNSTXT',
        verified_at: new Date().toISOString(),
      })
      .execute();
    expect((await call('GET', '/api/business/profile')).json().steps.website.claimed).toBe(true);
  });
});

describe('each step validates its fields and saves nothing when one is wrong', () => {
  const cases: { name: string; url: string; payload: object; message: RegExp; step: string }[] = [
    {
      name: 'an unknown language',
      url: 'name',
      payload: { ...NAME, language: 'xx' },
      message: /^Invalid request: 'language' is not an ISO 639-1 language code/,
      step: 'name',
    },
    {
      name: 'an unknown country',
      url: 'name',
      payload: { ...NAME, country: 'ZZ' },
      message: /^Invalid request: 'country' is not an ISO 3166-1 alpha-2 country code\.$/,
      step: 'name',
    },
    {
      name: 'a blank business name',
      url: 'name',
      payload: { ...NAME, business_name: '   ' },
      message: /'business_name' is empty/,
      step: 'name',
    },
    {
      name: 'a business name that is too long',
      url: 'name',
      payload: { ...NAME, business_name: 'x'.repeat(101) },
      message: /'business_name' is longer than 100 characters/,
      step: 'name',
    },
    {
      name: 'a missing country',
      url: 'name',
      payload: { business_name: 'X', language: 'en' },
      message: /^Invalid field 'country': is required\.$/,
      step: 'name',
    },
    {
      name: 'an empty description',
      url: 'about',
      payload: { ...ABOUT, description: '' },
      message: /'description' is empty/,
      step: 'about',
    },
    {
      name: 'no goals',
      url: 'about',
      payload: { ...ABOUT, goals: [] },
      message: /'goals'/,
      step: 'about',
    },
    {
      name: 'an unknown goal',
      url: 'about',
      payload: { ...ABOUT, goals: ['GET_RICH'] },
      message:
        /^Invalid field 'goals\[0\]': must be one of GROW_FOLLOWING, DRIVE_TRAFFIC, SELL_PRODUCTS, BUILD_AWARENESS, NOT_SURE\.$/,
      step: 'about',
    },
    {
      name: 'NOT_SURE with another choice',
      url: 'about',
      payload: { ...ABOUT, promote: ['NOT_SURE', 'CONTENT'] },
      message: /'promote' cannot combine NOT_SURE with other choices/,
      step: 'about',
    },
    {
      name: 'an unknown ads answer',
      url: 'ads',
      payload: { ads_interest: 'MAYBE' },
      message: /^Invalid field 'ads_interest': must be one of YES, NOT_SURE_YET\.$/,
      step: 'ads',
    },
    {
      name: 'a website that is not http(s)',
      url: 'website',
      payload: { website_url: 'ftp://files.test' },
      message: /'website_url' must be a domain, a domain with a path, or an http\(s\) URL/,
      step: 'website',
    },
  ];
  for (const c of cases) {
    it(`${c.url}: ${c.name}`, async () => {
      const { call, profile } = await signedIn();
      const res = await call('PUT', `/api/business/profile/${c.url}`, c.payload);
      expect(res.statusCode).toBe(400);
      expect(res.json().code).toBe(1);
      expect(res.json().message).toMatch(c.message);
      expect((await profile()).steps[c.step]).toBeNull();
    });
  }
});

describe('the profile picture', () => {
  it('is cropped to a centred square and resized to 280×280 JPEG, whatever the input format', async () => {
    const { call } = await signedIn();
    const res = await call('PUT', '/api/business/profile/picture', {
      image_base64: `data:image/png;base64,${await base64Of(solid(200, 900, '#3366cc', 'png'))}`,
    });
    expect(res.statusCode).toBe(200);
    const url = res.json().steps.profile_picture.url as string;
    const file = await t.app.inject({ method: 'GET', url: url.slice(TEST_PUBLIC_URL.length) });
    expect(await sharp(file.rawPayload).metadata()).toMatchObject({
      format: 'jpeg',
      width: 280,
      height: 280,
    });
  });

  it('replacing it removes the previous file', async () => {
    const { call } = await signedIn();
    const first = await call('PUT', '/api/business/profile/picture', {
      image_base64: await base64Of(solid(300, 300, '#112233')),
    });
    const firstUrl = first.json().steps.profile_picture.url as string;
    const second = await call('PUT', '/api/business/profile/picture', {
      image_base64: await base64Of(solid(300, 300, '#445566')),
    });
    expect(second.json().steps.profile_picture.url).not.toBe(firstUrl);
    const gone = await t.app.inject({ method: 'GET', url: firstUrl.slice(TEST_PUBLIC_URL.length) });
    expect(gone.statusCode).toBe(404);
  });

  const refusals: { name: string; image: () => Promise<string>; message: string }[] = [
    {
      name: 'data that is not an image',
      image: async () => Buffer.from('<html>not a picture</html>').toString('base64'),
      message: "Invalid request: 'image_base64' is not an image (expected JPEG, PNG, WebP or GIF).",
    },
    {
      name: 'an image smaller than 165×165',
      image: () => base64Of(solid(100, 100, '#ff0000', 'png')),
      message:
        "Invalid request: 'image_base64' is 100×100 pixels; a profile picture must be at least 165×165 pixels.",
    },
    {
      name: 'an image too narrow on one side',
      image: () => base64Of(solid(600, 120, '#ff0000')),
      message:
        "Invalid request: 'image_base64' is 600×120 pixels; a profile picture must be at least 165×165 pixels.",
    },
    {
      name: 'a truncated JPEG',
      image: async () => (await solid(400, 400, '#00ff00')).subarray(0, 200).toString('base64'),
      message: "Invalid request: 'image_base64' could not be read as a JPEG image.",
    },
    {
      name: 'text that is not base64',
      image: async () => 'not base64 at all!',
      message: "Invalid request: 'image_base64' is not valid base64.",
    },
  ];
  for (const r of refusals) {
    it(`refuses ${r.name} with a 400 that says why, and keeps no picture`, async () => {
      const { call, profile } = await signedIn();
      const res = await call('PUT', '/api/business/profile/picture', { image_base64: await r.image() });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toEqual({ code: 1, message: r.message });
      expect((await profile()).steps.profile_picture).toBeNull();
    });
  }
});

describe('sessions and CSRF', () => {
  it('needs a signed-in session (401 code 2) for the profile and every step', async () => {
    for (const [method, url] of [
      ['GET', '/api/business/profile'],
      ['PUT', '/api/business/profile/name'],
      ['PUT', '/api/business/profile/picture'],
      ['POST', '/api/business/profile/finish'],
    ] as const) {
      const res = await t.app.inject({ method, url, ...(method === 'GET' ? {} : { payload: NAME }) });
      expect(res.statusCode, `${method} ${url}`).toBe(401);
      expect(res.json()).toEqual({ code: 2, message: 'Log in first.' });
    }
  });

  it('refuses a step without the CSRF token, and saves nothing', async () => {
    const { owner, profile } = await signedIn();
    const { token } = await t.app.ctx.sessions.create(owner.user.id, 'vitest');
    const res = await t.app.inject({
      method: 'PUT',
      url: '/api/business/profile/name',
      cookies: { cb_session: token },
      payload: NAME,
    });
    expect(res.statusCode).toBe(403);
    expect(res.json().message).toContain('CSRF');
    const finish = await t.app.inject({
      method: 'POST',
      url: '/api/business/profile/finish',
      cookies: { cb_session: token },
    });
    expect(finish.statusCode).toBe(403);
    expect((await profile()).steps.name).toBeNull();
  });

  it('lists the wizard choices for the web app', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/business/options' });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.countries).toHaveLength(249);
    expect(body.countries).toContainEqual({ code: 'GB', name: 'United Kingdom' });
    expect(body.languages).toContainEqual({ code: 'en', name: 'English' });
    expect(body.goals).toContain('BUILD_AWARENESS');
    expect(body.ads_interest).toEqual(['YES', 'NOT_SURE_YET']);
    expect(body.limits).toEqual({
      business_name_max: 100,
      description_max: 500,
      picture_min_size: 165,
      picture_size: 280,
    });
  });
});
