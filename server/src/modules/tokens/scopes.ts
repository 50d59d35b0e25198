/** Pinterest's OAuth scopes (the spec's pinterest_oauth2 flow) that Corkboard issues. */
export const ALL_SCOPES = [
  'ads:read',
  'ads:write',
  'billing:read',
  'billing:write',
  'biz_access:read',
  'biz_access:write',
  'boards:read',
  'boards:read_secret',
  'boards:write',
  'boards:write_secret',
  'catalogs:read',
  'catalogs:write',
  'pins:read',
  'pins:read_secret',
  'pins:write',
  'pins:write_secret',
  'user_accounts:read',
  'user_accounts:write',
] as const;

export type Scope = (typeof ALL_SCOPES)[number];

export function isScope(value: string): value is Scope {
  return (ALL_SCOPES as readonly string[]).includes(value);
}

/** Parses "a,b c" into scopes; returns the unknown names separately. */
export function parseScopes(input: string): { scopes: Scope[]; unknown: string[] } {
  const names = input
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter(Boolean);
  const scopes: Scope[] = [];
  const unknown: string[] = [];
  for (const name of names) {
    if (isScope(name)) {
      if (!scopes.includes(name)) scopes.push(name);
    } else unknown.push(name);
  }
  return { scopes, unknown };
}

/** What each scope lets an app do, in words: the consent page and the Generate token picker. */
export const SCOPE_DESCRIPTIONS: Record<Scope, string> = {
  'ads:read': 'See your advertising data: ads, ad groups and campaigns',
  'ads:write': 'Create, change and delete your ads, ad groups and campaigns',
  'billing:read': 'See your billing data and billing profiles',
  'billing:write': 'Create, change and delete your billing data and profiles',
  'biz_access:read': 'See who has access to your business',
  'biz_access:write': 'Change who has access to your business',
  'boards:read': 'See your public boards',
  'boards:read_secret': 'See your secret boards',
  'boards:write': 'Create, change and delete your public boards',
  'boards:write_secret': 'Create, change and delete your secret boards',
  'catalogs:read': 'See your catalogs',
  'catalogs:write': 'Create, change and delete your catalogs',
  'pins:read': 'See your public Pins',
  'pins:read_secret': 'See your secret Pins',
  'pins:write': 'Create, change and delete your public Pins',
  'pins:write_secret': 'Create, change and delete your secret Pins',
  'user_accounts:read': 'See your account and followers',
  'user_accounts:write': 'Change your account settings',
};

/** A scope and its words, as `GET /api/scopes` and the consent request list them. */
export interface ScopeDescription {
  scope: Scope;
  description: string;
}

export function describeScopes(scopes: readonly Scope[] = ALL_SCOPES): ScopeDescription[] {
  return scopes.map((scope) => ({ scope, description: SCOPE_DESCRIPTIONS[scope] }));
}
