import type { Hono } from 'hono';
import type { AppEnv } from '../../src/web/env.js';

let nextAddress = 1;

/**
 * A minimal browser for in-process requests: keeps cookies like a browser would (per name, deleted on
 * Max-Age=0), reads the CSRF token out of forms, and comes from its own client address (X-Forwarded-For,
 * which the test app trusts) so rate limits of different tests do not collide.
 */
export class WebClient {
  readonly cookies = new Map<string, string>();
  readonly address = `198.51.100.${nextAddress++ % 250}`;

  constructor(private readonly app: Hono<AppEnv>) {}

  async request(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size > 0 && !headers.has('cookie')) {
      headers.set('cookie', [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '));
    }
    if (!headers.has('x-forwarded-for')) headers.set('x-forwarded-for', this.address);
    const response = await this.app.request(path, { ...init, headers });
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair?.indexOf('=') ?? -1;
      if (!pair || eq < 0) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (/max-age=0/i.test(line) || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return response;
  }

  get(path: string, headers: Record<string, string> = {}): Promise<Response> {
    return this.request(path, { headers });
  }

  /** Posts a form as a browser would, with the given fields (add `_csrf` yourself, or use submit()). */
  post(path: string, fields: Record<string, string>, headers: Record<string, string> = {}): Promise<Response> {
    return this.request(path, {
      method: 'POST',
      body: new URLSearchParams(fields).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    });
  }

  /** Loads `pagePath`, takes the CSRF token from its form, and posts the fields to `action`. */
  async submit(pagePath: string, action: string, fields: Record<string, string>): Promise<Response> {
    const page = await this.get(pagePath);
    const token = csrfTokenIn(await page.text());
    return this.post(action, { _csrf: token, ...fields });
  }

  async signUp(username: string, password = 'correct horse battery', email = `${username.toLowerCase()}@example.org`): Promise<Response> {
    const response = await this.submit('/signup', '/signup', { username, email, password });
    if (response.status !== 303) throw new Error(`sign-up of ${username} failed with ${response.status}: ${await response.text()}`);
    return response;
  }

  async logIn(login: string, password = 'correct horse battery'): Promise<Response> {
    return this.submit('/login', '/login', { login, password });
  }
}

export function csrfTokenIn(html: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!match?.[1]) throw new Error(`no CSRF field in the page: ${html.slice(0, 600)}`);
  return match[1];
}

export const TEST_ENV = { PAPERBOY_TRUST_PROXY: 'true' } as const;
