import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, newContext, PHONE, screenshot } from './helpers/browser.js';
import { browserMissingReason } from './helpers/environment.js';
import { linkIn, Mailbox } from './helpers/mailbox.js';
import { startServer, type RunningServer } from './helpers/server.js';
import { expectAccessible } from './helpers/people.js';

const skip = browserMissingReason() !== null;

/** The error shown under the field with this label. */
function fieldError(page: Page, label: string) {
  return page.locator('.field', { has: page.getByLabel(label, { exact: true }) }).locator('.field-error');
}

describe.skipIf(skip)('accounts in the browser: sign up, log out, log in, forgot and reset password', () => {
  let server: RunningServer;
  let browser: Browser;
  const mailbox = new Mailbox();

  beforeAll(async () => {
    server = await startServer({ SMTP_URL: await mailbox.start() });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    if (process.env.E2E_DEBUG) console.log(server?.output());
    await server?.stop();
    await mailbox.close();
  });

  it('signs up with errors next to the fields first, then lands signed in on home', async () => {
    const context = await newContext(browser, server.url, PHONE);
    const page = await context.newPage();
    await page.goto('/signup');
    await page.getByRole('heading', { name: 'Welcome to Corkboard' }).waitFor();
    await expectAccessible(page);

    await page.getByLabel('Email').fill('not-an-email');
    await page.getByLabel('Username').fill('a');
    await page.getByLabel('Password').fill('short');
    await page.getByRole('button', { name: 'Sign up' }).click();
    await fieldError(page, 'Email').waitFor();
    expect(await fieldError(page, 'Email').textContent()).toMatch(/email address/i);
    expect(await fieldError(page, 'Username').textContent()).toMatch(/3 to 30/);
    expect(await fieldError(page, 'Password').textContent()).toMatch(/8 to 200 characters/);
    await expectAccessible(page);
    await screenshot(page, 'auth-signup-errors-375');

    await page.getByLabel('Email').fill('new.person@example.test');
    await page.getByLabel('Username').fill('new_person');
    await page.getByLabel('Password').fill('a long enough password');
    await page.getByRole('button', { name: 'Sign up' }).click();
    await page.waitForURL((url) => url.pathname === '/');
    await page.getByRole('button', { name: 'Log out' }).waitFor();
    await context.close();
  });

  it('shows the server’s words next to the field when a username is taken', async () => {
    const context = await newContext(browser, server.url);
    const page = await context.newPage();
    await page.goto('/signup');
    await page.getByLabel('Email').fill('someone.else@example.test');
    await page.getByLabel('Username').fill('new_person');
    await page.getByLabel('Password').fill('another long password');
    await page.getByRole('button', { name: 'Sign up' }).click();
    await fieldError(page, 'Username').waitFor();
    expect(await fieldError(page, 'Username').textContent()).toContain('The username "new_person" is taken.');
    await context.close();
  });

  it('logs out, refuses a wrong password in words, and logs in', async () => {
    const context = await newContext(browser, server.url);
    const page = await context.newPage();
    await page.goto('/login');
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Log in' }).click();
    expect(await fieldError(page, 'Username or email').textContent()).toMatch(/Enter your username/);

    await page.getByLabel('Username or email').fill('new_person');
    await page.getByLabel('Password').fill('the wrong password');
    await page.getByRole('button', { name: 'Log in' }).click();
    await fieldError(page, 'Password').waitFor();
    expect(await fieldError(page, 'Password').textContent()).toMatch(/password/i);
    await screenshot(page, 'auth-login-wrong-password');

    await page.getByLabel('Password').fill('a long enough password');
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL((url) => url.pathname === '/');

    await page.getByRole('button', { name: 'Log out' }).click();
    await page.waitForURL((url) => url.pathname === '/login');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Log in' }).waitFor();
    const me = await page.evaluate(async () => (await fetch('/api/auth/me')).status);
    expect(me).toBe(401);
    await context.close();
  });

  it('resets a forgotten password through the emailed link', async () => {
    const context = await newContext(browser, server.url, PHONE);
    const page = await context.newPage();
    await page.goto('/login');
    await page.getByRole('link', { name: 'Forgot your password?' }).click();
    await page.getByRole('heading', { name: 'Reset your password' }).waitFor();
    await expectAccessible(page);
    await page.getByLabel('Email').fill('new.person@example.test');
    await page.getByRole('button', { name: 'Send reset link' }).click();
    await page.getByRole('status').filter({ hasText: 'link to reset its password' }).waitFor();

    const mail = await mailbox.mailTo('new.person@example.test', /reset-password\?token=/);
    await page.goto(linkIn(mail.text, '/reset-password'));
    await page.getByRole('heading', { name: 'Choose a new password' }).waitFor();
    await expectAccessible(page);
    await page.getByLabel('New password', { exact: true }).fill('my brand new password');
    await page.getByLabel('New password again').fill('not the same');
    await page.getByRole('button', { name: 'Set new password' }).click();
    expect(await fieldError(page, 'New password again').textContent()).toMatch(/differ/);
    await page.getByLabel('New password again').fill('my brand new password');
    await page.getByRole('button', { name: 'Set new password' }).click();
    await page.getByText('Your password is changed.').waitFor();

    await page.getByRole('link', { name: 'Log in', exact: true }).last().click();
    await page.getByLabel('Username or email').fill('new.person@example.test');
    await page.getByLabel('Password').fill('my brand new password');
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('button', { name: 'Log out' }).waitFor();
    await screenshot(page, 'auth-after-reset-375');
    await context.close();
  });

  it('verifies the address from the emailed link', async () => {
    const mail = await mailbox.mailTo('new.person@example.test', /verify-email\?token=/);
    const context = await newContext(browser, server.url);
    const page = await context.newPage();
    await page.goto(linkIn(mail.text, '/verify-email'));
    await page.getByText('is verified').waitFor();
    await expectAccessible(page);
    // The link works once: a second visit says why it cannot be used.
    await page.reload();
    await page.getByText('Could not verify this address').waitFor();
    expect(await page.getByRole('alert').first().textContent()).toMatch(/already been used/);
    await context.close();
  });
});
