import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import type { App } from '../../src/http/types.js';

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * A tiny browser for app.inject: keeps the cookies the server sets (dropping cleared ones),
 * sends them back, and fetches the CSRF token once for state-changing calls.
 */
export class Browser {
  readonly cookies = new Map<string, string>();
  private csrf: string | null = null;

  constructor(
    private readonly app: App,
    /** Client address the server sees (log-in limits count per address). */
    private readonly remoteAddress = '127.0.0.1',
  ) {}

  async request(
    method: Method,
    url: string,
    payload?: unknown,
    options: { csrf?: boolean; headers?: Record<string, string> } = {},
  ): Promise<LightMyRequestResponse> {
    const headers: Record<string, string> = { ...options.headers };
    if (method !== 'GET' && options.csrf !== false) headers['x-csrf-token'] = await this.csrfToken();
    const inject: InjectOptions = {
      method,
      url,
      headers,
      cookies: Object.fromEntries(this.cookies),
      remoteAddress: this.remoteAddress,
    };
    if (payload !== undefined) inject.payload = payload as InjectOptions['payload'];
    const res = await this.app.inject(inject);
    this.keep(res);
    return res;
  }

  get(url: string) {
    return this.request('GET', url);
  }

  post(url: string, payload?: unknown, options?: { csrf?: boolean }) {
    return this.request('POST', url, payload, options);
  }

  put(url: string, payload?: unknown) {
    return this.request('PUT', url, payload);
  }

  async csrfToken(): Promise<string> {
    if (!this.csrf) {
      const res = await this.get('/api/csrf');
      this.csrf = (res.json() as { csrf_token: string }).csrf_token;
    }
    return this.csrf;
  }

  session(): string | undefined {
    return this.cookies.get('cb_session');
  }

  private keep(res: LightMyRequestResponse): void {
    for (const cookie of res.cookies as { name: string; value: string; expires?: Date; maxAge?: number }[]) {
      const cleared =
        cookie.value === '' ||
        cookie.maxAge === 0 ||
        (cookie.expires !== undefined && cookie.expires.getTime() <= Date.now());
      if (cleared) this.cookies.delete(cookie.name);
      else this.cookies.set(cookie.name, cookie.value);
    }
  }
}

/** Signs up through the API and returns the browser holding the session. */
export async function signUp(
  app: App,
  input: { username: string; email?: string; password?: string; invite_code?: string },
): Promise<{ browser: Browser; res: LightMyRequestResponse }> {
  const browser = new Browser(app);
  const res = await browser.post('/api/auth/signup', {
    email: input.email ?? `${input.username}@example.test`,
    username: input.username,
    password: input.password ?? 'correct horse battery',
    ...(input.invite_code ? { invite_code: input.invite_code } : {}),
  });
  return { browser, res };
}

/** The link of the given path in a mail body, and its token. */
export function linkIn(text: string, path: string): { url: URL; token: string } {
  const match = new RegExp(`https?://\\S+${path}\\?token=[A-Za-z0-9_%-]+`).exec(text);
  if (!match) throw new Error(`no ${path} link in:\n${text}`);
  const url = new URL(match[0]);
  return { url, token: url.searchParams.get('token')! };
}
