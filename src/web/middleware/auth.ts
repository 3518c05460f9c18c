/**
 * Authentication and CSRF for every request.
 *
 * Exports:
 * - `sessionMiddleware`: resolves the caller and sets `c.get('user')` (User | null), `c.get('csrfToken')` (put it in
 *   every state-changing form as the hidden field `_csrf`, or send it as the `X-CSRF-Token` header) and
 *   `c.get('auth')` (how the caller authenticated). Under /api/, an `Authorization: Bearer <api token>` header wins
 *   over cookies; everywhere else it is ignored, so tokens never act on pages or HTML forms.
 * - `csrfProtection(options)`: rejects unsafe requests (POST, PUT, PATCH, DELETE) whose CSRF token is missing or wrong.
 *   Bearer requests under /api/ are exempt (browsers never attach that header on their own), and so are /api/
 *   writes that carry no session cookie (they act anonymously, so there is nothing to forge). It also refuses
 *   (403 `insufficient_scope`) a request its token's scopes do not allow: a read-only token cannot write.
 * - `requireUser` / `requireAdmin`: 401 JSON under /api/, a redirect to /login (or 403 page) elsewhere.
 * - `startSession(c, userId)` / `endSession(c)` (from ./session.js) for the log-in and log-out routes.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { createMiddleware } from 'hono/factory';
import { SESSION_LIFETIME_MS } from '../../accounts/accounts.service.js';
import { scopesAllow } from '../../accounts/api-scopes.js';
import type { AppEnv } from '../env.js';
import { errorPage } from '../views/error-page.js';
import { isFormRequest, refuseRequest } from './request-body.js';
import { cookieNames, cookieOptions } from '../../security/cookies.js';
import { constantTimeEqual, hmac, randomToken } from '../../security/tokens.js';

export { endSession, startSession } from './session.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
export const CSRF_FIELD = '_csrf';
export const CSRF_HEADER = 'X-CSRF-Token';

export function csrfTokenFor(secret: string, seed: string): string {
  return hmac(secret, 'csrf', seed);
}

const COOKIELESS_PATHS = /^\/(static\/|healthz$|readyz$|metrics$)/;
/** Machine-readable answers and embeddable images: they carry no form, so they need no CSRF cookie. */
const FORMLESS_PATHS = /^\/((api|feeds)(\/|$)|trends\.svg$)/;

/**
 * The token of an `Authorization: Bearer` header ('' when malformed), or undefined without one. Other schemes
 * (Basic auth added by a protecting proxy) are ambient credentials like cookies and change nothing here.
 */
function bearerToken(c: Context<AppEnv>): string | undefined {
  const header = c.req.header('authorization');
  if (header === undefined || !/^bearer\b/i.test(header)) return undefined;
  return /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1] ?? '';
}

function isApiPath(path: string): boolean {
  return path === '/api' || path.startsWith('/api/');
}

export const sessionMiddleware: MiddlewareHandler<AppEnv> = createMiddleware<AppEnv>(async (c, next) => {
  if (COOKIELESS_PATHS.test(c.req.path)) {
    // Cacheable assets and probes: no database lookup, and never a Set-Cookie a shared cache could keep.
    c.set('user', null);
    c.set('auth', { method: 'anonymous' });
    c.set('csrfToken', '');
    return next();
  }
  const { accounts, secret } = c.get('deps');
  const config = c.get('config');
  const names = cookieNames(config);
  // Tokens are for the API only: on pages and HTML forms the header is ignored, so a token can never act there
  // (and the request goes through the cookie and CSRF checks like any browser's).
  const bearer = isApiPath(c.req.path) ? bearerToken(c) : undefined;

  if (bearer !== undefined) {
    // Requests with a Bearer token never use cookies, so they cannot be forged cross-site.
    const grant = bearer ? await accounts.resolveApiToken(bearer) : null;
    c.set('user', grant?.user ?? null);
    c.set('auth', grant ? { method: 'token', scopes: grant.scopes } : { method: 'anonymous' });
    c.set('csrfToken', '');
    return next();
  }

  const sessionToken = getCookie(c, names.session);
  const session = sessionToken ? await accounts.resolveSession(sessionToken) : null;
  if (session) {
    if (session.renewed && sessionToken) {
      setCookie(c, names.session, sessionToken, cookieOptions(config, Math.floor(SESSION_LIFETIME_MS / 1000)));
    }
    c.set('user', session.user);
    c.set('auth', { method: 'session', sessionId: session.id });
    c.set('csrfToken', csrfTokenFor(secret, `session:${session.csrfSecret}`));
    return next();
  }
  if (sessionToken !== undefined) deleteCookie(c, names.session, cookieOptions(config));

  // Visitors without a session still post forms (sign-up, log-in): their token is tied to a random cookie.
  // Machine-readable endpoints render no forms, so they do not hand out that cookie.
  let nonce = getCookie(c, names.csrf);
  if ((!nonce || nonce.length < 32) && !FORMLESS_PATHS.test(c.req.path)) {
    nonce = randomToken();
    setCookie(c, names.csrf, nonce, cookieOptions(config));
  }
  c.set('user', null);
  c.set('auth', { method: 'anonymous' });
  c.set('csrfToken', nonce && nonce.length >= 32 ? csrfTokenFor(secret, `visitor:${nonce}`) : '');
  return next();
});

