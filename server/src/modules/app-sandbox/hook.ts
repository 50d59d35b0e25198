import type { FastifyInstance } from 'fastify';
import { ApiError } from '../../lib/errors.js';
import { FAULT_HEADER, type Fault } from './faults.js';
import type { AppSandboxService } from './service.js';

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
