import type { Context, MiddlewareHandler } from 'hono';
import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../env.js';
import { cachePolicyFor, mergeVary } from './cache-policy.js';
import { CompressedBodies, compressBody } from './compressor.js';
import { isCompressibleType, negotiateCoding, type Coding } from './content-coding.js';
import { etagForCoding, strongEtagOf } from './entity-tags.js';
import { ModificationClock } from './modification-clock.js';
import { evaluatePreconditions } from './preconditions.js';

/** Below this many bytes a compressed body saves less than the coding costs. */
export const MIN_COMPRESSED_BYTES = 1024;

/** Fields that describe a body; a 304 or 412 has none. */
const CONTENT_FIELDS = ['content-type', 'content-length', 'content-encoding', 'content-language', 'transfer-encoding'];

export interface RepresentationOptions {
  readonly clock?: ModificationClock;
  readonly compressed?: CompressedBodies;
  readonly now?: () => number;
}

/** Path and query: the URL a shared representation is dated under. */
function urlKey(c: Context<AppEnv>): string {
  const url = c.req.url;
  const query = url.indexOf('?');
  return query === -1 ? c.req.path : `${c.req.path}${url.slice(query)}`;
}

/** Replaces the response outright: assigning `c.res` alone would merge the old response's fields into the new. */
function replaceResponse(c: Context<AppEnv>, response: Response): void {
  c.res = undefined;
  c.res = response;
}

/**
 * Responses as HTTP clients and caches expect them, applied to whatever a route or the error handler produced:
 * Cache-Control and Vary by cache-policy.ts; a strong ETag (the route's own, or a hash of the body) and, for shared
 * representations, Last-Modified from the modification clock; 304 / 412 by the request's preconditions; gzip or
 * brotli by Accept-Encoding for text bodies, with the coding appended to the ETag.
 *
 * Responses to session-authenticated requests are never compressed: their pages hold the session's CSRF token
 * next to text an attacker can choose (a search query), which compression would leak through the length (BREACH).
 */
export function httpRepresentation(options: RepresentationOptions = {}): MiddlewareHandler<AppEnv> {
  const clock = options.clock ?? new ModificationClock();
  const compressed = options.compressed ?? new CompressedBodies();
  const now = options.now ?? Date.now;
  return createMiddleware<AppEnv>(async (c, next) => {
    await next();
    const res = c.res;
    const method = c.req.method;
    const status = res.status;
    const policy = cachePolicyFor({
      path: c.req.path,
      method,
      status,
      signedIn: (c.get('user') ?? null) !== null,
      setsCookie: res.headers.has('set-cookie'),
      cacheControl: res.headers.get('cache-control'),
    });
    const compressible = isCompressibleType(res.headers.get('content-type')) && !res.headers.has('content-encoding');
    const vary = mergeVary(res.headers.get('vary'), compressible ? ['Accept-Encoding', ...policy.vary] : policy.vary);
    if (vary !== null) res.headers.set('vary', vary);
    if (policy.cacheControl !== null) res.headers.set('cache-control', policy.cacheControl);
    if (!policy.validators) {
      res.headers.delete('etag');
      res.headers.delete('last-modified');
    }
    const hasBody = status !== 204 && status !== 304 && status >= 200;
    const acceptEncoding = c.req.header('accept-encoding');
    const canCompress = compressible && method !== 'HEAD' && c.get('auth')?.method !== 'session';
    // The coding this client gets if the body is large enough to be worth it.
    const preferred: Coding = canCompress ? negotiateCoding(acceptEncoding, true) : 'identity';
    const mayCompress = preferred !== 'identity';
    if (!hasBody || (!mayCompress && !policy.validators)) return;

    // With the route's own tag (cached feeds, static files), the plain body is not read or copied when it goes
    // uncompressed, or when its compressed form is already at hand.
    const routeTag = res.headers.get('etag');
    const ready = routeTag !== null && policy.shared && preferred !== 'identity' ? compressed.peek(routeTag, preferred) : null;
    const body = (mayCompress && ready === null) || routeTag === null ? new Uint8Array(await res.arrayBuffer()) : null;
    const headers = body === null ? res.headers : new Headers(res.headers);
    const coding: Coding =
      ready !== null ? preferred : mayCompress ? negotiateCoding(acceptEncoding, body!.byteLength >= MIN_COMPRESSED_BYTES) : 'identity';

    let contentTag: string | null = null;
    if (policy.validators) {
      contentTag = routeTag ?? strongEtagOf(body!);
      const etag = coding === 'identity' ? contentTag : etagForCoding(contentTag, coding);
      headers.set('etag', etag);
      const lastModified = policy.shared ? clock.lastModified(urlKey(c), contentTag) : null;
      if (lastModified !== null) headers.set('last-modified', new Date(lastModified).toUTCString());
      const outcome = evaluatePreconditions(c.req.raw.headers, { etag, lastModified }, now());
      if (outcome !== 'proceed') {
        const bodiless = new Headers(headers);
        for (const field of CONTENT_FIELDS) bodiless.delete(field);
        replaceResponse(c, new Response(null, { status: outcome === 'not-modified' ? 304 : 412, headers: bodiless }));
        return;
      }
    }
    if (coding === 'identity') {
      if (body !== null) replaceResponse(c, new Response(body, { status, headers }));
      return;
    }
    const encoded =
      ready ??
      (policy.shared && contentTag !== null ? await compressed.compress(contentTag, body!, coding) : await compressBody(body!, coding));
    headers.set('content-encoding', coding);
    headers.delete('content-length');
    replaceResponse(c, new Response(encoded, { status, headers }));
  });
}
