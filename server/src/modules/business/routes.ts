import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../../context.js';
import { ErrorSchema } from '../../http/schema-helpers.js';
import { requireSession } from '../../http/session.js';
import type { App } from '../../http/types.js';
import {
  ADS_INTERESTS,
  BUSINESS_GOALS,
  BUSINESS_PROMOTES,
  COUNTRIES,
  LANGUAGES,
  namedChoices,
} from './choices.js';
import { presentBusinessProfile } from './presenter.js';
import { PROFILE_IMAGE_MIN_SIZE, PROFILE_IMAGE_SIZE } from './profile-picture.js';
import {
  AboutStepSchema,
  AdsStepSchema,
  BusinessOptionsSchema,
  BusinessProfileSchema,
  NameStepSchema,
  PictureStepSchema,
  WebsiteStepSchema,
} from './schemas.js';
import { BUSINESS_NAME_MAX, DESCRIPTION_MAX } from './service.js';

const tags = ['web: business'];
const response = { 200: BusinessProfileSchema, default: ErrorSchema };

/** The business profile wizard for the web app: cookie session, CSRF on every change. */
export function registerBusinessRoutes(app: App, ctx: AppContext): void {
  const business = ctx.business;
  const urlFor = (key: string) => ctx.media.urlFor(key);
  // Before body parsing and CSRF, so a signed-out caller always learns to log in (401).
  const onRequest = async (request: FastifyRequest) => {
    requireSession(request);
  };
  const userOf = (request: FastifyRequest) => requireSession(request).userId;

  const options = {
    languages: namedChoices(LANGUAGES, 'language'),
    countries: namedChoices(COUNTRIES, 'region'),
    goals: [...BUSINESS_GOALS],
    promote: [...BUSINESS_PROMOTES],
    ads_interest: [...ADS_INTERESTS],
    limits: {
      business_name_max: BUSINESS_NAME_MAX,
      description_max: DESCRIPTION_MAX,
      picture_min_size: PROFILE_IMAGE_MIN_SIZE,
      picture_size: PROFILE_IMAGE_SIZE,
    },
  };
  app.get(
    '/api/business/options',
    { schema: { tags, response: { 200: BusinessOptionsSchema } } },
    async () => options,
  );

  app.get('/api/business/profile', { onRequest, schema: { tags, response } }, async (request) =>
    presentBusinessProfile(await business.get(userOf(request)), urlFor),
  );

  app.put(
    '/api/business/profile/name',
    { onRequest, schema: { tags, body: NameStepSchema, response } },
    async (request) => {
      const { business_name, language, country } = request.body;
      const view = await business.saveName(userOf(request), {
        businessName: business_name,
        language,
        country,
      });
      return presentBusinessProfile(view, urlFor);
    },
  );

  app.put(
    '/api/business/profile/about',
    { onRequest, schema: { tags, body: AboutStepSchema, response } },
    async (request) => {
      const { description, goals, promote } = request.body;
      return presentBusinessProfile(
        await business.saveAbout(userOf(request), { description, goals, promote }),
        urlFor,
      );
    },
  );

  app.put(
    '/api/business/profile/ads',
    { onRequest, schema: { tags, body: AdsStepSchema, response } },
    async (request) =>
      presentBusinessProfile(await business.saveAds(userOf(request), request.body.ads_interest), urlFor),
  );

  app.put(
    '/api/business/profile/picture',
    { onRequest, schema: { tags, body: PictureStepSchema, response } },
    async (request) =>
      presentBusinessProfile(
        await business.saveProfilePicture(userOf(request), request.body.image_base64),
        urlFor,
      ),
  );

  app.put(
    '/api/business/profile/website',
    { onRequest, schema: { tags, body: WebsiteStepSchema, response } },
    async (request) =>
      presentBusinessProfile(await business.saveWebsite(userOf(request), request.body.website_url), urlFor),
  );

  app.post('/api/business/profile/finish', { onRequest, schema: { tags, response } }, async (request) =>
    presentBusinessProfile(await business.finish(userOf(request)), urlFor),
  );
}
