import { describe, expect, it } from 'vitest';
import {
  groupScopes,
  groupState,
  impliedScope,
  normalizeSelection,
  scopeGroupOf,
  toggleGroup,
  toggleScope,
  type ScopeInfo,
} from './scopes';

const info = (scope: string): ScopeInfo => ({ scope, description: `words for ${scope}` });
const NAMES = [
  'ads:read',
  'boards:read',
  'boards:read_secret',
  'boards:write',
  'boards:write_secret',
  'pins:read',
  'pins:read_secret',
  'pins:write',
  'user_accounts:read',
];
const ALL = NAMES.map(info);

describe('scope groups', () => {
  it('puts each scope in read, write or secret by its name', () => {
    expect(scopeGroupOf('boards:read')).toBe('read');
    expect(scopeGroupOf('user_accounts:write')).toBe('write');
    expect(scopeGroupOf('pins:read_secret')).toBe('secret');
    expect(scopeGroupOf('boards:write_secret')).toBe('secret');
  });

  it('groups read, write, secret in that order, keeping the given order and dropping empty groups', () => {
    const groups = groupScopes(ALL);
    expect(groups.map((g) => g.key)).toEqual(['read', 'write', 'secret']);
    expect(groups[0]!.scopes.map((s) => s.scope)).toEqual([
      'ads:read',
      'boards:read',
      'pins:read',
      'user_accounts:read',
    ]);
    expect(groups[1]!.scopes.map((s) => s.scope)).toEqual(['boards:write', 'pins:write']);
    expect(groups[2]!.scopes.map((s) => s.scope)).toEqual([
      'boards:read_secret',
      'boards:write_secret',
      'pins:read_secret',
    ]);
    expect(groupScopes([info('pins:read')]).map((g) => g.key)).toEqual(['read']);
    expect(groupScopes([])).toEqual([]);
  });
});

describe('secret scopes imply read', () => {
  it('names the read scope a secret scope needs, and none for others', () => {
    expect(impliedScope('boards:read_secret')).toBe('boards:read');
    expect(impliedScope('pins:write_secret')).toBe('pins:read');
    expect(impliedScope('pins:write')).toBeNull();
  });

  it('ticking a secret scope ticks its read scope, in the order of the list', () => {
    expect(toggleScope(['pins:write'], 'boards:read_secret', true, NAMES)).toEqual([
      'boards:read',
      'boards:read_secret',
      'pins:write',
    ]);
  });

  it('unticking a read scope unticks the secret scopes that need it, and nothing else', () => {
    const selected = ['boards:read', 'boards:read_secret', 'boards:write_secret', 'pins:read'];
    expect(toggleScope(selected, 'boards:read', false, NAMES)).toEqual(['pins:read']);
    expect(toggleScope(selected, 'boards:read_secret', false, NAMES)).toEqual([
      'boards:read',
      'boards:write_secret',
      'pins:read',
    ]);
  });

  it('does not add a read scope that is not on offer (a consent page shows only what the app asked)', () => {
    const asked = ['boards:read_secret', 'pins:read'];
    expect(toggleScope([], 'boards:read_secret', true, asked)).toEqual(['boards:read_secret']);
  });

  it('normalizes a selection: unknown names dropped, implied scopes added', () => {
    expect(normalizeSelection(['nonsense', 'pins:read_secret'], NAMES)).toEqual([
      'pins:read',
      'pins:read_secret',
    ]);
  });
});

describe('select all in a group', () => {
  const groups = groupScopes(ALL);
  const [read, write, secret] = groups as [(typeof groups)[0], (typeof groups)[0], (typeof groups)[0]];

  it('ticks the whole group and reports all, some or none', () => {
    expect(groupState([], read)).toBe('none');
    const some = toggleScope([], 'pins:read', true, NAMES);
    expect(groupState(some, read)).toBe('some');
    const all = toggleGroup(some, read, true, NAMES);
    expect(all).toEqual(['ads:read', 'boards:read', 'pins:read', 'user_accounts:read']);
    expect(groupState(all, read)).toBe('all');
    expect(groupState(all, write)).toBe('none');
  });

  it('ticking all secret scopes brings their read scopes; unticking all reads takes the secrets away', () => {
    const withSecrets = toggleGroup(['pins:write'], secret, true, NAMES);
    expect(withSecrets).toEqual([
      'boards:read',
      'boards:read_secret',
      'boards:write_secret',
      'pins:read',
      'pins:read_secret',
      'pins:write',
    ]);
    expect(groupState(withSecrets, read)).toBe('some');
    expect(toggleGroup(withSecrets, read, false, NAMES)).toEqual(['pins:write']);
    expect(toggleGroup(withSecrets, secret, false, NAMES)).toEqual([
      'boards:read',
      'pins:read',
      'pins:write',
    ]);
  });
});
