/**
 * `requestBodyGuard`: runs before the session and CSRF middleware on every request with a body.
 * - A body over the path's limit (security/request-limits.ts) is refused with 413, before anything reads it.
 * - A form with more than MAX_FORM_FIELDS fields is refused with 413, counted on the raw bytes before parsing.
 * - A form that cannot be parsed (a multipart body without its boundary, a truncated part) is refused with 400.
 * A form that passes is parsed here once; Hono caches the result, so the CSRF check and the route read it again
 * for free.
 */
import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import { bodyLimit } from 'hono/body-limit';
import type { AppEnv } from '../env.js';
import { errorPage } from '../views/error-page.js';
import { bodyLimitFor, MAX_FORM_FIELDS } from '../../security/request-limits.js';

const AMPERSAND = 0x26;

function mediaType(c: Context<AppEnv>): string {
  return (c.req.header('content-type') ?? '').split(';', 1)[0]?.trim().toLowerCase() ?? '';
}

export function isFormRequest(c: Context<AppEnv>): boolean {
  const type = mediaType(c);
  return type === 'application/x-www-form-urlencoded' || type === 'multipart/form-data';
}

function wantsJson(c: Context<AppEnv>): boolean {
  return c.req.path.startsWith('/api/') || (c.req.header('accept')?.includes('application/json') ?? false);
}

export function refuseRequest(c: Context<AppEnv>, status: 400 | 413, message: string): Response {
  if (wantsJson(c)) return c.json({ error: { code: status === 413 ? 'payload_too_large' : 'bad_request', message } }, status);
  return c.html(errorPage(status, status === 413 ? 'Request too large' : 'Bad request', message), status);
}

function boundaryOf(contentType: string): string | null {
  const match = /;\s*boundary=(?:"([^"]{1,70})"|([^\s;]{1,70}))/i.exec(contentType);
  return match ? (match[1] ?? match[2] ?? null) : null;
}

function countOccurrences(haystack: Uint8Array, needle: Uint8Array): number {
  let count = 0;
  let from = 0;
  const buffer = Buffer.from(haystack.buffer, haystack.byteOffset, haystack.byteLength);
  for (;;) {
    const at = buffer.indexOf(needle, from);
    if (at < 0) return count;
    count += 1;
    from = at + needle.length;
  }
}

/** How many fields the raw form body holds, without parsing it; null for a multipart body without a boundary. */
function fieldCount(c: Context<AppEnv>, body: Uint8Array): number | null {
  if (mediaType(c) === 'application/x-www-form-urlencoded') {
    if (body.length === 0) return 0;
    let separators = 0;
    for (const byte of body) if (byte === AMPERSAND) separators += 1;
    return separators + 1;
  }
  const boundary = boundaryOf(c.req.header('content-type') ?? '');
  if (!boundary) return null;
  // Every part starts with a delimiter line; the closing delimiter is one more.
  return Math.max(0, countOccurrences(body, Buffer.from(`--${boundary}`)) - 1);
}

async function checkForm(c: Context<AppEnv>): Promise<Response | null> {
  const body = new Uint8Array(await c.req.arrayBuffer());
  const fields = fieldCount(c, body);
  if (fields === null) return refuseRequest(c, 400, 'The form could not be read.');
  if (fields > MAX_FORM_FIELDS) return refuseRequest(c, 413, `A form can have at most ${MAX_FORM_FIELDS} fields.`);
  try {
    await c.req.parseBody();
  } catch {
    return refuseRequest(c, 400, 'The form could not be read.');
  }
  return null;
}

const limiters = new Map<number, ReturnType<typeof bodyLimit>>();

function limiterFor(maxSize: number): ReturnType<typeof bodyLimit> {
  let limiter = limiters.get(maxSize);
  if (!limiter) {
    const kilobytes = Math.floor(maxSize / 1024);
    limiter = bodyLimit({
      maxSize,
      onError: (c) => refuseRequest(c as Context<AppEnv>, 413, `The request body can be at most ${kilobytes} KB.`),
    });
    limiters.set(maxSize, limiter);
  }
  return limiter;
}

export const requestBodyGuard = createMiddleware<AppEnv>(async (c, next) => {
  if (!c.req.raw.body) return next();
  const result = await limiterFor(bodyLimitFor(c.req.path))(c, async () => {
    const refused = isFormRequest(c) ? await checkForm(c) : null;
    if (refused) {
      c.res = refused;
      return;
    }
    await next();
  });
  if (result instanceof Response) return result;
});
