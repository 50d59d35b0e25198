import type { FastifyError, FastifyInstance } from 'fastify';
import { ApiError } from '../lib/errors.js';

interface ValidationIssue {
  instancePath: string;
  message?: string;
  keyword: string;
  params: Record<string, unknown>;
}

/** '/media_source/items/0/url' → 'media_source.items[0].url' */
function fieldName(path: string): string {
  return path
    .split('/')
    .filter(Boolean)
    .map((part, i) => (/^\d+$/.test(part) ? `[${part}]` : i === 0 ? part : `.${part}`))
    .join('');
}

/** Turns Fastify's schema-validation error into a sentence that names the field. */
export function describeValidation(issues: ValidationIssue[], context: string | undefined): string {
  const issue = issues[0];
  if (!issue) return 'Invalid request.';
  let field = fieldName(issue.instancePath);
  let problem = issue.message ?? 'is invalid';
  if (issue.keyword === 'required' && typeof issue.params.missingProperty === 'string') {
    field = field ? `${field}.${issue.params.missingProperty}` : issue.params.missingProperty;
    problem = 'is required';
  } else if (issue.keyword === 'enum' && Array.isArray(issue.params.allowedValues)) {
    problem = `must be one of ${issue.params.allowedValues.join(', ')}`;
  } else if (issue.keyword === 'pattern' && issue.params.pattern === '^\\d+$') {
    problem = 'must be a string of digits';
  }
  const where =
    context === 'querystring' ? 'query parameter' : context === 'params' ? 'path parameter' : 'field';
  return field ? `Invalid ${where} '${field}': ${problem}.` : `Invalid request body: ${problem}.`;
}

/** Every error a client sees is Pinterest's `{ code, message }`; no stack trace ever leaves. */
export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | ApiError, request, reply) => {
    if (error instanceof ApiError) {
      return reply.status(error.statusCode).send({ code: error.code, message: error.message });
    }
    const fastifyError = error as FastifyError;
    if (fastifyError.validation) {
      return reply.status(400).send({
        code: 1,
        message: describeValidation(
          fastifyError.validation as ValidationIssue[],
          fastifyError.validationContext,
        ),
      });
    }
    if (fastifyError.code?.startsWith('FST_CSRF')) {
      return reply.status(403).send({
        code: 29,
        message:
          'Missing or invalid CSRF token: send the token from GET /api/csrf in the x-csrf-token header.',
      });
    }
    switch (fastifyError.code) {
      case 'FST_ERR_CTP_BODY_TOO_LARGE':
        return reply.status(413).send({
          code: 413,
          message: `Request body is larger than the ${Math.floor(app.initialConfig.bodyLimit! / 1048576)} MB this server accepts.`,
        });
      case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
        return reply
          .status(415)
          .send({ code: 415, message: 'Unsupported Content-Type: send application/json.' });
      case 'FST_ERR_CTP_EMPTY_JSON_BODY':
        return reply
          .status(400)
          .send({ code: 1, message: 'Invalid request body: a JSON object is required.' });
      case 'FST_ERR_CTP_INVALID_JSON_BODY':
        return reply.status(400).send({ code: 1, message: 'Invalid request body: it is not valid JSON.' });
    }
    if (fastifyError.statusCode && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
      return reply.status(fastifyError.statusCode).send({
        code: fastifyError.statusCode === 400 ? 1 : fastifyError.statusCode,
        message: fastifyError.message,
      });
    }
    if (fastifyError.statusCode === 503) {
      return reply.status(503).send({ code: 503, message: fastifyError.message });
    }
    request.log.error({ err: error }, 'unhandled error');
    return reply
      .status(500)
      .send({ code: 500, message: 'Internal error. It has been logged; please report it.' });
  });

  app.setNotFoundHandler((request, reply) => {
    reply
      .status(404)
      .send({ code: 404, message: `No route for ${request.method} ${request.url.split('?')[0]}.` });
  });
}
