import { describe, expect, it } from 'vitest';
import type { BusinessProfile } from '../api/business';
import {
  BUSINESS_STEPS,
  defaultCountry,
  defaultLanguage,
  isStepId,
  resumeStep,
  stepIndex,
} from './business-steps';

function profile(steps: Partial<BusinessProfile['steps']> = {}, completed = false): BusinessProfile {
  return {
    account_type: completed ? 'BUSINESS' : 'PINNER',
    business_name: null,
    completed,
    missing_steps: [],
    steps: { name: null, about: null, ads: null, profile_picture: null, website: null, ...steps },
  };
}
const NAME = { business_name: 'Hana', language: 'en', country: 'GB' };
const ABOUT = { description: 'Bowls', goals: ['SELL_PRODUCTS'], promote: ['PRODUCTS'] };
const ADS = { ads_interest: 'YES' };
const PICTURE = { url: 'http://x.test/p.jpg', width: 280, height: 280 };

describe('where the business wizard resumes', () => {
  it('starts at the first step for a new account', () => {
    expect(resumeStep(profile())).toBe('name');
  });

  it('continues at the first step not saved', () => {
    expect(resumeStep(profile({ name: NAME }))).toBe('about');
    expect(resumeStep(profile({ name: NAME, about: ABOUT }))).toBe('ads');
    expect(resumeStep(profile({ name: NAME, about: ABOUT, ads: ADS }))).toBe('picture');
    expect(resumeStep(profile({ name: NAME, about: ABOUT, ads: ADS, profile_picture: PICTURE }))).toBe(
      'website',
    );
  });

  it('goes past a skipped picture once the website step is saved', () => {
    const website = { website_url: null, website: null, claimed: false };
    expect(resumeStep(profile({ name: NAME, about: ABOUT, ads: ADS, website }))).toBe('website');
  });

  it('a required step missing wins over later saved ones', () => {
    expect(resumeStep(profile({ name: NAME, ads: ADS, profile_picture: PICTURE }))).toBe('about');
  });

  it('opens a finished profile at the first step, for editing', () => {
    expect(resumeStep(profile({ name: NAME, about: ABOUT, ads: ADS }, true))).toBe('name');
  });

  it('knows its five steps in order', () => {
    expect(BUSINESS_STEPS.map((step) => step.id)).toEqual(['name', 'about', 'ads', 'picture', 'website']);
    expect(stepIndex('ads')).toBe(2);
    expect(isStepId('website')).toBe(true);
    expect(isStepId('payment')).toBe(false);
    expect(isStepId(null)).toBe(false);
  });
});

describe('default language and country from the browser', () => {
  const languages = [{ code: 'en' }, { code: 'fr' }, { code: 'de' }];
  const countries = [{ code: 'GB' }, { code: 'FR' }, { code: 'US' }];

  it('takes the first offered browser language', () => {
    expect(defaultLanguage(languages, ['xx-YY', 'fr-CA', 'en'])).toBe('fr');
    expect(defaultLanguage(languages, ['pt-BR'])).toBe('en');
    expect(defaultLanguage([{ code: 'de' }], [])).toBe('de');
  });

  it('takes the region of a browser language tag, or none', () => {
    expect(defaultCountry(countries, ['en-GB', 'fr-FR'])).toBe('GB');
    expect(defaultCountry(countries, ['de', 'fr-fr'])).toBe('FR');
    expect(defaultCountry(countries, ['en', 'pt-BR'])).toBe('');
  });
});