/** The submitted token: the header, or the `_csrf` field of a form; null when the form cannot be parsed. */
async function submittedCsrfToken(c: Context<AppEnv>): Promise<string | undefined | null> {
  const header = c.req.header(CSRF_HEADER);
  if (header) return header;
  if (!isFormRequest(c)) return undefined;
  try {
    // Hono caches the parsed body, so the route can read it again.
    const field = (await c.req.parseBody())[CSRF_FIELD];
    return typeof field === 'string' ? field : undefined;
  } catch {
    return null;
  }
}

function originAllowed(c: Context<AppEnv>): boolean {
  const origin = c.req.header('origin');
  if (origin === undefined) return true;
  return origin === new URL(c.get('config').publicUrl).origin || origin === new URL(c.req.url).origin;
}

function csrfFailure(c: Context<AppEnv>) {
  const message = 'This form has expired or did not come from this site. Reload the page and try again.';
  if (isApiPath(c.req.path)) return c.json({ error: { code: 'csrf_failed', message } }, 403);
  return c.html(errorPage(403, 'Request refused', message), 403);
}

function insufficientScope(c: Context<AppEnv>) {
  const message = 'This API token is read-only. Create a token with the "write" scope on the settings page to do this.';
  return c.json({ error: { code: 'insufficient_scope', message } }, 403);
}

export interface CsrfOptions {
  /**
   * Paths whose unsafe requests authenticate by other means and come from outside the site, e.g. RFC 8058
   * one-click unsubscribe POSTs sent by mail clients with a signed token in the URL.
   */
  readonly exemptPaths?: readonly string[];
}

export function csrfProtection(options: CsrfOptions = {}): MiddlewareHandler<AppEnv> {
  const exempt = new Set(options.exemptPaths ?? []);
  return createMiddleware<AppEnv>(async (c, next) => {
    const auth = c.get('auth');
    if (auth.method === 'token' && !scopesAllow(auth.scopes, c.req.method)) return insufficientScope(c);
    if (SAFE_METHODS.has(c.req.method) || exempt.has(c.req.path)) return next();
    if (isApiPath(c.req.path) && bearerToken(c) !== undefined) return next();
    if (isApiPath(c.req.path) && c.get('auth').method !== 'session' && getCookie(c, cookieNames(c.get('config')).session) === undefined) {
      return next();
    }
    if (!originAllowed(c)) return csrfFailure(c);
    const submitted = await submittedCsrfToken(c);
    if (submitted === null) return refuseRequest(c, 400, 'The form could not be read.');
    if (!submitted || !constantTimeEqual(submitted, c.get('csrfToken'))) return csrfFailure(c);
    return next();
  });
}

function wantsJson(c: Context<AppEnv>): boolean {
  return isApiPath(c.req.path) || (c.req.header('accept')?.includes('application/json') ?? false);
}

export const requireUser: MiddlewareHandler<AppEnv> = createMiddleware<AppEnv>(async (c, next) => {
  if (c.get('user')) return next();
  if (wantsJson(c)) return c.json({ error: { code: 'unauthorized', message: 'Sign in or send an API token to do this.' } }, 401);
  const back = c.req.method === 'GET' ? c.req.path + new URL(c.req.url).search : '/';
  return c.redirect(`/login?next=${encodeURIComponent(back)}`, 303);
});

export const requireAdmin: MiddlewareHandler<AppEnv> = createMiddleware<AppEnv>(async (c, next) => {
  const user = c.get('user');
  if (!user) return requireUser(c, next);
  if (user.isAdmin) return next();
  const message = 'Only administrators can do this.';
  if (wantsJson(c)) return c.json({ error: { code: 'forbidden', message } }, 403);
  return c.html(errorPage(403, 'Forbidden', message), 403);
});
