export interface CacheInput {
  readonly path: string;
  readonly method: string;
  readonly status: number;
  /** A signed-in user (session or API token) made the request. */
  readonly signedIn: boolean;
  readonly setsCookie: boolean;
  /** What the route chose itself, if anything. */
  readonly cacheControl: string | null;
}

export interface CachePolicy {
  /** The Cache-Control to send; null leaves the field as the route set it (or absent). */
  readonly cacheControl: string | null;
  /** Request fields, other than Accept-Encoding, the answer at this path depends on. */
  readonly vary: readonly string[];
  /** The response gets an ETag and is answered 304/412 by its preconditions. */
  readonly validators: boolean;
  /** The representation is the same for every client, so the modification clock can date it. */
  readonly shared: boolean;
}

const PROBES = /^\/(healthz|readyz|metrics)$/;
const PUBLIC_FAMILIES = /^\/(feeds|static)\//;

function isApi(path: string): boolean {
  return path === '/api' || path.startsWith('/api/');
}

/**
 * Who may keep a response, and on what it depends.
 * - Anything for a signed-in user, or carrying Set-Cookie: `private, no-store`, no validators; a shared cache must
 *   never keep a personal page, and a browser need not either (it may be shown after log-out).
 * - Anonymous API answers are the same for every caller: `public, no-cache` with validators, so caches may keep
 *   them but revalidate each use (a 304 is cheap; votes show at once).
 * - Feeds and static files keep the max-age their routes choose, with validators.
 * - Anonymous pages carry the visitor's CSRF token (tied to a cookie): `private, no-cache` with validators.
 * - Health and metrics probes: `no-store`.
 * Pages depend on the session cookie, the API on the cookie and the Authorization header; feeds and static files
 * on neither.
 */
export function cachePolicyFor(input: CacheInput): CachePolicy {
  const vary = isApi(input.path)
    ? ['Authorization', 'Cookie']
    : PUBLIC_FAMILIES.test(input.path) || PROBES.test(input.path)
      ? []
      : ['Cookie'];
  if (input.signedIn || input.setsCookie) return { cacheControl: 'private, no-store', vary, validators: false, shared: false };
  const cacheable = (input.method === 'GET' || input.method === 'HEAD') && input.status === 200;
  if (!cacheable) return { cacheControl: null, vary, validators: false, shared: false };
  if (PROBES.test(input.path)) return { cacheControl: input.cacheControl ?? 'no-store', vary, validators: false, shared: false };
  if (input.cacheControl !== null) {
    const stored = !/\bno-store\b/i.test(input.cacheControl);
    return { cacheControl: null, vary, validators: stored, shared: stored && /\bpublic\b/i.test(input.cacheControl) };
  }
  if (isApi(input.path)) return { cacheControl: 'public, no-cache', vary, validators: true, shared: true };
  return { cacheControl: 'private, no-cache', vary, validators: true, shared: false };
}

/** Adds `names` to a Vary field value without repeating any. */
export function mergeVary(existing: string | null, names: readonly string[]): string | null {
  const present = (existing ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  if (present.includes('*')) return '*';
  const lower = new Set(present.map((name) => name.toLowerCase()));
  for (const name of names) if (!lower.has(name.toLowerCase())) present.push(name);
  return present.length > 0 ? present.join(', ') : null;
}
