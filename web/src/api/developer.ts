import { useQuery } from '@tanstack/react-query';
import { apiGet } from './client';

/** A developer app as its owner (and admins) see it: never its secret, except once on create/rotate. */
export interface DeveloperApp {
  id: string;
  client_id: string | null;
  name: string;
  description: string;
  icon_url: string | null;
  website_url: string;
  redirect_uris: string[];
  status: 'PENDING' | 'APPROVED' | 'REJECTED';
  tier: string;
  rejection_reason: string | null;
  created_at: string;
  reviewed_at: string | null;
  secret_rotated_at: string | null;
  owner_id: string | null;
}

export interface AppWithSecret extends DeveloperApp {
  client_secret: string;
}

export interface AppToken {
  id: string;
  kind: string;
  prefix: string;
  scopes: string[];
  created_at: string;
  last_used_at: string | null;
  expires_at: string;
}

export interface GeneratedToken {
  access_token: string;
  access_token_id: string;
  access_token_prefix: string;
  access_token_expires_at: string;
  refresh_token: string;
  refresh_token_expires_at: string;
  scope: string;
}

export interface LoggedCall {
  id: string;
  created_at: string;
  method: string;
  path: string;
  operation_id: string | null;
  status: number;
  latency_ms: number;
  user_id: string | null;
  token_prefix: string;
}

export interface InspectedCall extends LoggedCall {
  inspected: boolean;
  request_body: string | null;
  request_body_truncated: boolean;
  response_body: string | null;
  response_body_truncated: boolean;
  response_content_type: string | null;
}

export interface FaultSettings {
  enabled: boolean;
  seed: number;
  rate_429: number;
  rate_500: number;
  rate_503: number;
  delay_rate: number;
  delay_ms: number;
  allow_header: boolean;
}

export interface SandboxSettings {
  faults: FaultSettings;
  inspector: { enabled: boolean };
  updated_at: string | null;
}

export const STATUS_WORDS: Record<DeveloperApp['status'], string> = {
  PENDING: 'Pending review',
  APPROVED: 'Approved',
  REJECTED: 'Rejected',
};

export const appKey = (id: string) => ['developer-app', id] as const;

export function useDeveloperApp(id: string) {
  return useQuery({
    queryKey: appKey(id),
    queryFn: () => apiGet<DeveloperApp>(`/api/developer/apps/${encodeURIComponent(id)}`),
  });
}

/** "2026-11-28T20:31:05Z" in the reader's words. */
export function formatTime(iso: string | null): string {
  if (!iso) return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString();
}
