import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { ApiError, invalidField, notPermitted, unauthorized } from '../../lib/errors.js';
import type { IdGenerator } from '../../lib/ids.js';
import type { AppRow } from '../apps/repo.js';
import { parseScopes, type Scope } from '../tokens/scopes.js';
import { hashToken, type TokensService } from '../tokens/service.js';
import type { OAuthRepo } from './repo.js';

/** Authorization codes live 10 minutes and work once. */
export const CODE_TTL_SECONDS = 600;

/** `GET /oauth/` parameters as Pinterest takes them; anything else is ignored. */
export interface AuthorizeParams {
  client_id?: string;
  /** Pinterest's own quickstart sends the client id under this name. */
  consumer_id?: string;
  redirect_uri?: string;
  response_type?: string;
  scope?: string;
  state?: string;
  code_challenge?: string;
  code_challenge_method?: string;
}

/** A checked authorization request: the app, where to send the answer and what is asked. */
export interface AuthorizationRequest {
  app: AppRow;
  redirectUri: string;
  scopes: Scope[];
  state: string | null;
  codeChallenge: string | null;
}

export type AuthorizeCheck =
  /** Bad client or redirect URI: shown on a page, never redirected to (no open redirect). */
  | { kind: 'page_error'; message: string }
  /** The client is known and the redirect URI registered: errors go back to it. */
  | { kind: 'redirect'; location: string }
  | { kind: 'ok'; request: AuthorizationRequest };

/** The form body of `POST /v5/oauth/token` (OauthAccessTokenRequest and its variants). */
export interface TokenRequestBody {
  grant_type?: unknown;
  code?: unknown;
  redirect_uri?: unknown;
  code_verifier?: unknown;
  refresh_token?: unknown;
  continuous_refresh?: unknown;
  scope?: unknown;
}

/** Pinterest's OauthAccessTokenResponse variants, field for field. */
export type TokenResponse =
  | {
      response_type: 'authorization_code' | 'refresh_token';
      access_token: string;
      token_type: 'bearer';
      expires_in: number;
      scope: string;
      refresh_token: string;
      refresh_token_expires_in: number;
      refresh_token_expires_at: number;
    }
  | {
      response_type: 'client_credentials';
      access_token: string;
      token_type: 'bearer';
      expires_in: number;
      scope: string;
    };

const invalidGrant = (what: string) => unauthorized(`Authentication failed: ${what}.`);
const PKCE_VERIFIER = /^[A-Za-z0-9._~-]{43,128}$/;
const PKCE_CHALLENGE = /^[A-Za-z0-9_-]{43}$/;

