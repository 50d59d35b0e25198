import { toRfc3339 } from '../../lib/time.js';
import type { OutboxRow } from '../email/repo.js';
import type { CreatedInvite } from './service.js';

export function presentOutboxMessage(row: OutboxRow) {
  return {
    id: row.id,
    to: row.to,
    subject: row.subject,
    text: row.text,
    delivery: row.delivery,
    created_at: toRfc3339(row.createdAt),
  };
}

export function presentInvite(invite: CreatedInvite) {
  return { code: invite.code, email: invite.email, expires_at: toRfc3339(invite.expiresAt) };
}
