import { Type } from '@sinclair/typebox';
import { ErrorSchema } from '../../http/schema-helpers.js';
import { StringEnum } from '../boards/schemas.js';

/*
 * The token endpoints read their form by hand (OAuth errors depend on which field is wrong and
 * on the client), so these schemas only document them in our OpenAPI: they validate nothing.
 */

const GRANT_TYPES = ['authorization_code', 'refresh_token', 'client_credentials'] as const;

const TokenRequest = Type.Object(
  {
    grant_type: StringEnum(GRANT_TYPES, { description: 'Which grant: the fields below depend on it.' }),
    code: Type.Optional(Type.String({ description: 'authorization_code: the code from the redirect.' })),
    redirect_uri: Type.Optional(
      Type.String({ description: 'authorization_code: the redirect URI the code was sent to.' }),
    ),
    refresh_token: Type.Optional(Type.String({ description: 'refresh_token: a pinr_ refresh token.' })),
    scope: Type.Optional(
      Type.String({
        description: 'refresh_token (narrowing) or client_credentials: comma-separated scopes.',
      }),
    ),
  },
  { description: 'OAuth access token request (a form).' },
);

const TokenResponse = Type.Object(
  {
    access_token: Type.String({
      description: 'The access token (pina_…, or pinc_… for client credentials).',
    }),
    token_type: Type.String({ description: 'Always bearer.' }),
    expires_in: Type.Integer({ description: 'Seconds until the access token expires.' }),
    scope: Type.String({ description: 'The granted scopes, comma-separated.' }),
    response_type: Type.Optional(StringEnum(GRANT_TYPES, { description: 'The grant that made it.' })),
    refresh_token: Type.Optional(
      Type.String({ description: 'A pinr_ refresh token (not for client credentials).' }),
    ),
    refresh_token_expires_in: Type.Optional(
      Type.Integer({ description: 'Seconds until the refresh token expires.' }),
    ),
    refresh_token_expires_at: Type.Optional(
      Type.Integer({ description: 'When the refresh token expires, in seconds since the epoch.' }),
    ),
  },
  { description: 'A successful OAuth access token response.' },
);

const RevokeRequest = Type.Object(
  {
    token: Type.String({ description: 'The access or refresh token to revoke.' }),
    token_type_hint: Type.Optional(
      StringEnum(['access_token', 'refresh_token'] as const, { description: 'Which kind of token it is.' }),
    ),
  },
  { description: 'Token revocation request (a form).' },
);

export const OAUTH_TOKEN_DOCS = {
  operationId: 'oauth/token',
  tags: ['oauth'],
  summary: 'Generate OAuth access token',
  description:
    'Exchanges an authorization code or a refresh token for tokens, or makes a client-credentials token. The app authenticates with HTTP Basic (client_id:client_secret).',
  consumes: ['application/x-www-form-urlencoded'],
  body: TokenRequest,
  response: { 200: TokenResponse, default: ErrorSchema },
};

export const TOKEN_REVOKE_DOCS = {
  operationId: 'token/revoke',
  tags: ['oauth'],
  summary: 'Revoke a token',
  description: 'Revokes an access or refresh token the app issued. The app authenticates with HTTP Basic.',
  consumes: ['application/x-www-form-urlencoded'],
  body: RevokeRequest,
  response: { 200: Type.Null({ description: 'Revoked; no content.' }), default: ErrorSchema },
};