function s256(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** Location with `params` added to the redirect URI's own query. */
export function redirectWith(redirectUri: string, params: Record<string, string | null>): string {
  const url = new URL(redirectUri);
  for (const [key, value] of Object.entries(params)) if (value !== null) url.searchParams.set(key, value);
  return url.toString();
}

/**
 * OAuth 2.0 as Pinterest runs it: the authorization-code flow (with optional PKCE S256), the
 * token endpoint's three grants, and revocation. Codes and tokens are stored only as hashes.
 */
/**
 * A spent refresh token presented this soon after its rotation is taken for a retry or a race,
 * not a stolen copy: refused without revoking the grant.
 */
export const REFRESH_REUSE_GRACE_MS = 60_000;

export class OAuthService {
  constructor(
    private readonly deps: {
      repo: OAuthRepo;
      tokens: TokensService;
      ids: IdGenerator;
      findApp: (clientId: string) => Promise<AppRow | null>;
    },
  ) {}

  /** Checks `GET /oauth/` parameters in the order that decides where an error may go. */
  async checkAuthorize(params: AuthorizeParams): Promise<AuthorizeCheck> {
    const clientId = params.client_id || params.consumer_id;
    if (!clientId) return { kind: 'page_error', message: 'The request names no app (client_id is missing).' };
    const app = await this.deps.findApp(clientId);
    if (!app) return { kind: 'page_error', message: 'No app has this client_id.' };
    if (!params.redirect_uri) return { kind: 'page_error', message: 'The request has no redirect_uri.' };
    if (!app.redirectUris.includes(params.redirect_uri))
      return {
        kind: 'page_error',
        message: 'The redirect_uri is not one the app registered. It must match a registered URI exactly.',
      };
    if (app.status !== 'APPROVED')
      return { kind: 'page_error', message: 'This app has not been approved, so it cannot ask for access.' };
    const state = params.state ?? null;
    const fail = (error: string, description: string): AuthorizeCheck => ({
      kind: 'redirect',
      location: redirectWith(params.redirect_uri!, { error, error_description: description, state }),
    });
    if (params.response_type !== 'code')
      return fail('unsupported_response_type', 'response_type must be "code".');
    const { scopes, unknown } = parseScopes(params.scope ?? '');
    if (unknown.length > 0) return fail('invalid_scope', `Unknown scope: ${unknown.join(', ')}.`);
    if (scopes.length === 0) return fail('invalid_scope', 'Ask for at least one scope.');
    let codeChallenge: string | null = null;
    if (params.code_challenge !== undefined || params.code_challenge_method !== undefined) {
      if (params.code_challenge_method !== 'S256')
        return fail('invalid_request', 'code_challenge_method must be S256.');
      if (!params.code_challenge || !PKCE_CHALLENGE.test(params.code_challenge))
        return fail('invalid_request', 'code_challenge must be the base64url SHA-256 of the verifier.');
      codeChallenge = params.code_challenge;
    }
    return {
      kind: 'ok',
      request: { app, redirectUri: params.redirect_uri, scopes, state, codeChallenge },
    };
  }

  /** Allow: a single-use code bound to app, redirect URI, user, scopes and PKCE challenge. */
  async approve(userId: string, request: AuthorizationRequest): Promise<string> {
    const code = randomBytes(32).toString('base64url');
    const now = new Date();
    await this.deps.repo.insertCode({
      id: this.deps.ids.next(),
      codeHash: hashToken(code),
      appId: request.app.id,
      userId,
      redirectUri: request.redirectUri,
      scopes: request.scopes.join(','),
      codeChallenge: request.codeChallenge,
      codeChallengeMethod: request.codeChallenge ? 'S256' : null,
      createdAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + CODE_TTL_SECONDS * 1000).toISOString(),
    });
    if (Math.random() < 0.01)
      this.deps.repo
        .deleteExpiredCodes(new Date(now.getTime() - 86_400_000).toISOString())
        .catch(() => undefined);
    return redirectWith(request.redirectUri, { code, state: request.state });
  }

  /**
   * Allow on the consent page, which may keep only some of the scopes asked for (a non-empty
   * subset: the token then has exactly those). The redirect to the app, with the code.
   */
  async allow(userId: string, request: AuthorizationRequest, kept?: readonly string[]): Promise<string> {
    if (kept === undefined) return this.approve(userId, request);
    const { scopes, unknown } = parseScopes(kept.join(','));
    const extra = [...unknown, ...scopes.filter((s) => !request.scopes.includes(s))];
    if (extra.length > 0)
      throw invalidField('scopes', `may only keep scopes the app asked for (not asked: ${extra.join(', ')})`);
    if (scopes.length === 0)
      throw invalidField('scopes', 'must keep at least one scope; use Cancel to refuse');
    return this.approve(userId, { ...request, scopes });
  }

  /** Cancel on the consent page: the redirect to the app with error=access_denied. */
  deny(request: AuthorizationRequest): string {
    return redirectWith(request.redirectUri, {
      error: 'access_denied',
      error_description: 'The user denied access.',
      state: request.state,
    });
  }

  /** The account the sandbox-only OAUTH_AUTO_APPROVE_USER names, or null. */
  async userIdByName(username: string): Promise<string | null> {
    return this.deps.repo.findUserId(username);
  }

  /** `POST /v5/oauth/token` for an authenticated client. */
  async token(app: AppRow, body: TokenRequestBody): Promise<TokenResponse> {
    const grantType = text(body.grant_type);
    if (!grantType) throw invalidField('grant_type', 'is required');
    switch (grantType) {
      case 'authorization_code':
        return this.exchangeCode(app, body);
      case 'refresh_token':
        return this.refresh(app, body);
      case 'client_credentials':
        return this.clientCredentials(app, body);
      default:
        throw invalidField(
          'grant_type',
          'must be one of authorization_code, refresh_token, client_credentials',
        );
    }
  }

  /** `POST /v5/oauth/token/revoke`: unknown tokens are fine (RFC 7009); another app's are not. */
  async revoke(app: AppRow, body: { token?: unknown; token_type_hint?: unknown }): Promise<void> {
    const token = text(body.token);
    if (!token) throw invalidField('token', 'is required');
    const hint = body.token_type_hint;
    if (hint !== undefined && hint !== 'access_token' && hint !== 'refresh_token')
      throw invalidField('token_type_hint', 'must be one of access_token, refresh_token');
    const row = await this.deps.tokens.find(token);
    if (!row) return;
    if (row.appId !== app.id) throw notPermitted();
    await this.deps.tokens.revoke(row.id);
  }

  private async exchangeCode(app: AppRow, body: TokenRequestBody): Promise<TokenResponse> {
    const code = text(body.code);
    const redirectUri = text(body.redirect_uri);
    if (!code) throw invalidField('code', 'is required');
    if (!redirectUri) throw invalidField('redirect_uri', 'is required');
    const verifier = text(body.code_verifier);
    const row = code.length <= 200 ? await this.deps.repo.findCode(hashToken(code)) : null;
    if (!row || row.appId !== app.id) throw invalidGrant('the authorization code is invalid');
    if (row.usedAt !== null) return this.replayedCode(row.id);
    if (Date.parse(row.expiresAt) <= Date.now()) throw invalidGrant('the authorization code has expired');
    if (!sameText(row.redirectUri, redirectUri))
      throw invalidGrant('redirect_uri does not match the one the code was issued for');
    if (row.codeChallenge) {
      if (!verifier) throw invalidField('code_verifier', 'is required: the authorization used PKCE');
      if (!PKCE_VERIFIER.test(verifier) || !sameText(s256(verifier), row.codeChallenge))
        throw invalidGrant('code_verifier does not match the code_challenge');
    } else if (verifier !== undefined) {
      throw invalidGrant('code_verifier was sent but the authorization used no code_challenge');
    }
    if (!(await this.deps.repo.useCode(row.id, new Date().toISOString()))) return this.replayedCode(row.id);
    const scopes = parseScopes(row.scopes).scopes;
    // The grant's refresh token takes the code's id: a replay of the code can find and end it.
    const { access, refresh } = await this.deps.tokens.issueGrant({
      userId: row.userId,
      appId: app.id,
      scopes,
      grantId: row.id,
    });
    return {
      response_type: 'authorization_code',
      access_token: access.token,
      token_type: 'bearer',
      expires_in: this.secondsUntil(access.expiresAt),
      scope: scopes.join(','),
      refresh_token: refresh.token,
      refresh_token_expires_in: this.secondsUntil(refresh.expiresAt),
      refresh_token_expires_at: Math.floor(Date.parse(refresh.expiresAt) / 1000),
    };
  }

  /**
   * RFC 6749 §4.1.2: a code used twice is refused, and the tokens it gave are revoked (the first
   * use may have been an attacker's, or the second is). The grant's refresh token has the code's
   * id; revoking it ends the access tokens made from it too.
   */
  private async replayedCode(codeId: string): Promise<never> {
    await this.deps.tokens.revoke(codeId);
    throw invalidGrant('the authorization code has already been used; the tokens it gave are revoked');
  }

  /**
   * The spec's continuous refresh: every refresh gives a new access token and a new refresh
   * token living another full lifetime (60 days by default), refreshable indefinitely. The old
   * refresh token stops working at once (rotation); the grant and its earlier access tokens stay.
   * `continuous_refresh` (for apps created before September 2025) is accepted: every Corkboard
   * refresh token is continuous.
   */
  private async refresh(app: AppRow, body: TokenRequestBody): Promise<TokenResponse> {
    const refreshToken = text(body.refresh_token);
    if (!refreshToken) throw invalidField('refresh_token', 'is required');
    const continuous = body.continuous_refresh;
    if (
      continuous !== undefined &&
      continuous !== 'true' &&
      continuous !== 'false' &&
      typeof continuous !== 'boolean'
    )
      throw invalidField('continuous_refresh', 'must be true or false');
    const row = await this.deps.tokens.find(refreshToken);
    if (!row) await this.refuseReplayedRefresh(app, refreshToken);
    if (!row || row.kind !== 'refresh' || row.appId !== app.id)
      throw invalidGrant('the refresh token is invalid');
    if (row.revokedAt !== null) throw invalidGrant('the refresh token has been revoked');
    if (row.expired) throw invalidGrant('the refresh token has expired');
    const granted = parseScopes(row.scopes).scopes;
    let scopes = granted;
    const asked = text(body.scope);
    if (asked !== undefined && asked.trim() !== '') {
      const parsed = parseScopes(asked);
      const extra = [...parsed.unknown, ...parsed.scopes.filter((s) => !granted.includes(s))];
      if (extra.length > 0)
        throw invalidField('scope', `may only narrow the granted scopes (not granted: ${extra.join(', ')})`);
      scopes = parsed.scopes;
    }
    const rotated = await this.deps.tokens.rotateRefresh(row.id, refreshToken);
    if (!rotated) throw invalidGrant('the refresh token has already been used');
    const access = await this.deps.tokens.issue({
      userId: row.userId,
      appId: app.id,
      scopes,
      refreshTokenId: row.id,
    });
    return {
      response_type: 'refresh_token',
      access_token: access.token,
      token_type: 'bearer',
      expires_in: this.secondsUntil(access.expiresAt),
      scope: scopes.join(','),
      refresh_token: rotated.token,
      refresh_token_expires_in: this.secondsUntil(rotated.expiresAt),
      refresh_token_expires_at: Math.floor(Date.parse(rotated.expiresAt) / 1000),
    };
  }

  /**
   * A refresh token secret spent by an earlier rotation, presented again. Within
   * REFRESH_REUSE_GRACE_MS of the rotation it is a client's retry or two refreshes racing: refused,
   * nothing else. Later, someone holds a copy of the grant's refresh token (the client and an
   * attacker cannot both be refreshing it), so the grant is revoked with every access token made
   * from it, and the user authorizes the app again.
   */
  private async refuseReplayedRefresh(app: AppRow, refreshToken: string): Promise<void> {
    const grant = await this.deps.tokens.findRotatedRefresh(refreshToken);
    if (!grant || grant.appId !== app.id) return;
    const rotatedMs = grant.rotatedAt ? Date.parse(grant.rotatedAt) : 0;
    if (Date.now() - rotatedMs < REFRESH_REUSE_GRACE_MS)
      throw invalidGrant('the refresh token has already been used');
    if (grant.revokedAt === null) await this.deps.tokens.revoke(grant.id);
    throw invalidGrant(
      'the refresh token has already been used; the grant is revoked, so the user must authorize the app again',
    );
  }

  /** A pinc_ token acting as the app's owner, with the scopes asked for. */
  private async clientCredentials(app: AppRow, body: TokenRequestBody): Promise<TokenResponse> {
    const asked = text(body.scope);
    if (!asked || !asked.trim()) throw invalidField('scope', 'is required');
    const { scopes, unknown } = parseScopes(asked);
    if (unknown.length > 0) throw invalidField('scope', `has unknown scopes: ${unknown.join(', ')}`);
    if (!app.ownerId) throw new ApiError(403, 29, 'This app has no owner to act as.');
    const access = await this.deps.tokens.issue({
      userId: app.ownerId,
      appId: app.id,
      scopes,
      kind: 'client',
    });
    return {
      response_type: 'client_credentials',
      access_token: access.token,
      token_type: 'bearer',
      expires_in: this.secondsUntil(access.expiresAt),
      scope: scopes.join(','),
    };
  }

  private secondsUntil(iso: string): number {
    return Math.max(0, Math.round((Date.parse(iso) - Date.now()) / 1000));
  }
}
