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
  /** The signed-in reader's unread notifications (capped), for the header; absent for visitors. */
  readonly unreadNotifications?: number | null;
}

export function pageContext(c: Context<AppEnv>): PageContext {
  const url = new URL(c.req.url);
  return {
    viewer: viewerOf(c),
    csrfToken: csrfTokenOf(c),
    path: url.pathname + url.search,
    unreadNotifications: c.get('unreadNotifications'),
  };
}

const NEXT_BASE = 'http://next.invalid';
const NEXT_MAX_LENGTH = 2000;
/**
 * Characters a `next` path never needs and browsers treat specially: every C0/C1 control and DEL (browsers strip
 * tab, CR and LF from URLs, so `/\t/evil` becomes `//evil`), every Unicode space and format character (bidi
 * controls, zero-width characters) and the backslash (a slash to browsers).
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE_IN_NEXT = /[\u0000-\u0020\u007f-\u00a0\u00ad\u1680\u180e\u2000-\u200f\u2028-\u202f\u205f-\u206f\u3000\ufeff\\]/;

function looksSafe(path: string): boolean {
  return path.startsWith('/') && !path.startsWith('//') && !UNSAFE_IN_NEXT.test(path);
}

/**
 * A same-site path to return to after a form, never an absolute or protocol-relative URL (no open redirects) and
 * never a value that cannot go into a `Location` header: anything doubtful falls back. The percent-decoded path
 * is checked too, so encoded slashes, backslashes and controls (`/%2F/evil`, `/%5Cevil`, `/%09/evil`) are refused
 * wherever a browser or proxy would decode them (the query may carry encoded spaces and the like). The result is the URL API's normalisation of the path, resolved
 * against a dummy origin that it must keep.
 */
export function safeNext(raw: string | undefined, fallback = '/'): string {
  if (!raw || raw.length > NEXT_MAX_LENGTH || !looksSafe(raw)) return fallback;
  let decoded: string;
  try {
    decoded = decodeURIComponent(raw.split(/[?#]/, 1)[0] ?? '');
  } catch {
    return fallback;
  }
  if (!looksSafe(decoded)) return fallback;
  let url: URL;
  try {
    url = new URL(raw, NEXT_BASE);
  } catch {
    return fallback;
  }
  const path = url.pathname + url.search + url.hash;
  // Dot segments can collapse into a leading `//` (`/.//evil` has the path `//evil`).
  if (url.origin !== NEXT_BASE || !looksSafe(path)) return fallback;
  return path;
}
