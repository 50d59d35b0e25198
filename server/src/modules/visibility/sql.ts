import { sql, type Expression, type SqlBool } from 'kysely';
import type { VisibleBoards } from './policy.js';

/**
 * The SQL form of policy.ts for list queries: a condition on a joined/selected boards row
 * (by alias), true when the viewer may see that board and so the pins on it. With `pinAlias`
 * the pin's own trial-only flag counts too (pinVisibility in policy.ts).
 */
export function visibleBoardCondition(
  alias: string,
  visible: VisibleBoards,
  pinAlias?: string,
): Expression<SqlBool> {
  const owner = sql.ref(`${alias}.owner_id`);
  const privacy = sql.ref(`${alias}.privacy`);
  const boardTrial = sql.ref(`${alias}.trial_only`);
  const ownPrivacies = ['PUBLIC'];
  if (visible.ownProtected) ownPrivacies.push('PROTECTED');
  if (visible.ownSecret) ownPrivacies.push('SECRET');
  const othersSee = pinAlias
    ? sql<SqlBool>`${privacy} = 'PUBLIC' and ${boardTrial} = 0 and ${sql.ref(`${pinAlias}.trial_only`)} = 0`
    : sql<SqlBool>`${privacy} = 'PUBLIC' and ${boardTrial} = 0`;
  return sql<SqlBool>`((${owner} = ${visible.viewerId} and ${privacy} in (${sql.join(ownPrivacies)})) or (${owner} <> ${visible.viewerId} and ${othersSee}))`;
}
