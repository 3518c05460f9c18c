/**
 * Device cookies for the per-account log-in budget (OWASP's "device cookie" defence). A browser that has logged in
 * to an account carries a signed cookie naming that account; its attempts on that account skip the per-account
 * budget, so someone guessing passwords from elsewhere cannot lock the owner out, while guesses from browsers
 * without the cookie are slowed to RATE_LIMITS.loginAccount per account, whichever spelling (username or
 * email) they use. The per-address budget still applies to everyone. An owner on a new device during an attack
 * can always get in through a password reset, which logs in directly.
 */
import type { Context } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import type { AppEnv } from '../env.js';
import { cookieNames, cookieOptions } from '../../security/cookies.js';
import { randomToken, signToken, verifySignedToken } from '../../security/tokens.js';

const PURPOSE = 'login-device';
const LIFETIME_SECONDS = 365 * 86_400;

export function rememberLoginDevice(c: Context<AppEnv>, userId: number): void {
  const config = c.get('config');
  const value = signToken(c.get('deps').secret, PURPOSE, `${userId}.${randomToken(16)}`);
  setCookie(c, cookieNames(config).loginDevice, value, cookieOptions(config, LIFETIME_SECONDS));
}

export function isKnownLoginDevice(c: Context<AppEnv>, userId: number): boolean {
  const raw = getCookie(c, cookieNames(c.get('config')).loginDevice);
  const value = raw ? verifySignedToken(c.get('deps').secret, PURPOSE, raw) : null;
  return value !== null && value.split('.', 1)[0] === String(userId);
}
