import { randomBytes } from 'node:crypto';
import { hash } from '@node-rs/argon2';
import sharp from 'sharp';
import type { App } from '../../http/types.js';
import { nowIso } from '../../lib/time.js';
import { AccountsRepo } from '../accounts/repo.js';
import { AppsRepo } from '../apps/repo.js';
import { hashSecret } from '../apps/service.js';
import { BoardsRepo } from '../boards/repo.js';
import type { PinMediaRecord } from '../pins/media.js';
import { PinsRepo } from '../pins/repo.js';
import { SectionsRepo } from '../sections/repo.js';
import { TokensRepo } from '../tokens/repo.js';
import { ALL_SCOPES, isScope } from '../tokens/scopes.js';
import { hashToken } from '../tokens/service.js';
import { FixtureRepo } from './fixture-repo.js';
import {
  FIXTURE_FORMAT,
  FIXTURE_VERSION,
  FixtureError,
  type Fixture,
  type FixtureImageSpec,
} from './fixture-format.js';

const DEFAULT_COLOR = '#7a9cc6';
const TOKEN_TTL_MS = 365 * 24 * 3600 * 1000;

/** A solid-colour JPEG for a fixture pin: fixtures describe images instead of carrying them. */
async function fixtureImage(spec: FixtureImageSpec | undefined): Promise<string> {
  const color = spec?.color ?? DEFAULT_COLOR;
  const rgb = [1, 3, 5].map((i) => parseInt(color.slice(i, i + 2), 16));
  const data = await sharp({
    create: {
      width: spec?.width ?? 600,
      height: spec?.height ?? 400,
      channels: 3,
      background: { r: rgb[0]!, g: rgb[1]!, b: rgb[2]! },
    },
  })
    .jpeg({ quality: 90 })
    .toBuffer();
  return data.toString('base64');
}

/**
 * Loads a checked fixture into an EMPTY instance with its exact ids, client ids and token
 * values (only hashes stored), through the areas' own repos; pin images are made and stored
 * by the media service like uploads.
 */
export async function loadFixture(app: App, fixture: Fixture): Promise<void> {
  const { ctx } = app;
  const db = ctx.database.db;
  if (await new AccountsRepo(db).hasAnyUser())
    throw new FixtureError('the instance already has users: fixtures load into an empty instance only');
  const now = nowIso();
  const userIds = new Map<string, string>();
  const accounts = new AccountsRepo(db);
  for (const user of fixture.users) {
    await accounts.insert({
      id: user.id,
      username: user.username,
      email: user.email ?? null,
      passwordHash: user.password ? await hash(user.password) : null,
      accountType: user.account_type ?? 'PINNER',
      businessName: user.business_name ?? null,
      about: user.about,
      websiteUrl: user.website_url,
      isAdmin: user.is_admin ?? false,
      createdAt: now,
    });
    userIds.set(user.username.toLowerCase(), user.id);
  }
  const ownerId = (username: string) => userIds.get(username.toLowerCase())!;

  const apps = new AppsRepo(db);
  const appIds = new Map<string, string>();
  for (const app of fixture.apps ?? []) {
    await apps.insert({
      id: app.id,
      ownerId: ownerId(app.owner),
      name: app.name,
      description: app.description ?? '',
      tier: app.tier ?? 'STANDARD',
      status: app.status ?? 'APPROVED',
      isBuiltin: false,
      createdAt: now,
      clientId: app.client_id,
      clientSecretHash: hashSecret(app.client_secret ?? randomBytes(20).toString('hex')),
      websiteUrl: app.website_url ?? '',
      redirectUris: app.redirect_uris ?? [],
    });
    appIds.set(app.client_id, app.id);
  }

  const boards = new BoardsRepo(db);
  const sections = new SectionsRepo(db);
  const boardOwners = new Map<string, string>();
  for (const board of fixture.boards ?? []) {
    await boards.insert({
      id: board.id,
      ownerId: ownerId(board.owner),
      name: board.name,
      description: board.description ?? null,
      privacy: board.privacy ?? 'PUBLIC',
      isAdsOnly: false,
      createdAppId: null,
      createdAt: now,
    });
    boardOwners.set(board.id, ownerId(board.owner));
    for (const section of board.sections ?? [])
      await sections.insert({ id: section.id, boardId: board.id, name: section.name, createdAt: now });
  }

  const pins = new PinsRepo(db);
  for (const pin of fixture.pins ?? []) {
    const stored = await ctx.media.ingest(
      [{ kind: 'base64', data: await fixtureImage(pin.image), contentType: 'image/jpeg' }],
      'image',
    );
    const media: PinMediaRecord = {
      ...stored,
      items: stored.items.map((item) => ({ ...item, description: null })),
    };
    const outcome = await pins.insert({
      id: pin.id,
      ownerId: boardOwners.get(pin.board_id)!,
      boardId: pin.board_id,
      boardSectionId: pin.board_section_id ?? null,
      parentPinId: null,
      title: pin.title ?? null,
      description: pin.description ?? null,
      link: pin.link ?? null,
      altText: pin.alt_text ?? null,
      dominantColor: media.items[0]?.image.dominantColor ?? null,
      creativeType: 'REGULAR',
      isStandard: true,
      media,
      createdAppId: null,
      createdAt: now,
    });
    if (outcome !== 'inserted')
      throw new FixtureError(`pin ${pin.id} could not be placed on board ${pin.board_id}`);
  }

  const tokens = new TokensRepo(db, null);
  for (const [i, token] of (fixture.tokens ?? []).entries()) {
    const scopes = token.scopes ?? [...ALL_SCOPES];
    const unknown = scopes.filter((s) => !isScope(s));
    if (unknown.length > 0)
      throw new FixtureError(`/tokens/${i}/scopes: unknown scope(s) ${unknown.join(', ')}`);
    await tokens.insert({
      id: ctx.ids.next(),
      tokenHash: hashToken(token.token),
      kind: 'access',
      userId: ownerId(token.user),
      appId: token.app ? appIds.get(token.app)! : await ctx.apps.builtinCliAppId(),
      scopes: scopes.join(','),
      createdAt: now,
      expiresAt: token.expires_at
        ? new Date(token.expires_at).toISOString()
        : new Date(Date.now() + TOKEN_TTL_MS).toISOString(),
    });
  }
}

