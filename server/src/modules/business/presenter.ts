import type { UrlFor } from '../boards/presenter.js';
import { PROFILE_IMAGE_SIZE } from './profile-picture.js';
import { REQUIRED_STEPS, type BusinessProfileView } from './service.js';

/** The wizard's state for the web app: every step as saved (null when not yet), and what is missing. */
export function presentBusinessProfile(view: BusinessProfileView, urlFor: UrlFor) {
  const { draft } = view;
  return {
    account_type: view.accountType,
    business_name: view.businessName,
    completed: view.accountType === 'BUSINESS' && draft.completedAt !== undefined,
    missing_steps: REQUIRED_STEPS.filter(([step]) => !draft[step]).map(([step]) => step),
    steps: {
      name: draft.name
        ? {
            business_name: draft.name.businessName,
            language: draft.name.language,
            country: draft.name.country,
          }
        : null,
      about: draft.about
        ? { description: draft.about.description, goals: draft.about.goals, promote: draft.about.promote }
        : null,
      ads: draft.ads ? { ads_interest: draft.ads.adsInterest } : null,
      profile_picture: view.profileImageKey
        ? { url: urlFor(view.profileImageKey), width: PROFILE_IMAGE_SIZE, height: PROFILE_IMAGE_SIZE }
        : null,
      website: draft.website
        ? {
            website_url: draft.website.websiteUrl,
            website: view.website?.website ?? null,
            claimed: view.website?.claimed ?? false,
          }
        : null,
    },
  };
}
