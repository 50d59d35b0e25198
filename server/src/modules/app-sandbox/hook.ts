import type { FastifyReply, FastifyRequest, onSendHookHandler } from 'fastify';
import { ApiError } from '../../lib/errors.js';
import type { AuthContext } from '../tokens/service.js';
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
 * Fault injection for a /v5 call of an app that asked for it (sandbox mode only): the last of
 * the API guards, after authentication and the rate limit, so the call is counted and logged
 * like any other and the request log shows the injected status. `done` gets the injected
 * error, or nothing; most calls are decided from memory with no promise at all.
 */
export function injectFault(
  sandbox: AppSandboxService,
  request: FastifyRequest,
  reply: FastifyReply,
  auth: AuthContext,
  done: (error?: Error) => void,
): void {
  if (!sandbox.mayInject(auth.appId)) return done();
  const header = request.headers[FAULT_HEADER];
  sandbox.faultForCall(auth.appId, typeof header === 'string' ? header : undefined).then(
    (fault) => apply(fault, reply, done),
    (error: Error) => done(error),
  );
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
 * The call inspector, part one (an onSend hook of /v5 operation routes): for apps whose owner
 * turned it on, keeps the request and response bodies of the call (capped, secrets redacted).
 */
export function inspectorCapture(sandbox: AppSandboxService): onSendHookHandler {
  return (request, reply, payload, done) => {
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
  };
}

/**
 * The call inspector, part two (once the response is out): records the kept bodies with the
 * call's request-log entry, so it runs after the request log has recorded the call.
 */
export function recordInspected(inspector: CallInspector, request: FastifyRequest): void {
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
}