/** A new token value for an exported fixture (stored tokens cannot be read back from their hashes). */
export function mintFixtureToken(): string {
  return `pina_${randomBytes(32).toString('base64url')}`;
}

/**
 * The current state as a fixture: every user, app, board, section and pin with its id. Tokens
 * and client secrets exist only as hashes, so the fixture carries NEW values: one token per user
 * (every scope, the built-in CLI app) unless `tokens` gives that user's value, and a new secret
 * per app. Pin images become their dominant colour and original size.
 */
export async function exportFixture(
  app: App,
  options: { tokens?: Record<string, string> } = {},
): Promise<Fixture> {
  const repo = new FixtureRepo(app.ctx.database.db);
  const users = await repo.users();
  const usernameOf = new Map(users.map((u) => [u.id, u.username]));
  const sections = await repo.sections();
  const given = new Map(
    Object.entries(options.tokens ?? {}).map(([user, token]) => [user.toLowerCase(), token]),
  );
  for (const name of given.keys())
    if (!users.some((u) => u.username.toLowerCase() === name))
      throw new FixtureError(`--token: no user named "${name}"`);
  return {
    format: FIXTURE_FORMAT,
    version: FIXTURE_VERSION,
    users: users.map((u) => ({
      id: u.id,
      username: u.username,
      email: u.email,
      account_type: u.accountType,
      business_name: u.businessName,
      about: u.about,
      website_url: u.websiteUrl,
      is_admin: u.isAdmin,
    })),
    apps: (await repo.apps()).map((a) => ({
      id: a.id,
      owner: usernameOf.get(a.ownerId)!,
      name: a.name,
      client_id: a.clientId ?? a.id,
      client_secret: randomBytes(20).toString('hex'),
      description: a.description,
      website_url: a.websiteUrl,
      redirect_uris: a.redirectUris,
      tier: a.tier,
      status: a.status,
    })),
    boards: (await repo.boards()).map((b) => ({
      id: b.id,
      owner: usernameOf.get(b.ownerId)!,
      name: b.name,
      description: b.description,
      privacy: b.privacy,
      sections: sections.filter((s) => s.boardId === b.id).map((s) => ({ id: s.id, name: s.name })),
    })),
    pins: (await repo.pins()).map((p) => {
      const original = p.media.items[0]?.image.original;
      const color =
        p.dominantColor && /^#[0-9A-Fa-f]{6}$/.test(p.dominantColor) ? p.dominantColor : DEFAULT_COLOR;
      return {
        id: p.id,
        board_id: p.boardId,
        board_section_id: p.sectionId,
        title: p.title,
        description: p.description,
        link: p.link,
        alt_text: p.altText,
        image: {
          color,
          width: Math.min(4000, Math.max(16, original?.width ?? 600)),
          height: Math.min(4000, Math.max(16, original?.height ?? 400)),
        },
      };
    }),
    tokens: users.map((u) => ({
      token: given.get(u.username.toLowerCase()) ?? mintFixtureToken(),
      user: u.username,
    })),
  };
}
