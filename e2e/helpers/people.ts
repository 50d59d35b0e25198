import { execFile } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { horizontalOverflow, seriousAccessibilityViolations } from './browser.js';
import { ROOT } from './environment.js';
import type { RunningServer } from './server.js';

/** What a person does again and again across the journeys, done the way they would do it. */

/** No serious or critical axe-core violation, and nothing wider than the window; `where` names the screen. */
export async function expectAccessible(page: Page, where?: string): Promise<void> {
  expect(await seriousAccessibilityViolations(page), where).toEqual([]);
  expect(await horizontalOverflow(page), where).toBeLessThanOrEqual(0);
}

/**
 * Opens home and waits for the app to take over the first row the server painted
 * (server/src/http/home-page.ts): until then the cards are static links that React replaces,
 * so a card found earlier can leave the page under a click, and nothing reports impressions.
 */
export async function openHome(page: Page): Promise<void> {
  await page.goto('/');
  await page.locator('.feed-first-row').waitFor({ state: 'detached' });
}

/** Signs up through the sign-up page and lands signed in on home. */
export async function signUpAs(page: Page, username: string): Promise<void> {
  await page.goto('/signup');
  await page.getByLabel('Email').fill(`${username}@example.test`);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill('a long enough password');
  await page.getByRole('button', { name: 'Sign up' }).click();
  await page.waitForURL((url) => url.pathname === '/');
  await page.getByRole('button', { name: 'Log out' }).waitFor();
}

/** Runs the `corkboard` CLI against the running server's data folder, as an operator would; returns stdout. */
export async function corkboardCli(server: RunningServer, args: string[]): Promise<string> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [path.join(ROOT, 'server/dist/main.js'), ...args],
    {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? os.tmpdir(),
        DATA_DIR: server.dataDir,
        PUBLIC_URL: server.url,
        SEED_DEMO: 'false',
        LOG_LEVEL: 'warn',
      },
    },
  );
  return stdout;
}

/** `corkboard admin grant <name>`. */
export function grantAdmin(server: RunningServer, username: string): Promise<string> {
  return corkboardCli(server, ['admin', 'grant', username]);
}

/** `corkboard token create --user <name> --scopes <scopes>`: the access token it prints last. */
export async function createToken(server: RunningServer, username: string, scopes: string): Promise<string> {
  const stdout = await corkboardCli(server, ['token', 'create', '--user', username, '--scopes', scopes]);
  return stdout.trim().split('\n').pop()!.trim();
}

/** Connect app in the developer portal; ends on the "… is connected" screen (secret shown once). */
export async function connectApp(
  page: Page,
  input: { name: string; description?: string; icon?: string },
): Promise<void> {
  await page.goto('/developer/apps/new');
  await page.getByRole('heading', { name: 'Connect app' }).waitFor();
  await page.getByLabel('App name').fill(input.name);
  if (input.description) await page.getByLabel('Description').fill(input.description);
  if (input.icon) await page.getByLabel('Icon').setInputFiles(input.icon);
  await page.getByLabel('Website').fill('https://example.com/app');
  await page.getByLabel('Redirect URIs').fill('https://example.com/callback\nhttp://localhost:3000/cb');
  await page.getByRole('button', { name: 'Connect app' }).click();
  await page.getByRole('heading', { name: `${input.name} is connected` }).waitFor();
}

/**
 * Creates a pin on the create page by uploading an image, making its board inside the picker
 * when `newBoard`; ends on the new pin's page and returns its id.
 */
export async function createPin(
  page: Page,
  input: {
    board: string;
    secret?: boolean;
    newBoard: boolean;
    image: string;
    title: string;
    description?: string;
    link?: string;
  },
): Promise<string> {
  await page.goto('/create');
  await page.getByRole('heading', { name: 'Create a pin' }).waitFor();
  if (input.newBoard) {
    await page.getByRole('button', { name: '+ Create board' }).click();
    await page.getByLabel('New board name').fill(input.board);
    if (input.secret) await page.getByLabel('Keep this board secret').check();
    await page.getByRole('button', { name: 'Create board', exact: true }).click();
    await page.getByLabel('Board', { exact: true }).waitFor();
  }
  await page
    .getByLabel('Board', { exact: true })
    .selectOption({ label: input.secret ? `${input.board} (secret)` : input.board });
  await page.locator('input[type=file]').setInputFiles(input.image);
  await page.getByRole('img', { name: 'Preview of the chosen image' }).waitFor();
  await page.getByLabel('Title').fill(input.title);
  if (input.description) await page.getByLabel('Description').fill(input.description);
  if (input.link) await page.getByLabel('Link').fill(input.link);
  await page.getByRole('button', { name: 'Publish' }).click();
  await page.waitForURL((url) => url.pathname.startsWith('/pin/'));
  await page.getByRole('heading', { name: input.title }).waitFor();
  return new URL(page.url()).pathname.split('/')[2]!;
}
