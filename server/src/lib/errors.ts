/**
 * Errors that reach a client as Pinterest's `{ code, message }`. Codes follow DESIGN.md:
 * 1 bad parameters, 2 authentication failed, 3 missing scope, 8 rate limited, 29 not permitted,
 * and the HTTP status as the code for not-found and conflicts unless the spec gives another.
 */
export class ApiError extends Error {
  constructor(
    public readonly statusCode: number,
    public readonly code: number,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export const badRequest = (message: string) => new ApiError(400, 1, message);
export const invalidField = (field: string, problem: string) =>
  new ApiError(400, 1, `Invalid request: '${field}' ${problem}.`);
export const unauthorized = (message = 'Authentication failed.') => new ApiError(401, 2, message);
export const missingScope = (scopes: string[]) =>
  new ApiError(403, 3, `Missing required scope${scopes.length > 1 ? 's' : ''}: ${scopes.join(', ')}.`);
export const notPermitted = (message = 'You are not permitted to access that resource.') =>
  new ApiError(403, 29, message);
export const notFound = (message: string, code = 404) => new ApiError(404, code, message);
export const conflict = (message: string, code = 409) => new ApiError(409, code, message);
