import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, newContext, PHONE, screenshot } from './helpers/browser.js';
import { becomeBusiness, shownVerificationCode, writePicture } from './helpers/business.js';
import { browserMissingReason } from './helpers/environment.js';
import { startServer, type RunningServer } from './helpers/server.js';
import { createToken, expectAccessible, signUpAs } from './helpers/people.js';

const skip = browserMissingReason() !== null;

async function userAccount(server: RunningServer, token: string) {
  const response = await fetch(`${server.url}/v5/user_account`, {
    headers: { authorization: `Bearer ${token}` },
  });
  expect(response.status).toBe(200);
  return (await response.json()) as Record<string, unknown>;
}

describe.skipIf(skip)('business accounts in the browser', () => {
  let server: RunningServer;
  let browser: Browser;
  let context: BrowserContext;
  let phoneContext: BrowserContext;
  let page: Page;
  let phone: Page;
  let dir: string;
  let picture: string;
  let tiny: string;
  let notAnImage: string;
  /** The business's own website on loopback: it carries whatever code the test gives it. */
  let site: http.Server;
  let siteUrl = '';
  let siteCode = '';

  beforeAll(async () => {
    site = http.createServer((request, response) => {
      const html = `<!DOCTYPE html><html><head><meta name="p:domain_verify" content="${siteCode}"/></head><body>Kiln</body></html>`;
      // The home page (of the site or of a path on it) and the verification file alike.
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      response.end(request.method === 'HEAD' ? undefined : html);
    });
    await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
    siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
    // The sandbox setting that lets the guarded fetch reach the loopback site above.
    server = await startServer({ FETCH_ALLOW_LOOPBACK: 'true' });
    browser = await launchBrowser();
    context = await newContext(browser, server.url);
    phoneContext = await newContext(browser, server.url, PHONE);
    page = await context.newPage();
    phone = await phoneContext.newPage();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'corkboard-e2e-business-'));
    picture = await writePicture(path.join(dir, 'logo.png'), 600, 400);
    tiny = path.join(dir, 'tiny.jpg');
    await sharp({ create: { width: 100, height: 80, channels: 3, background: '#3366cc' } })
      .jpeg()
      .toFile(tiny);
    notAnImage = path.join(dir, 'notes.txt');
    fs.writeFileSync(notAnImage, 'These are my notes, not a picture.\n');
  });
  afterEach(async (test) => {
    if (test.task.result?.state !== 'fail') return;
    const name = test.task.name.slice(0, 40).replace(/\W+/g, '-');
    await screenshot(page, `failed-${name}-business`).catch(() => undefined);
    await screenshot(phone, `failed-${name}-business-phone`).catch(() => undefined);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    site?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('converts a personal account through every step, with errors next to the fields', async () => {
    await signUpAs(page, 'hana');
    expect(await page.getByRole('link', { name: 'Analytics' }).count()).toBe(0);
    await page.getByRole('link', { name: 'Profile' }).click();
    await page.getByRole('link', { name: 'Convert to business' }).click();
    await page.waitForURL((url) => url.pathname === '/business');
    await page.getByText('Convert to a business account').waitFor();
    await page.getByText('Step 1 of 5').waitFor();

    // Step 1: the form's own check, then the server's rule next to its field.
    await page.getByLabel('Business name').fill('');
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByText('Enter the name of your business.').waitFor();
    await page.getByLabel('Business name').fill('x'.repeat(101));
    await page.getByText('At most 100 characters (101 now).').waitFor();
    await page.getByLabel('Business name').fill('Hana Ceramics');
    await page.getByLabel('Country or region').selectOption('GB');
    await screenshot(page, 'business-1-name');
    await page.getByRole('button', { name: 'Next' }).click();

    // Step 2: NOT_SURE with another goal is the server's rule, shown under the goals.
    await page.getByRole('heading', { level: 1, name: 'Describe your business' }).waitFor();
    expect(await page.getByText('Step 2 of 5').count()).toBe(1);
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByText('Say in a few words what your business is about.').waitFor();
    await page.getByText('Choose at least one goal.').waitFor();
    await page.getByLabel('What is your business about?').fill('Hand-made bowls <script>x</script> & cups.');
    await page.getByLabel('Sell more products').check();
    await page
      .getByRole('group', { name: 'What are your goals on Corkboard?' })
      .getByLabel('Not sure yet')
      .check();
    await page.getByLabel('Products', { exact: true }).check();
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByText('Cannot combine NOT_SURE with other choices').waitFor();
    await page
      .getByRole('group', { name: 'What are your goals on Corkboard?' })
      .getByLabel('Not sure yet')
      .uncheck();

    // Back keeps what was saved; Next again goes on.
    await page.getByRole('button', { name: 'Back' }).click();
    await page.getByRole('heading', { level: 1, name: 'Your business' }).waitFor();
    expect(await page.getByLabel('Business name').inputValue()).toBe('Hana Ceramics');
    expect(await page.getByLabel('Country or region').inputValue()).toBe('GB');
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByRole('heading', { level: 1, name: 'Describe your business' }).waitFor();
    await page.getByLabel('What is your business about?').fill('Hand-made bowls <script>x</script> & cups.');
    await page.getByLabel('Sell more products').check();
    await page.getByLabel('Products', { exact: true }).check();
    await page.getByRole('button', { name: 'Next' }).click();

    // Step 3; then leave and come back: the wizard resumes where it was.
    await page.getByRole('heading', { level: 1, name: 'Interested in ads?' }).waitFor();
    await page.getByLabel('Yes', { exact: true }).check();
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByRole('heading', { level: 1, name: 'Add a profile picture' }).waitFor();
    await page.goto('/');
    await page.goto('/business');
    await page.getByRole('heading', { level: 1, name: 'Add a profile picture' }).waitFor();
    await page.getByText('Step 4 of 5').waitFor();

    // Step 4: not an image, too small, then a real picture with its preview.
    const input = page.getByLabel('Profile picture', { exact: true });
    await input.setInputFiles(notAnImage);
    await page.getByText('This file is not an image (expected JPEG, PNG, WebP or GIF).').waitFor();
    await input.setInputFiles(tiny);
    await page
      .getByText('This file is 100×80 pixels; a profile picture must be at least 165×165 pixels.')
      .waitFor();
    await input.setInputFiles(picture);
    await page.getByText('Picture saved.').waitFor();
    const preview = page.getByRole('img', { name: 'Your profile picture' });
    await preview.waitFor();
    expect(await preview.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(280);
    await screenshot(page, 'business-4-picture');
    await page.getByRole('button', { name: 'Next' }).click();

    // Step 5: the instructions carry the account's code from the server.
    await page.getByRole('heading', { level: 1, name: 'Claim your website' }).waitFor();
    const codes = (await page.evaluate(async () => {
      const response = await fetch('/api/websites/verification');
      return response.json();
    })) as { verification_code: string; metatag: string; filename: string; dns_txt_record: string };
    expect(codes.verification_code).toMatch(/^[0-9a-f]{32}$/);
    await page.getByText(codes.verification_code, { exact: true }).waitFor();
    await page.getByText(codes.metatag, { exact: true }).waitFor();
    await page.getByText(codes.dns_txt_record, { exact: true }).waitFor();
    expect(await page.getByText(codes.filename).count()).toBeGreaterThan(0);

    await page.getByLabel('Website', { exact: true }).fill('ftp://files.test');
    await page.getByRole('button', { name: 'Save website' }).click();
    await page.getByText(/must be a domain, a domain with a path, or an http\(s\) URL/i).waitFor();
    await page.getByLabel('Website', { exact: true }).fill(`${siteUrl}/shop`);
    await page.getByRole('button', { name: 'Save website' }).click();
    // The site does not carry this account's code (yet): the server says why.
    siteCode = 'someone-elses-code';
    const host = siteUrl.slice('http://'.length);
    await page.getByRole('button', { name: `Verify ${host}/shop` }).click();
    const reason = page.getByText(`Could not verify ${host}/shop by `, { exact: false });
    await reason.waitFor();
    expect(await reason.textContent()).toContain(`has content "someone-elses-code"`);
    await screenshot(page, 'business-5-website');
    await page.getByRole('button', { name: 'Finish' }).click();

    await page.getByRole('heading', { level: 1, name: 'Hana Ceramics is ready' }).waitFor();
    await page.getByRole('link', { name: 'Analytics' }).first().waitFor();
    expect(
      await page
        .getByRole('navigation', { name: 'Main' })
        .getByRole('link', { name: 'Analytics' })
        .getAttribute('href'),
    ).toBe('/analytics');

    // The profile shows the business: name, picture, account type.
    await page.getByRole('link', { name: 'See your profile' }).click();
    await page.getByRole('heading', { level: 1, name: 'Hana Ceramics' }).waitFor();
    await page.getByText('Business account').waitFor();
    await page.getByRole('link', { name: 'Edit business profile' }).waitFor();
    const avatar = page.locator('.profile-header .avatar img');
    expect(await avatar.getAttribute('src')).toMatch(/\/media\/profiles\/.+\/280x280\.jpg$/);
    await screenshot(page, 'business-profile');

    // The API says the same, in the spec's Account shape.
    const account = await userAccount(server, await createToken(server, 'hana', 'user_accounts:read'));
    expect(account).toMatchObject({
      username: 'hana',
      account_type: 'BUSINESS',
      business_name: 'Hana Ceramics',
      website_url: `${siteUrl}/shop`,
    });
    expect(account.profile_image).toBe(await avatar.getAttribute('src'));

    // Reopened after finishing, the wizard edits the profile from the first step.
    await page.goto('/business');
    await page.getByText('Edit your business profile').waitFor();
    expect(await page.getByLabel('Business name').inputValue()).toBe('Hana Ceramics');
  });

  it('creates a business account directly, on a phone, each step accessible with no sideways scroll', async () => {
    await phone.goto('/signup');
    await phone.getByRole('link', { name: 'Create a business account' }).click();
    await phone.getByRole('heading', { name: 'Create a business account' }).waitFor();
    await expectAccessible(phone, 'business sign-up');
    await phone.getByRole('button', { name: 'Create business account' }).click();
    await phone.getByText('Enter the name of your business.').waitFor();
    await phone.getByLabel('Business name').fill('Kiln & Co');
    await phone.getByLabel('Email').fill('kiln@example.test');
    await phone.getByLabel('Username').fill('kiln');
    await phone.getByLabel('Password').fill('a long enough password');
    await phone.getByRole('button', { name: 'Create business account' }).click();
    await phone.waitForURL((url) => url.pathname === '/business');
    await phone.getByText('Set up your business account').waitFor();
    // The name given at sign-up is already filled in.
    expect(await phone.getByLabel('Business name').inputValue()).toBe('Kiln & Co');

    const checked: string[] = [];
    await becomeBusiness(phone, {
      businessName: 'Kiln & Co',
      country: 'FR',
      language: 'fr',
      goals: ['Build awareness of my brand'],
      promote: ['Services'],
      adsInterest: 'Not sure yet',
      picturePath: picture,
      website: siteUrl,
      verifyWith: 'HTML file',
      onStep: async (step, page) => {
        if (step === 'website') siteCode = await shownVerificationCode(page);
        await expectAccessible(page, `step ${step}`);
        await screenshot(page, `business-phone-${step}`);
        checked.push(step);
      },
    });
    expect(checked).toEqual(['name', 'about', 'ads', 'picture', 'website']);
    await expectAccessible(phone, 'finished');

    const me = (await phone.evaluate(async () => (await fetch('/api/auth/me')).json())) as {
      account_type: string;
    };
    expect(me.account_type).toBe('BUSINESS');
    const account = await userAccount(server, await createToken(server, 'kiln', 'user_accounts:read'));
    expect(account).toMatchObject({
      account_type: 'BUSINESS',
      business_name: 'Kiln & Co',
      website_url: `${siteUrl}/`,
    });
    // The claim is real: the account's websites list it.
    const claimed = (await phone.evaluate(async () => (await fetch('/api/websites')).json())) as {
      items: Array<{ website: string; status: string }>;
    };
    expect(claimed.items).toEqual([
      expect.objectContaining({ website: siteUrl.slice('http://'.length), status: 'success' }),
    ]);

    await phone.getByRole('link', { name: 'See your profile' }).click();
    await phone.getByRole('heading', { level: 1, name: 'Kiln & Co' }).waitFor();
    await expectAccessible(phone, 'business profile');
  });

  it('asks a signed-out visitor to log in, and keyboard users reach every control with visible focus', async () => {
    const visitor = await newContext(browser, server.url);
    const anon = await visitor.newPage();
    await anon.goto('/business');
    await anon.getByRole('heading', { name: 'Log in to set up a business account' }).waitFor();
    await visitor.close();

    await page.goto('/business');
    await page.getByRole('heading', { level: 1, name: 'Your business' }).waitFor();
    const focused: string[] = [];
    for (let i = 0; i < 40; i += 1) {
      await page.keyboard.press('Tab');
      const info = await page.evaluate(() => {
        const el = document.activeElement as HTMLElement | null;
        if (!el) return null;
        const style = getComputedStyle(el);
        return {
          label: el.getAttribute('aria-label') ?? el.textContent?.trim().slice(0, 30) ?? el.tagName,
          tag: el.tagName,
          outlined: style.outlineStyle !== 'none' && style.outlineWidth !== '0px',
        };
      });
      if (!info) continue;
      if (['INPUT', 'SELECT', 'BUTTON'].includes(info.tag)) {
        expect(info.outlined, `focus ring on ${info.tag} ${info.label}`).toBe(true);
        focused.push(info.tag === 'BUTTON' ? info.label : info.tag);
      }
      if (info.label === 'Next') break;
    }
    expect(focused).toEqual(expect.arrayContaining(['INPUT', 'SELECT', 'Next']));
  });
});
