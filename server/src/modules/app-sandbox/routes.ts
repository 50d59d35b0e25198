import { Type } from '@sinclair/typebox';
import type { AppContext } from '../../context.js';
import { ErrorSchema } from '../../http/schema-helpers.js';
import { requireSession } from '../../http/session.js';
import type { App } from '../../http/types.js';
import { MAX_DELAY_MS } from './faults.js';
import type { InspectedCall } from './repo.js';
import type { CallInspector } from './inspector-service.js';
import type { AppSandboxService, AppSandboxSettings } from './service.js';

const Rate = (description: string) => Type.Number({ minimum: 0, maximum: 1, description });

const FaultSettingsSchema = Type.Object({
  enabled: Type.Boolean({ description: 'Master switch: off, the app never sees an injected fault.' }),
  seed: Type.Integer({ minimum: 0, maximum: 4294967295, description: 'Seed of the fault sequence.' }),
  rate_429: Rate('Share of calls answered 429 (code 8, Retry-After: 1).'),
  rate_500: Rate('Share of calls answered 500.'),
  rate_503: Rate('Share of calls answered 503.'),
  delay_rate: Rate('Share of calls delayed by delay_ms, then answered normally.'),
  delay_ms: Type.Integer({ minimum: 0, maximum: MAX_DELAY_MS }),
  allow_header: Type.Boolean({
    description: 'Let a call ask for a fault with X-Corkboard-Fault: 429 | 500 | 503 | delay=MS.',
  }),
});

const SandboxSettingsSchema = Type.Object({
  faults: FaultSettingsSchema,
  inspector: Type.Object({
    enabled: Type.Boolean({
      description:
        'Keep request and response bodies (64 KB each at most, secrets redacted) in the request log.',
    }),
  }),
  updated_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});

const SandboxSettingsUpdate = Type.Object(
  {
    faults: Type.Optional(Type.Partial(FaultSettingsSchema, { additionalProperties: false })),
    inspector: Type.Optional(Type.Object({ enabled: Type.Optional(Type.Boolean()) })),
  },
  { additionalProperties: false },
);

const Params = Type.Object({ id: Type.String({ description: 'The app id' }) });

function present(settings: AppSandboxSettings) {
  return { faults: settings.faults, inspector: settings.inspector, updated_at: settings.updatedAt };
}

/**
 * An app owner's sandbox settings (web app JSON, session + CSRF; sandbox mode only): fault
 * injection and the call inspector. Saving restarts the fault sequence from its seed.
 */
export function registerAppSandboxRoutes(
  app: App,
  ctx: AppContext,
  sandbox: AppSandboxService,
  inspector: CallInspector,
): void {
  const schema = {
    tags: ['developer'],
    params: Params,
    response: { 200: SandboxSettingsSchema, default: ErrorSchema },
  };
  app.get('/api/developer/apps/:id/sandbox', { schema }, async (request) =>
    present(await sandbox.getForOwner(requireSession(request).userId, request.params.id)),
  );
  app.put(
    '/api/developer/apps/:id/sandbox',
    { schema: { ...schema, body: SandboxSettingsUpdate } },
    async (request) =>
      present(await sandbox.updateForOwner(requireSession(request).userId, request.params.id, request.body)),
  );

  app.get(
    '/api/developer/apps/:id/requests/:requestId',
    {
      schema: {
        tags: ['developer'],
        summary: 'One logged API call, with its bodies when the call inspector kept them',
        params: Type.Object({ id: Type.String(), requestId: Type.String() }),
        response: { 200: InspectedCallSchema, default: ErrorSchema },
      },
    },
    async (request) => {
      const session = requireSession(request);
      const user = await ctx.accounts.getById(session.userId);
      const call = await inspector.call(
        { userId: session.userId, isAdmin: user?.isAdmin ?? false },
        request.params.id,
        request.params.requestId,
      );
      return presentCall(call);
    },
  );
}

const NullableString = Type.Union([Type.String(), Type.Null()]);
const InspectedCallSchema = Type.Object({
  id: Type.String(),
  created_at: Type.String({ format: 'date-time' }),
  method: Type.String(),
  path: Type.String(),
  operation_id: NullableString,
  status: Type.Integer(),
  latency_ms: Type.Integer(),
  user_id: NullableString,
  token_prefix: Type.String(),
  inspected: Type.Boolean({ description: "Whether the call inspector kept this call's bodies." }),
  request_body: Type.Union([Type.String({ description: 'Secrets redacted; 64 KB at most.' }), Type.Null()]),
  request_body_truncated: Type.Boolean(),
  response_body: Type.Union([Type.String({ description: 'Secrets redacted; 64 KB at most.' }), Type.Null()]),
  response_body_truncated: Type.Boolean(),
  response_content_type: NullableString,
});

function presentCall(call: InspectedCall) {
  return {
    id: call.id,
    created_at: call.createdAt,
    method: call.method,
    path: call.path,
    operation_id: call.operationId,
    status: call.status,
    latency_ms: call.latencyMs,
    user_id: call.userId,
    token_prefix: call.tokenPrefix,
    inspected: call.bodies !== null,
    request_body: call.bodies?.requestBody ?? null,
    request_body_truncated: call.bodies?.requestTruncated ?? false,
    response_body: call.bodies?.responseBody ?? null,
    response_body_truncated: call.bodies?.responseTruncated ?? false,
    response_content_type: call.bodies?.contentType ?? null,
  };
}
