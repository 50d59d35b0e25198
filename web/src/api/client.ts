/**
 * The one way the web app talks to the server: JSON over fetch, the session cookie sent by the
 * browser, the CSRF token from GET /api/csrf on every state-changing call, and every failure
 * turned into an ApiError whose message is the server's own words.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** The request field the server named in its message (e.g. "Invalid field 'username': …"). */
  get field(): string | null {
    return fieldOfMessage(this.message);
  }
}

/** The server names a bad field in quotes: `Invalid field 'title': …`, `Invalid request: 'link' …`. */
export function fieldOfMessage(message: string): string | null {
  const match = /^Invalid (?:field|request|query parameter|path parameter)?:? ?'([A-Za-z0-9_.[\]]+)'/.exec(
    message,
  );
  return match?.[1] ?? null;
}

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

let csrfToken: Promise<string> | null = null;

function fetchCsrfToken(): Promise<string> {
  csrfToken ??= request<{ csrf_token: string }>('GET', '/api/csrf')
    .then((body) => body.csrf_token)
    .catch((error: unknown) => {
      csrfToken = null;
      throw error;
    });
  return csrfToken;
}

/** After log-in or log-out the CSRF secret may change: the next call asks for a new token. */
export function forgetCsrfToken(): void {
  csrfToken = null;
}

async function errorOf(response: Response): Promise<ApiError> {
  let code = response.status;
  let message = `The server answered ${response.status} ${response.statusText || ''}`.trim() + '.';
  try {
    const body = (await response.json()) as { code?: unknown; message?: unknown };
    if (typeof body.code === 'number') code = body.code;
    if (typeof body.message === 'string' && body.message) message = body.message;
  } catch {
    // Not JSON (a proxy's error page): the status line says what happened.
  }
  return new ApiError(response.status, code, message);
}

const NETWORK_ERROR = 'Could not reach the server. Check your connection and try again.';

interface RequestOptions {
  /** Lets the request finish after the page is closed (the analytics beacon on page hide). */
  keepalive?: boolean;
}

async function request<T>(
  method: Method,
  path: string,
  body?: unknown,
  csrf?: string,
  options: RequestOptions = {},
): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (csrf) headers['x-csrf-token'] = csrf;
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
      keepalive: options.keepalive,
    });
  } catch {
    throw new ApiError(0, 0, NETWORK_ERROR);
  }
  if (!response.ok) throw await errorOf(response);
  if (response.status === 204 || response.headers.get('content-length') === '0') return undefined as T;
  const text = await response.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

const isCsrfFailure = (error: unknown) =>
  error instanceof ApiError && error.status === 403 && error.message.includes('CSRF');

/** GET /api/… (no CSRF needed). */
export function apiGet<T>(path: string): Promise<T> {
  return request<T>('GET', path);
}

/** A state-changing call: sends the CSRF token, and fetches a fresh one once if it was stale. */
export async function apiSend<T>(
  method: Exclude<Method, 'GET'>,
  path: string,
  body?: unknown,
  options: RequestOptions = {},
): Promise<T> {
  try {
    return await request<T>(method, path, body, await fetchCsrfToken(), options);
  } catch (error) {
    if (!isCsrfFailure(error)) throw error;
    forgetCsrfToken();
    return request<T>(method, path, body, await fetchCsrfToken(), options);
  }
}

/**
 * A JSON POST that reports upload progress (fetch cannot): used for pin images, which may be
 * several megabytes. `onProgress` gets a fraction from 0 to 1.
 */
export async function apiUpload<T>(
  path: string,
  body: unknown,
  onProgress: (fraction: number) => void,
): Promise<T> {
  const csrf = await fetchCsrfToken();
  return new Promise<T>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', path);
    xhr.setRequestHeader('content-type', 'application/json');
    xhr.setRequestHeader('accept', 'application/json');
    xhr.setRequestHeader('x-csrf-token', csrf);
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress(event.loaded / event.total);
    };
    xhr.onerror = () => reject(new ApiError(0, 0, NETWORK_ERROR));
    xhr.onload = () => {
      let parsed: { code?: unknown; message?: unknown } | undefined;
      try {
        parsed = xhr.responseText ? (JSON.parse(xhr.responseText) as typeof parsed) : undefined;
      } catch {
        parsed = undefined;
      }
      if (xhr.status >= 200 && xhr.status < 300) {
        onProgress(1);
        resolve(parsed as T);
        return;
      }
      const code = typeof parsed?.code === 'number' ? parsed.code : xhr.status;
      const message =
        typeof parsed?.message === 'string' ? parsed.message : `The server answered ${xhr.status}.`;
      reject(new ApiError(xhr.status, code, message));
    };
    xhr.send(JSON.stringify(body));
  });
}

/** Words for any failure, for places that show one message. */
export function messageOf(error: unknown): string {
  if (error instanceof Error && error.message) return error.message;
  return 'Something went wrong. Try again.';
}
