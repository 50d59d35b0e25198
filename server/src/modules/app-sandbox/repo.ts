import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import { boolOf, idOf, idOrNull, intOf } from '../../db/values.js';

export interface AppSandboxRow {
  appId: string;
  faultsJson: string;
  inspectorEnabled: boolean;
  updatedAt: string;
}

/** SQL for per-app sandbox settings. */
export class AppSandboxRepo {
  constructor(private readonly db: Kysely<Database>) {}

  async find(appId: string): Promise<AppSandboxRow | null> {
    const row = await this.db
      .selectFrom('app_sandbox_settings')
      .select(['app_id', 'faults_json', 'inspector_enabled', 'updated_at'])
      .where('app_id', '=', appId)
      .executeTakeFirst();
    if (!row) return null;
    return {
      appId: String(row.app_id),
      faultsJson: row.faults_json,
      inspectorEnabled: boolOf(row.inspector_enabled),
      updatedAt: row.updated_at,
    };
  }

  async save(row: AppSandboxRow): Promise<void> {
    const values = {
      faults_json: row.faultsJson,
      inspector_enabled: row.inspectorEnabled ? 1 : 0,
      updated_at: row.updatedAt,
    };
    await this.db
      .insertInto('app_sandbox_settings')
      .values({ app_id: row.appId, ...values })
      .onConflict((oc) => oc.column('app_id').doUpdateSet(values))
      .execute();
  }
}

export interface InspectedBodies {
  requestId: string;
  appId: string;
  requestBody: string | null;
  requestTruncated: boolean;
  responseBody: string | null;
  responseTruncated: boolean;
  contentType: string | null;
}

export interface InspectedCall {
  id: string;
  createdAt: string;
  method: string;
  path: string;
  operationId: string | null;
  status: number;
  latencyMs: number;
  userId: string | null;
  tokenPrefix: string;
  bodies: Omit<InspectedBodies, 'requestId' | 'appId'> | null;
}

/** SQL for the call inspector's bodies, kept beside the request log. */
export class InspectedBodiesRepo {
  constructor(private readonly db: Kysely<Database>) {}

  /**
   * Writes bodies and drops those whose call the request log no longer keeps, for the apps
   * touched, in one transaction.
   */
  async writeBatch(rows: readonly InspectedBodies[]): Promise<void> {
    if (rows.length === 0) return;
    const appIds = [...new Set(rows.map((r) => r.appId))];
    await this.db.transaction().execute(async (trx) => {
      for (let i = 0; i < rows.length; i += 200) {
        await trx
          .insertInto('request_log_bodies')
          .values(
            rows.slice(i, i + 200).map((r) => ({
              request_id: r.requestId,
              app_id: r.appId,
              request_body: r.requestBody,
              request_truncated: r.requestTruncated ? 1 : 0,
              response_body: r.responseBody,
              response_truncated: r.responseTruncated ? 1 : 0,
              content_type: r.contentType,
            })),
          )
          .onConflict((oc) => oc.column('request_id').doNothing())
          .execute();
      }
      for (const appId of appIds) {
        await trx
          .deleteFrom('request_log_bodies')
          .where('app_id', '=', appId)
          .where('request_id', 'not in', (eb) =>
            eb.selectFrom('request_log').select('id').where('app_id', '=', appId),
          )
          .execute();
      }
    });
  }

  /** One logged call of the app with its bodies (null when it was not inspected). */
  async findCall(appId: string, requestId: string): Promise<InspectedCall | null> {
    const row = await this.db
      .selectFrom('request_log as l')
      .leftJoin('request_log_bodies as b', 'b.request_id', 'l.id')
      .select([
        'l.id',
        'l.created_at',
        'l.method',
        'l.path',
        'l.operation_id',
        'l.status',
        'l.latency_ms',
        'l.user_id',
        'l.token_prefix',
        'b.request_id as inspected',
        'b.request_body',
        'b.request_truncated',
        'b.response_body',
        'b.response_truncated',
        'b.content_type',
      ])
      .where('l.app_id', '=', appId)
      .where('l.id', '=', requestId)
      .executeTakeFirst();
    if (!row) return null;
    return {
      id: idOf(row.id),
      createdAt: row.created_at,
      method: row.method,
      path: row.path,
      operationId: row.operation_id,
      status: intOf(row.status),
      latencyMs: intOf(row.latency_ms),
      userId: idOrNull(row.user_id),
      tokenPrefix: row.token_prefix,
      bodies:
        row.inspected === null
          ? null
          : {
              requestBody: row.request_body,
              requestTruncated: boolOf(row.request_truncated),
              responseBody: row.response_body,
              responseTruncated: boolOf(row.response_truncated),
              contentType: row.content_type,
            },
    };
  }
}
