import type { Config } from '../config.js';

export interface CookieNames {
  readonly session: string;
  readonly csrf: string;
  /** Marks a browser that has logged in to an account before (see web/middleware/login-device.ts). */
  readonly loginDevice: string;
}

export function isSecureDeployment(config: Pick<Config, 'publicUrl'>): boolean {
  return config.publicUrl.startsWith('https:');
}

/** Over https the `__Host-` prefix makes browsers refuse the cookie unless it is Secure, host-only and Path=/. */
export function cookieNames(config: Pick<Config, 'publicUrl'>): CookieNames {
  const prefix = isSecureDeployment(config) ? '__Host-' : '';
  return { session: `${prefix}paperboy_session`, csrf: `${prefix}paperboy_csrf`, loginDevice: `${prefix}paperboy_device` };
}

export function cookieOptions(config: Pick<Config, 'publicUrl'>, maxAgeSeconds?: number) {
  return {
    path: '/',
    httpOnly: true,
    sameSite: 'Lax' as const,
    secure: isSecureDeployment(config),
    ...(maxAgeSeconds === undefined ? {} : { maxAge: maxAgeSeconds }),
  };
}
