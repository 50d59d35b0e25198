import type { BusinessProfile } from '../api/business';

/** Pinterest's business steps, in order; each is one screen of the wizard. */
export const BUSINESS_STEPS = [
  { id: 'name', title: 'Your business', label: 'Name, language and country' },
  { id: 'about', title: 'Describe your business', label: 'About your business' },
  { id: 'ads', title: 'Interested in ads?', label: 'Ads' },
  { id: 'picture', title: 'Add a profile picture', label: 'Profile picture' },
  { id: 'website', title: 'Claim your website', label: 'Website' },
] as const;

export type BusinessStepId = (typeof BUSINESS_STEPS)[number]['id'];

export function stepIndex(id: BusinessStepId): number {
  return BUSINESS_STEPS.findIndex((step) => step.id === id);
}

export function isStepId(value: string | null | undefined): value is BusinessStepId {
  return BUSINESS_STEPS.some((step) => step.id === value);
}

/**
 * Where reopening the wizard continues: the first step not saved yet, in order. A finished
 * profile opens at the first step, for editing. The picture may have been skipped without a
 * trace on the server, so a saved website (or picture) moves past it.
 */
export function resumeStep(profile: BusinessProfile): BusinessStepId {
  const { steps } = profile;
  if (profile.completed) return 'name';
  if (!steps.name) return 'name';
  if (!steps.about) return 'about';
  if (!steps.ads) return 'ads';
  if (!steps.profile_picture && !steps.website) return 'picture';
  return 'website';
}

/** A default language from the browser's, if the server offers it. */
export function defaultLanguage(
  offered: ReadonlyArray<{ code: string }>,
  browser: readonly string[],
): string {
  for (const tag of browser) {
    const code = tag.split('-')[0]?.toLowerCase();
    if (code && offered.some((choice) => choice.code === code)) return code;
  }
  return offered.some((choice) => choice.code === 'en') ? 'en' : (offered[0]?.code ?? '');
}

/** A default country from the browser's language tags ("en-GB" → GB), if the server offers it. */
export function defaultCountry(offered: ReadonlyArray<{ code: string }>, browser: readonly string[]): string {
  for (const tag of browser) {
    const region = /^[a-z]{2,3}-([A-Za-z]{2})\b/.exec(tag)?.[1]?.toUpperCase();
    if (region && offered.some((choice) => choice.code === region)) return region;
  }
  return '';
}
