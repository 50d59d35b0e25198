import { sql, type Expression, type SqlBool } from 'kysely';
import type { VisibleBoards } from './policy.js';

/**
 * The SQL form of policy.ts for list queries: a condition on a joined/selected boards row
 * (by alias), true when the viewer may see that board and so the pins on it.
 */
export function visibleBoardCondition(alias: string, visible: VisibleBoards): Expression<SqlBool> {
  const owner = sql.ref(`${alias}.owner_id`);
  const privacy = sql.ref(`${alias}.privacy`);
  const ownPrivacies = ['PUBLIC'];
  if (visible.ownProtected) ownPrivacies.push('PROTECTED');
  if (visible.ownSecret) ownPrivacies.push('SECRET');
  return sql<SqlBool>`((${owner} = ${visible.viewerId} and ${privacy} in (${sql.join(ownPrivacies)})) or (${owner} <> ${visible.viewerId} and ${privacy} = 'PUBLIC'))`;
}
