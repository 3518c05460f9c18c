import type { Context } from 'hono';
import type { AppEnv } from '../env.js';
import { redactPath } from '../../security/redact.js';

/**
 * nginx's "client closed request": not an HTTP status any client sees (the connection is gone), but what the request
 * log and the metrics record, so an abort never counts as a server error.
 */
export const CLIENT_CLOSED_REQUEST = 499;

/** Node's error for a request whose connection closed before its body arrived (http_server's abortIncoming). */
function isIncomingAbort(error: unknown): boolean {
  const e = error as { code?: unknown; message?: unknown } | null;
  return e?.code === 'ECONNRESET' && e.message === 'aborted';
}

/**
 * Whether an error came from the client going away mid-request (closed tab, cancelled upload, dropped connection)
 * rather than from the server. Connection errors of outgoing calls (an upstream API resetting) do not count.
 */
export function isClientAbort(error: unknown, c: Context<AppEnv>): boolean {
  if (c.req.raw.signal?.aborted) return true;
  for (let current: unknown = error, depth = 0; current && depth < 5; depth++) {
    if (isIncomingAbort(current)) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

/** Logs the abort as what it is and answers 499 (see CLIENT_CLOSED_REQUEST); nobody is there to read it. */
export function clientAbortResponse(c: Context<AppEnv>): Response {
  c.get('deps').logger.info('client closed the request', { method: c.req.method, path: redactPath(c.req.path) });
  return new Response(null, { status: CLIENT_CLOSED_REQUEST });
}
