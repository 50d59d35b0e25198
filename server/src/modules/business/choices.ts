/**
 * The closed lists of the business wizard, shared by validation, the schemas and
 * `GET /api/business/options` (which the web app renders its pickers from).
 */

/** What the business wants from Corkboard, after Pinterest's onboarding question. */
export const BUSINESS_GOALS = [
  'GROW_FOLLOWING',
  'DRIVE_TRAFFIC',
  'SELL_PRODUCTS',
  'BUILD_AWARENESS',
  'NOT_SURE',
] as const;
export type BusinessGoal = (typeof BUSINESS_GOALS)[number];

/** What it wants to promote. */
export const BUSINESS_PROMOTES = ['PRODUCTS', 'SERVICES', 'CONTENT', 'NOT_SURE'] as const;
export type BusinessPromote = (typeof BUSINESS_PROMOTES)[number];

/** "Are you interested in running ads?": yes, or not sure yet. */
export const ADS_INTERESTS = ['YES', 'NOT_SURE_YET'] as const;
export type AdsInterest = (typeof ADS_INTERESTS)[number];

/** ISO 639-1 codes of the languages Pinterest offers for an account. */
export const LANGUAGES = [
  'ar', 'bn', 'cs', 'da', 'de', 'el', 'en', 'es', 'fi', 'fr', 'he', 'hi', 'hr', 'hu', 'id', 'it',
  'ja', 'ko', 'ms', 'nb', 'nl', 'pl', 'pt', 'ro', 'ru', 'sk', 'sv', 'th', 'tl', 'tr', 'uk', 'vi',
  'zh',
] as const; // prettier-ignore

/** ISO 3166-1 alpha-2: every officially assigned country code. */
export const COUNTRIES = (
  'AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR ' +
  'BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ ' +
  'EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW ' +
  'GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY ' +
  'KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV ' +
  'MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY ' +
  'QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG ' +
  'TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW'
).split(' ');

const LANGUAGE_SET = new Set<string>(LANGUAGES);
const COUNTRY_SET = new Set<string>(COUNTRIES);

export const isLanguage = (code: string): boolean => LANGUAGE_SET.has(code);
export const isCountry = (code: string): boolean => COUNTRY_SET.has(code);

/** `[{ code, name }]` in English, for pickers. */
export function namedChoices(codes: readonly string[], type: 'language' | 'region') {
  const names = new Intl.DisplayNames(['en'], { type });
  return codes.map((code) => ({ code, name: names.of(code) ?? code }));
}
