import type { MiddlewareHandler } from 'hono';
import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../env.js';

const JSON_TYPE = /^\s*application\/([\w.+-]+\+)?json\s*(;|$)/i;
const CHARSET = /;\s*charset=/i;

/** `application/json` (or a `+json` type) with `; charset=utf-8` added when no charset is given. */
export function withUtf8Charset(contentType: string): string {
  return JSON_TYPE.test(contentType) && !CHARSET.test(contentType) ? `${contentType.trim()}; charset=utf-8` : contentType;
}

/** Every JSON body says it is UTF-8 — `c.json()` sends a bare `application/json`, and some clients guess otherwise. */
export const jsonCharset: MiddlewareHandler<AppEnv> = createMiddleware<AppEnv>(async (c, next) => {
  await next();
  const type = c.res.headers.get('content-type');
  if (type !== null) {
    const fixed = withUtf8Charset(type);
    if (fixed !== type) c.res.headers.set('content-type', fixed);
  }
});
