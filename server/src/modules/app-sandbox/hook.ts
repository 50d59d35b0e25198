import type { FastifyInstance } from 'fastify';
import { ApiError } from '../../lib/errors.js';
import { FAULT_HEADER, type Fault } from './faults.js';
import type { CallInspector } from './inspector-service.js';
import { keepBody, type KeptBody } from './inspection.js';
import type { AppSandboxService } from './service.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Bodies the call inspector keeps for this call (apps that turned it on). */
    inspected?: { request: KeptBody; response: KeptBody; contentType: string | null };
  }
}

/** Marks a response whose status or delay was injected on purpose (not a Corkboard bug). */
export const INJECTED_HEADER = 'x-corkboard-fault-injected';

const MESSAGES: Record<429 | 500 | 503, string> = {
  429: 'Too many requests: a fault injected by Corkboard for this app (sandbox fault injection). Retry after 1 second.',
  500: 'Internal server error: a fault injected by Corkboard for this app (sandbox fault injection).',
  503: 'Service unavailable: a fault injected by Corkboard for this app (sandbox fault injection).',
};

/**
 * Fault injection for /v5 calls of apps that asked for it (sandbox mode only). Runs after
 * authentication and the rate limit, so the call is counted and logged like any other; the
 * request log shows the injected status.
 */
export function registerFaultInjection(app: FastifyInstance, sandbox: AppSandboxService): void {
  // A callback hook: most calls are decided from memory with no promise at all.
  app.addHook('onRequest', (request, reply, done) => {
    const auth = request.auth;
    if (!auth || !sandbox.mayInject(auth.appId)) return done();
    const header = request.headers[FAULT_HEADER];
    sandbox.faultForCall(auth.appId, typeof header === 'string' ? header : undefined).then(
      (fault) => apply(fault, reply, done),
      (error: Error) => done(error),
    );
  });
}

function apply(
  fault: Fault | null,
  reply: { header(name: string, value: string): unknown },
  done: (error?: Error) => void,
): void {
  if (!fault) return done();
  if (fault.kind === 'delay') {
    reply.header(INJECTED_HEADER, `delay=${fault.ms}`);
    setTimeout(() => done(), fault.ms);
    return;
  }
  reply.header(INJECTED_HEADER, String(fault.status));
  if (fault.status === 429) reply.header('retry-after', '1');
  done(new ApiError(fault.status, fault.status === 429 ? 8 : fault.status, MESSAGES[fault.status]));
}

/**
 * The call inspector: for apps whose owner turned it on, the request and response bodies of
 * each /v5 call go into the request log (capped, secrets redacted). Registered after the request
 * log's hook, so the call's log id is known when the bodies are recorded.
 */
export function registerCallInspector(
  app: FastifyInstance,
  sandbox: AppSandboxService,
  inspector: CallInspector,
): void {
  app.addHook('onSend', (request, reply, payload, done) => {
    const auth = request.auth;
    if (!auth || sandbox.inspectorKnownOff(auth.appId)) return done(null, payload);
    sandbox.inspectorEnabled(auth.appId).then(
      (on) => {
        if (on) {
          const type = reply.getHeader('content-type');
          request.inspected = {
            request: keepBody(request.body),
            response: keepBody(typeof payload === 'string' || Buffer.isBuffer(payload) ? payload : null),
            contentType: typeof type === 'string' ? type.slice(0, 200) : null,
          };
        }
        done(null, payload);
      },
      () => done(null, payload),
    );
  });
  app.addHook('onResponse', (request, _reply, done) => {
    const inspected = request.inspected;
    const auth = request.auth;
    if (inspected && auth && request.requestLogId) {
      inspector.record({
        requestId: request.requestLogId,
        appId: auth.appId,
        requestBody: inspected.request.text,
        requestTruncated: inspected.request.truncated,
        responseBody: inspected.response.text,
        responseTruncated: inspected.response.truncated,
        contentType: inspected.contentType,
      });
    }
    done();
  });
}
