import { toRfc3339 } from '../../lib/time.js';
import type { AppRow } from './repo.js';

/** A developer app as its owner (and admins) see it; never the secret's hash. */
export interface AppView {
  id: string;
  client_id: string | null;
  name: string;
  description: string;
  icon_url: string | null;
  website_url: string;
  redirect_uris: string[];
  status: AppRow['status'];
  tier: AppRow['tier'];
  rejection_reason: string | null;
  created_at: string;
  reviewed_at: string | null;
  secret_rotated_at: string | null;
  owner_id: string | null;
}

export function presentApp(app: AppRow, mediaUrl: (key: string) => string): AppView {
  return {
    id: app.id,
    client_id: app.clientId,
    name: app.name,
    description: app.description,
    icon_url: app.iconKey ? mediaUrl(app.iconKey) : null,
    website_url: app.websiteUrl,
    redirect_uris: app.redirectUris,
    status: app.status,
    tier: app.tier,
    rejection_reason: app.status === 'REJECTED' ? app.rejectionReason : null,
    created_at: toRfc3339(app.createdAt),
    reviewed_at: app.reviewedAt ? toRfc3339(app.reviewedAt) : null,
    secret_rotated_at: app.secretRotatedAt ? toRfc3339(app.secretRotatedAt) : null,
    owner_id: app.ownerId,
  };
}
