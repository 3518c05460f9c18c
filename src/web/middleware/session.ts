import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { SESSION_LIFETIME_MS } from '../../accounts/accounts.service.js';
import type { AppEnv } from '../env.js';
import { cookieNames, cookieOptions } from '../../security/cookies.js';

/**
 * Logs the user in with a brand-new session id. Any session the browser already had is deleted first, so an
 * id planted before log-in (session fixation) is worthless afterwards.
 */
export async function startSession(c: Context<AppEnv>, userId: number): Promise<void> {
  const { accounts } = c.get('deps');
  const config = c.get('config');
  const names = cookieNames(config);
  const previous = getCookie(c, names.session);
  if (previous) await accounts.endSession(previous);
  const session = await accounts.createSession(userId);
  setCookie(c, names.session, session.token, cookieOptions(config, Math.floor(SESSION_LIFETIME_MS / 1000)));
}

export async function endSession(c: Context<AppEnv>): Promise<void> {
  const { accounts } = c.get('deps');
  const config = c.get('config');
  const names = cookieNames(config);
  const token = getCookie(c, names.session);
  if (token) await accounts.endSession(token);
  deleteCookie(c, names.session, cookieOptions(config));
}
