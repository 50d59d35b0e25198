import { Type } from '@sinclair/typebox';
import { Nullable } from '../../http/schema-helpers.js';
import { StringEnum } from '../boards/schemas.js';
import { MAX_WEBSITE_LENGTH } from '../websites/website-key.js';
import { ADS_INTERESTS, BUSINESS_GOALS, BUSINESS_PROMOTES } from './choices.js';
import { BUSINESS_NAME_MAX, DESCRIPTION_MAX } from './service.js';

const Choice = Type.Object({
  code: Type.String({ description: 'ISO code.' }),
  name: Type.String({ description: 'English name.' }),
});

export const BusinessOptionsSchema = Type.Object(
  {
    languages: Type.Array(Choice, { description: 'ISO 639-1 languages an account can use.' }),
    countries: Type.Array(Choice, { description: 'ISO 3166-1 alpha-2 countries.' }),
    goals: Type.Array(Type.String(), { description: 'Business goals.' }),
    promote: Type.Array(Type.String(), { description: 'What a business can promote.' }),
    ads_interest: Type.Array(Type.String(), { description: 'Answers to "interested in ads?".' }),
    limits: Type.Object(
      {
        business_name_max: Type.Integer({ description: 'Longest business name, in characters.' }),
        description_max: Type.Integer({ description: 'Longest description, in characters.' }),
        picture_min_size: Type.Integer({
          description: 'Smallest width and height of a profile picture, in pixels.',
        }),
        picture_size: Type.Integer({ description: 'Side of the stored square profile picture, in pixels.' }),
      },
      { description: 'The limits the steps check, for the web app to show as you type.' },
    ),
  },
  { $id: 'BusinessOptions', description: 'The closed lists of the business profile wizard.' },
);

export const BusinessProfileSchema = Type.Object(
  {
    account_type: StringEnum(['PINNER', 'BUSINESS'] as const, { description: 'Type of account.' }),
    business_name: Nullable(Type.String(), { description: 'Business name of a business account.' }),
    completed: Type.Boolean({ description: 'Whether the conversion has been finished.' }),
    missing_steps: Type.Array(Type.String(), {
      description: 'Required steps not saved yet (name, about, ads); picture and website may be skipped.',
    }),
    steps: Type.Object(
      {
        name: Nullable(
          Type.Object({
            business_name: Type.String({ description: 'Business name.' }),
            language: Type.String({ description: 'ISO 639-1 language code.' }),
            country: Type.String({ description: 'ISO 3166-1 alpha-2 country code.' }),
          }),
          { description: 'Step 1.' },
        ),
        about: Nullable(
          Type.Object({
            description: Type.String({ description: 'What the business is about.' }),
            goals: Type.Array(Type.String(), { description: 'Its goals.' }),
            promote: Type.Array(Type.String(), { description: 'What it wants to promote.' }),
          }),
          { description: 'Step 2.' },
        ),
        ads: Nullable(Type.Object({ ads_interest: Type.String({ description: 'YES or NOT_SURE_YET.' }) }), {
          description: 'Step 3.',
        }),
        profile_picture: Nullable(
          Type.Object({
            url: Type.String({ description: 'Absolute URL of the 280×280 JPEG.' }),
            width: Type.Integer({ description: 'Width in pixels.' }),
            height: Type.Integer({ description: 'Height in pixels.' }),
          }),
          { description: 'Step 4.' },
        ),
        website: Nullable(
          Type.Object({
            website_url: Nullable(Type.String(), { description: 'The website; null when skipped.' }),
            website: Nullable(Type.String(), {
              description: 'The same as a claimable website (host/path) for verify_website/update.',
            }),
            claimed: Type.Boolean({ description: 'Whether the account has claimed it.' }),
          }),
          { description: 'Step 5.' },
        ),
      },
      { description: 'Each step as saved; null when not saved yet.' },
    ),
  },
  { $id: 'BusinessProfile', description: 'The business profile wizard of the signed-in account.' },
);

export const NameStepSchema = Type.Object({
  business_name: Type.String({
    maxLength: 1000,
    description: `Business name, 1 to ${BUSINESS_NAME_MAX} characters.`,
  }),
  language: Type.String({ maxLength: 20, description: 'ISO 639-1 language code, e.g. "en".' }),
  country: Type.String({ maxLength: 20, description: 'ISO 3166-1 alpha-2 country code, e.g. "US".' }),
});

export const AboutStepSchema = Type.Object({
  description: Type.String({
    maxLength: 10_000,
    description: `What the business is about, up to ${DESCRIPTION_MAX} characters.`,
  }),
  goals: Type.Array(StringEnum(BUSINESS_GOALS), { minItems: 1, maxItems: 10, description: 'Its goals.' }),
  promote: Type.Array(StringEnum(BUSINESS_PROMOTES), {
    minItems: 1,
    maxItems: 10,
    description: 'What it wants to promote.',
  }),
});

export const AdsStepSchema = Type.Object({
  ads_interest: StringEnum(ADS_INTERESTS, { description: 'Interested in ads: YES, or NOT_SURE_YET.' }),
});

export const PictureStepSchema = Type.Object({
  image_base64: Type.String({
    minLength: 1,
    description:
      'The picture as base64 (or a data: URL): JPEG, PNG, WebP or GIF, at least 165×165; stored cropped square at 280×280.',
  }),
});

export const WebsiteStepSchema = Type.Object({
  website_url: Nullable(Type.String({ maxLength: MAX_WEBSITE_LENGTH }), {
    description: 'The business website (a domain or an http(s) URL); null or "" skips the step.',
  }),
});
