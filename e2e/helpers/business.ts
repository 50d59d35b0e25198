import type { Page } from 'playwright-core';
import sharp from 'sharp';

export interface BusinessInput {
  businessName: string;
  /** ISO 639-1 code offered by /api/business/options (default "en"). */
  language?: string;
  /** ISO 3166-1 alpha-2 code (default "GB"). */
  country?: string;
  description?: string;
  /** Labels of the goal checkboxes to tick (default "Sell more products"). */
  goals?: string[];
  /** Labels of the promote checkboxes to tick (default "Products"). */
  promote?: string[];
  /** "Yes" or "Not sure yet" (default "Not sure yet"). */
  adsInterest?: 'Yes' | 'Not sure yet';
  /** A picture file to upload at step 4; skipped when absent. */
  picturePath?: string;
  /** A website to save at step 5; skipped when absent. */
  website?: string;
  /**
   * Claims the website by this method at step 5 (the site must already carry the code: read it
   * in `onStep('website')`); without it the claim is skipped.
   */
  verifyWith?: 'Meta tag' | 'HTML file' | 'DNS TXT record';
  /** Called on each step's screen once it is shown (accessibility checks, screenshots). */
  onStep?: (step: 'name' | 'about' | 'ads' | 'picture' | 'website', page: Page) => Promise<void>;
}

/** The account's verification code as the website step shows it. */
export async function shownVerificationCode(page: Page): Promise<string> {
  return (await page.locator('.verification-code').textContent())?.trim() ?? '';
}

/** A real picture file of the given size (sharp), for the profile picture step. */
export async function writePicture(file: string, width = 400, height = 300): Promise<string> {
  await sharp({ create: { width, height, channels: 3, background: { r: 200, g: 90, b: 40 } } })
    .png()
    .toFile(file);
  return file;
}

async function onScreen(page: Page, title: string): Promise<void> {
  await page.getByRole('heading', { level: 1, name: title }).waitFor();
}

/**
 * Drives the business wizard from `/business` (the signed-in account is converted, or a new
 * business account is set up) through every step to "… is ready". The account must be signed in.
 */
export async function becomeBusiness(page: Page, input: BusinessInput): Promise<void> {
  if (new URL(page.url()).pathname !== '/business') await page.goto('/business');

  await onScreen(page, 'Your business');
  await input.onStep?.('name', page);
  await page.getByLabel('Business name').fill(input.businessName);
  await page.getByLabel('Language').selectOption(input.language ?? 'en');
  await page.getByLabel('Country or region').selectOption(input.country ?? 'GB');
  await page.getByRole('button', { name: 'Next' }).click();

  await onScreen(page, 'Describe your business');
  await input.onStep?.('about', page);
  await page
    .getByLabel('What is your business about?')
    .fill(input.description ?? `${input.businessName} makes things people love.`);
  for (const goal of input.goals ?? ['Sell more products']) await page.getByLabel(goal).check();
  for (const what of input.promote ?? ['Products']) await page.getByLabel(what, { exact: true }).check();
  await page.getByRole('button', { name: 'Next' }).click();

  await onScreen(page, 'Interested in ads?');
  await input.onStep?.('ads', page);
  await page.getByLabel(input.adsInterest ?? 'Not sure yet', { exact: true }).check();
  await page.getByRole('button', { name: 'Next' }).click();

  await onScreen(page, 'Add a profile picture');
  await input.onStep?.('picture', page);
  if (input.picturePath) {
    await page.getByLabel(/profile picture|another picture/i).setInputFiles(input.picturePath);
    await page.getByText('Picture saved.').waitFor();
    await page.getByRole('img', { name: 'Your profile picture' }).waitFor();
    await page.getByRole('button', { name: 'Next' }).click();
  } else {
    await page.getByRole('button', { name: 'Skip for now' }).click();
  }

  await onScreen(page, 'Claim your website');
  await page.getByText('Your verification code:').waitFor();
  await input.onStep?.('website', page);
  if (input.website) {
    await page.getByLabel('Website').fill(input.website);
    await page.getByRole('button', { name: 'Save website' }).click();
    const verify = page.getByRole('button', { name: /^Verify / });
    await verify.waitFor();
    if (input.verifyWith) {
      await page.getByLabel(input.verifyWith, { exact: true }).check();
      await verify.click();
      await page.getByText(/ is claimed by your account\.$/).waitFor();
    }
    await page.getByRole('button', { name: 'Finish' }).click();
  } else {
    await page.getByRole('button', { name: 'Skip for now' }).click();
  }
  await page.getByRole('heading', { level: 1, name: `${input.businessName} is ready` }).waitFor();
}
