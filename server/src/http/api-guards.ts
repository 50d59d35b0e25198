import type {
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  RouteOptions,
  onRequestHookHandler,
  onResponseHookHandler,
  onSendHookHandler,
} from 'fastify';
import { injectFault, inspectorCapture, recordInspected } from '../modules/app-sandbox/hook.js';
import type { CallInspector } from '../modules/app-sandbox/inspector-service.js';
import type { AppSandboxService } from '../modules/app-sandbox/service.js';
import type { RequestLogService } from '../modules/request-log/service.js';
import type { AuthContext, TokensService } from '../modules/tokens/service.js';
import { type GuardedOperation, guardedOperationOf, refusalOf } from './operations.js';
import type { RateLimiter } from './rate-limit.js';

/** What guards every /v5 operation call. */
export interface ApiGuards {
  tokens: TokensService;
  limiter: RateLimiter;
  requestLog: RequestLogService;
  /** Fault injection and the call inspector, in sandbox mode; null when they are off. */
  sandbox: { service: AppSandboxService; inspector: CallInspector } | null;
  /**
   * BENCHMARK ONLY (`npm run bench:auth`): while `state.guardsOff` is true, calls skip every guard
   * and act as `caller`, as registerBenchCaller's do; switched at run time, so the guards' cost
   * is measured within one process.
   */
  benchSwitch?: { caller: AuthContext; state: { guardsOff: boolean } };
}

type Done = (error?: Error) => void;

/**
 * The API guards, attached to each /v5 operation route as it is registered (never to the web
 * app, the OAuth pages or media), one hook per phase:
 *
 *   onRequest   bearer token (401), scopes and client tokens (403), the rate limit (429), then
 *               sandbox fault injection: before the body is parsed or validated, as Pinterest
 *               orders them (401, 403, 429, then 400)
 *   onSend      the call inspector keeps the bodies (sandbox, apps that turned it on)
 *   onResponse  the request log records the call, then the inspector its bodies
 *
 * Each hook knows its route's operation from the start, so a call reads no route options, and
 * with the token in memory and the counters in memory it is decided with no promise at all.
 * Register before the routes: `onRoute` sees only routes added after it.
 */
export function registerApiGuards(app: FastifyInstance, guards: ApiGuards): void {
  decorateApiRequest(app);
  const recordCall = callRecorder(guards);
  const captureBodies = guards.sandbox ? inspectorCapture(guards.sandbox.service) : null;
  const bench = guards.benchSwitch;
  app.addHook('onRoute', (route) => {
    const operation = guardedOperationOf(route.config);
    if (!operation) return;
    const guard = callGuard(guards, operation);
    if (!bench) {
      appendHook(route, 'onRequest', guard);
      if (captureBodies) appendHook(route, 'onSend', captureBodies);
      appendHook(route, 'onResponse', recordCall);
      return;
    }
    const { state } = bench;
    const actAsCaller = benchCallerHook(bench.caller, operation);
    const onRequest: onRequestHookHandler = function (request, reply, done) {
      (state.guardsOff ? actAsCaller : guard).call(this, request, reply, done);
    };
    const onResponse: onResponseHookHandler = function (request, reply, done) {
      if (state.guardsOff) return done();
      recordCall.call(this, request, reply, done);
    };
    appendHook(route, 'onRequest', onRequest);
    if (captureBodies) {
      const onSend: onSendHookHandler = function (request, reply, payload, done) {
        if (state.guardsOff) return done(null, payload);
        captureBodies.call(this, request, reply, payload, done);
      };
      appendHook(route, 'onSend', onSend);
    }
    appendHook(route, 'onResponse', onResponse);
  });
}

/**
 * For `npm run bench:auth` only: every /v5 operation acts as `caller`, with no token check, rate
 * limit or request log, so the guards' cost can be measured against the same routes without them.
 */
export function registerBenchCaller(app: FastifyInstance, caller: AuthContext): void {
  decorateApiRequest(app);
  app.addHook('onRoute', (route) => {
    const operation = guardedOperationOf(route.config);
    if (operation) appendHook(route, 'onRequest', benchCallerHook(caller, operation));
  });
}

function benchCallerHook(caller: AuthContext, operation: GuardedOperation): onRequestHookHandler {
  return (request, _reply, done) => {
    request.apiOperationId = operation.operationId;
    request.auth = caller;
    done();
  };
}

function decorateApiRequest(app: FastifyInstance): void {
  app.decorateRequest('auth', null);
  app.decorateRequest('deniedAuth', null);
  app.decorateRequest('apiOperationId', null);
}

/** Adds a hook after the route's own (a new array: the HEAD route copied from a GET keeps its own). */
function appendHook(
  route: RouteOptions,
  phase: 'onRequest' | 'onSend' | 'onResponse',
  hook: onRequestHookHandler | onSendHookHandler | onResponseHookHandler,
): void {
  const existing = route[phase] as unknown;
  (route as unknown as Record<string, unknown[]>)[phase] =
    existing === undefined ? [hook] : [...[existing].flat(), hook];
}

function callGuard(guards: ApiGuards, operation: GuardedOperation): onRequestHookHandler {
  const { tokens, limiter, sandbox } = guards;
  const { operationId } = operation;

  const afterRateLimit = (request: FastifyRequest, reply: FastifyReply, auth: AuthContext, done: Done) => {
    if (!sandbox) return done();
    injectFault(sandbox.service, request, reply, auth, done);
  };

  const afterAuthentication = (
    request: FastifyRequest,
    reply: FastifyReply,
    auth: AuthContext,
    done: Done,
  ) => {
    const refusal = refusalOf(request, auth, operation);
    if (refusal) {
      request.deniedAuth = auth;
      return done(refusal);
    }
    request.auth = auth;
    const limited = limiter.check(request, reply, auth, operationId);
    if (limited instanceof Promise) {
      limited.then((error) => (error ? done(error) : afterRateLimit(request, reply, auth, done)), done);
    } else if (limited) {
      done(limited);
    } else {
      afterRateLimit(request, reply, auth, done);
    }
  };

  return (request, reply, done) => {
    request.apiOperationId = operationId;
    const authorization = request.headers.authorization;
    const cached = tokens.cachedCaller(authorization);
    if (cached) return afterAuthentication(request, reply, cached, done);
    tokens.authenticate(authorization).then(
      (auth) => afterAuthentication(request, reply, auth, done),
      (error: Error) => done(error),
    );
  };
}

/**
 * Records each call made with a valid token once its response has gone out: those admitted
 * (request.auth) and those refused with 403 after authenticating (request.deniedAuth). `record`
 * only fills a slot in memory; the request log is written in batches off the request path.
 */
function callRecorder(guards: ApiGuards): onResponseHookHandler {
  const { requestLog, sandbox } = guards;
  return (request, reply, done) => {
    const auth = request.auth ?? request.deniedAuth;
    if (!auth) return done();
    requestLog.record({
      appId: auth.appId,
      userId: auth.userId,
      authorization: request.headers.authorization,
      method: request.method,
      url: request.url,
      operationId: request.apiOperationId,
      status: reply.statusCode,
      latencyMs: reply.elapsedTime,
    });
    if (sandbox && request.inspected) {
      request.requestLogId = requestLog.lastRecordedId() ?? undefined;
      recordInspected(sandbox.inspector, request);
    }
    done();
  };
}
