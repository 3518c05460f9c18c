import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';
import type { AppEnv } from '../env.js';

/**
 * The address of the client, for rate limiting. X-Forwarded-For is only believed when PAPERBOY_TRUST_PROXY is
 * on, since any client can send it; then the proxy's own entry (the last one) is the one that cannot be forged.
 */
export function clientAddress(c: Context<AppEnv>): string {
  if (c.get('config').trustProxy) {
    const forwarded = c.req.header('x-forwarded-for');
    const last = forwarded?.split(',').at(-1)?.trim();
    if (last) return last;
  }
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    // Requests made in-process (app.request) have no socket.
    return 'unknown';
  }
}
