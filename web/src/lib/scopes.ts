/**
 * The scope picker's logic (Generate token and the OAuth consent page), on the scope list the
 * server serves (`GET /api/scopes`): scopes grouped into read, write and secret, a whole group
 * ticked at once, and a secret scope bringing the read scope of the same thing with it (an app
 * that sees your secret boards sees your public ones too). Pure functions: no React here.
 */
export interface ScopeInfo {
  scope: string;
  description: string;
}

export type ScopeGroupKey = 'read' | 'write' | 'secret';

export interface ScopeGroup {
  key: ScopeGroupKey;
  label: string;
  scopes: ScopeInfo[];
}

const GROUP_LABELS: Record<ScopeGroupKey, string> = {
  read: 'Read',
  write: 'Write',
  secret: 'Secret boards and Pins',
};

const GROUP_ORDER: ScopeGroupKey[] = ['read', 'write', 'secret'];

/** "boards:read_secret" → secret, "pins:write" → write, anything else that reads → read. */
export function scopeGroupOf(scope: string): ScopeGroupKey {
  const access = scope.slice(scope.indexOf(':') + 1);
  if (access.endsWith('_secret')) return 'secret';
  return access.startsWith('write') ? 'write' : 'read';
}

/** The scopes in groups, read then write then secret, each in the order given; empty groups left out. */
export function groupScopes(scopes: readonly ScopeInfo[]): ScopeGroup[] {
  return GROUP_ORDER.map((key) => ({
    key,
    label: GROUP_LABELS[key],
    scopes: scopes.filter((s) => scopeGroupOf(s.scope) === key),
  })).filter((group) => group.scopes.length > 0);
}

/** The scope a secret scope needs with it ("pins:write_secret" → "pins:read"), or null. */
export function impliedScope(scope: string): string | null {
  if (scopeGroupOf(scope) !== 'secret') return null;
  return `${scope.slice(0, scope.indexOf(':'))}:read`;
}

/**
 * The selection made whole and put in the order of `available`: unknown names dropped, and each
 * secret scope's read scope added when it is on offer.
 */
export function normalizeSelection(selected: Iterable<string>, available: readonly string[]): string[] {
  const chosen = new Set([...selected].filter((s) => available.includes(s)));
  for (const scope of [...chosen]) {
    const implied = impliedScope(scope);
    if (implied && available.includes(implied)) chosen.add(implied);
  }
  return available.filter((s) => chosen.has(s));
}

/**
 * Ticks or unticks one scope. Ticking a secret scope ticks its read scope; unticking a read
 * scope unticks the secret scopes that need it, so the selection never holds one without the other.
 */
export function toggleScope(
  selected: readonly string[],
  scope: string,
  on: boolean,
  available: readonly string[],
): string[] {
  if (on) return normalizeSelection([...selected, scope], available);
  return normalizeSelection(
    selected.filter((s) => s !== scope && impliedScope(s) !== scope),
    available,
  );
}

/** Ticks or unticks every scope of a group at once, with the same rules as one at a time. */
export function toggleGroup(
  selected: readonly string[],
  group: ScopeGroup,
  on: boolean,
  available: readonly string[],
): string[] {
  return group.scopes.reduce<string[]>(
    (current, { scope }) => toggleScope(current, scope, on, available),
    [...selected],
  );
}

/** Whether all, some or none of a group is ticked (the group box shows "some" as indeterminate). */
export function groupState(selected: readonly string[], group: ScopeGroup): 'all' | 'some' | 'none' {
  const ticked = group.scopes.filter((s) => selected.includes(s.scope)).length;
  if (ticked === 0) return 'none';
  return ticked === group.scopes.length ? 'all' : 'some';
}
