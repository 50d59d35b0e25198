import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import { boolOf, idOf, idOrNull } from '../../db/values.js';

export type AppStatus = 'PENDING' | 'APPROVED' | 'REJECTED';
export type AppTier = 'TRIAL' | 'STANDARD';

export interface AppRow {
  id: string;
  ownerId: string | null;
  name: string;
  description: string;
  tier: AppTier;
  status: AppStatus;
  isBuiltin: boolean;
  createdAt: string;
  clientId: string | null;
  clientSecretHash: string | null;
  iconKey: string | null;
  websiteUrl: string;
  redirectUris: string[];
  rejectionReason: string | null;
  reviewedAt: string | null;
  reviewedBy: string | null;
  secretRotatedAt: string | null;
}

export interface NewApp {
  id: string;
  ownerId: string | null;
  name: string;
  description: string;
  tier: AppTier;
  status: AppStatus;
  isBuiltin: boolean;
  createdAt: string;
  clientId?: string | null;
  clientSecretHash?: string | null;
  iconKey?: string | null;
  websiteUrl?: string;
  redirectUris?: string[];
}

export interface AppPatch {
  name?: string;
  description?: string;
  iconKey?: string | null;
  websiteUrl?: string;
  redirectUris?: string[];
}

const columns = [
  'id',
  'owner_id',
  'name',
  'description',
  'tier',
  'status',
  'is_builtin',
  'created_at',
  'client_id',
  'client_secret_hash',
  'icon_key',
  'website_url',
  'redirect_uris',
  'rejection_reason',
  'reviewed_at',
  'reviewed_by',
  'secret_rotated_at',
] as const;

function selectApps(db: Kysely<Database>) {
  return db.selectFrom('apps').select(columns);
}

type Selected = Awaited<ReturnType<ReturnType<typeof selectApps>['executeTakeFirstOrThrow']>>;

function parseUris(json: string): string[] {
  try {
    const value: unknown = JSON.parse(json);
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
  } catch {
    return [];
  }
}

function toApp(row: Selected): AppRow {
  return {
    id: idOf(row.id),
    ownerId: idOrNull(row.owner_id),
    name: row.name,
    description: row.description,
    tier: row.tier === 'STANDARD' ? 'STANDARD' : 'TRIAL',
    status: row.status as AppStatus,
    isBuiltin: boolOf(row.is_builtin),
    createdAt: row.created_at,
    clientId: row.client_id,
    clientSecretHash: row.client_secret_hash,
    iconKey: row.icon_key,
    websiteUrl: row.website_url,
    redirectUris: parseUris(row.redirect_uris),
    rejectionReason: row.rejection_reason,
    reviewedAt: row.reviewed_at,
    reviewedBy: idOrNull(row.reviewed_by),
    secretRotatedAt: row.secret_rotated_at,
  };
}

export class AppsRepo {
  constructor(private readonly db: Kysely<Database>) {}

  async findBuiltinId(): Promise<string | null> {
    const row = await this.db.selectFrom('apps').select('id').where('is_builtin', '=', 1).executeTakeFirst();
    return row ? idOf(row.id) : null;
  }

  /** Throws the driver's unique violation when the client_id is taken. */
  async insert(app: NewApp): Promise<void> {
    await this.db
      .insertInto('apps')
      .values({
        id: app.id,
        owner_id: app.ownerId,
        name: app.name,
        description: app.description,
        tier: app.tier,
        status: app.status,
        is_builtin: app.isBuiltin ? 1 : 0,
        created_at: app.createdAt,
        client_id: app.clientId ?? null,
        client_secret_hash: app.clientSecretHash ?? null,
        icon_key: app.iconKey ?? null,
        website_url: app.websiteUrl ?? '',
        redirect_uris: JSON.stringify(app.redirectUris ?? []),
      })
      .execute();
  }

  async findById(id: string): Promise<AppRow | null> {
    const row = await selectApps(this.db).where('id', '=', id).executeTakeFirst();
    return row ? toApp(row) : null;
  }

  async findByClientId(clientId: string): Promise<AppRow | null> {
    const row = await selectApps(this.db).where('client_id', '=', clientId).executeTakeFirst();
    return row ? toApp(row) : null;
  }

  async listByOwner(ownerId: string): Promise<AppRow[]> {
    const rows = await selectApps(this.db).where('owner_id', '=', ownerId).orderBy('id', 'desc').execute();
    return rows.map(toApp);
  }

  async listByStatus(status: AppStatus): Promise<AppRow[]> {
    const rows = await selectApps(this.db)
      .where('status', '=', status)
      .where('is_builtin', '=', 0)
      .orderBy('id', 'asc')
      .limit(500)
      .execute();
    return rows.map(toApp);
  }

  async update(id: string, patch: AppPatch): Promise<void> {
    const values: Record<string, unknown> = {};
    if (patch.name !== undefined) values.name = patch.name;
    if (patch.description !== undefined) values.description = patch.description;
    if (patch.iconKey !== undefined) values.icon_key = patch.iconKey;
    if (patch.websiteUrl !== undefined) values.website_url = patch.websiteUrl;
    if (patch.redirectUris !== undefined) values.redirect_uris = JSON.stringify(patch.redirectUris);
    if (Object.keys(values).length === 0) return;
    await this.db.updateTable('apps').set(values).where('id', '=', id).execute();
  }

  async setReview(
    id: string,
    review: { status: AppStatus; rejectionReason: string | null; reviewedBy: string | null; at: string },
  ): Promise<void> {
    await this.db
      .updateTable('apps')
      .set({
        status: review.status,
        rejection_reason: review.rejectionReason,
        reviewed_by: review.reviewedBy,
        reviewed_at: review.at,
      })
      .where('id', '=', id)
      .execute();
  }

  async setTier(id: string, tier: AppTier): Promise<void> {
    await this.db.updateTable('apps').set({ tier }).where('id', '=', id).execute();
  }

  async setSecret(id: string, secretHash: string, at: string): Promise<void> {
    await this.db
      .updateTable('apps')
      .set({ client_secret_hash: secretHash, secret_rotated_at: at })
      .where('id', '=', id)
      .execute();
  }

  /** Deletes the app; its tokens, codes and request log go by cascade or with it. */
  async delete(id: string): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('access_tokens').where('app_id', '=', id).execute();
      const result = await trx.deleteFrom('apps').where('id', '=', id).executeTakeFirst();
      return BigInt(result.numDeletedRows) > 0n;
    });
  }
}
