import type { Context } from 'hono';
import type { User } from '../accounts/user.js';
import type { Actor } from '../community/comments.service.js';
import type { AppEnv } from './env.js';

/**
 * The signed-in user and CSRF token as the session middleware left them on the context.
 */
export function viewerOf(c: Context<AppEnv>): User | null {
  return c.get('user') ?? null;
}

export function csrfTokenOf(c: Context<AppEnv>): string {
  return c.get('csrfToken') ?? '';
}

export function actorOf(user: User): Actor {
  return { id: user.id, isAdmin: user.isAdmin, banned: user.banned };
}

/** Per-request page context every layout needs. */
export interface PageContext {
  readonly viewer: User | null;
  readonly csrfToken: string;
  /** The current path with query, so forms can come back here. */
  readonly path: string;
}

export function pageContext(c: Context<AppEnv>): PageContext {
  const url = new URL(c.req.url);
  return { viewer: viewerOf(c), csrfToken: csrfTokenOf(c), path: url.pathname + url.search };
}

/** A same-site path to return to after a form, never an absolute URL (no open redirects). */
export function safeNext(raw: string | undefined, fallback = '/'): string {
  if (!raw || !raw.startsWith('/') || raw.startsWith('//') || raw.includes('\\')) return fallback;
  return raw;
}
