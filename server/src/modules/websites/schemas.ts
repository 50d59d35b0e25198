import { Type } from '@sinclair/typebox';
import { StringEnum } from '../boards/schemas.js';
import { VERIFICATION_METHODS } from './verification.js';
import { MAX_WEBSITE_LENGTH } from './website-key.js';

export const UserWebsiteSummarySchema = Type.Object(
  {
    status: Type.String({
      description: 'Status of the verification process: "success" for a claimed website.',
    }),
    verified_at: Type.String({ description: 'UTC time the website was verified (RFC 3339).' }),
    website: Type.String({ description: 'Website with path or domain only (host lower-cased).' }),
  },
  { $id: 'UserWebsiteSummary', description: 'A claimed website.' },
);

export const UserWebsiteVerifyRequestSchema = Type.Object(
  {
    verification_method: StringEnum(VERIFICATION_METHODS, {
      default: 'METATAG',
      description:
        'How to check the site: METATAG (the p:domain_verify meta tag on the home page), FILENAME (the HTML file at the website root) or DNSTXT (a TXT record of the host).',
    }),
    website: Type.String({
      minLength: 1,
      maxLength: MAX_WEBSITE_LENGTH,
      description:
        'Website with path or domain only, e.g. "mysite.test" or "mysite.test/shop". An http:// or https:// prefix picks the scheme; without one https is tried, then http.',
    }),
  },
  { $id: 'UserWebsiteVerifyRequest', description: 'User website verification request.' },
);

export const UserWebsiteVerificationCodeSchema = Type.Object(
  {
    dns_txt_record: Type.String({
      description: 'DNS TXT record to check against for the website to be claimed.',
    }),
    file_content: Type.String({
      description: 'A full HTML file to upload to the website in order for it to be claimed.',
    }),
    filename: Type.String({ description: 'File expected to find at the root of the website being claimed.' }),
    metatag: Type.String({
      description: 'Meta tag the verification looks for in the head of the home page.',
    }),
    verification_code: Type.String({ description: 'Code to check against the user claiming the website.' }),
  },
  {
    $id: 'UserWebsiteVerificationCode',
    description: "The account's website verification code and how to install it.",
  },
);

export const WebsiteQuery = Type.Object({
  website: Type.String({
    minLength: 1,
    maxLength: MAX_WEBSITE_LENGTH,
    description: 'Website with path or domain only.',
  }),
});
