import { ConfigError } from './config-error.js';

type Env = Readonly<Record<string, string | undefined>>;

/** Digest scheduling and sending settings (PAPERBOY_SCHEDULER, PAPERBOY_DIGEST_*). */
export interface DigestConfig {
  /** Whether `paperboy serve` plans and sends digests by itself. Turn off on all but one instance if you prefer. */
  readonly scheduler: boolean;
  /** Local time of day (HH:MM) at which daily digests go out on weekdays and weekly ones on Mondays. */
  readonly sendTime: { readonly hour: number; readonly minute: number };
  /** IANA time zone of sendTime and of "today". */
  readonly timeZone: string;
  /** Upper bound on digests handed to the mail server per second, across this process's connections. */
  readonly ratePerSecond: number;
  /** Parallel SMTP connections per worker. */
  readonly connections: number;
  /** How long a claimed digest stays reserved for its worker before another may take it over. */
  readonly leaseSeconds: number;
  /** Attempts before a temporarily failing digest is given up as failed. */
  readonly maxAttempts: number;
}

function value(env: Env, name: string): string | undefined {
  const raw = env[name];
  return raw === undefined || raw.trim() === '' ? undefined : raw.trim();
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = value(env, name);
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw new ConfigError(name, `must be an integer between ${min} and ${max} (got "${raw}")`);
  }
  return Number(raw);
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export function parseDigestConfig(env: Env): DigestConfig {
  const schedulerRaw = value(env, 'PAPERBOY_SCHEDULER') ?? 'on';
  let scheduler: boolean;
  if (/^(1|true|yes|on)$/i.test(schedulerRaw)) scheduler = true;
  else if (/^(0|false|no|off)$/i.test(schedulerRaw)) scheduler = false;
  else throw new ConfigError('PAPERBOY_SCHEDULER', `must be on or off (got "${schedulerRaw}")`);

  const timeRaw = value(env, 'PAPERBOY_DIGEST_TIME') ?? '21:00';
  const time = /^([01]?\d|2[0-3]):([0-5]\d)$/.exec(timeRaw);
  if (!time) throw new ConfigError('PAPERBOY_DIGEST_TIME', `must be a time of day HH:MM (got "${timeRaw}")`);

  const timeZone = value(env, 'PAPERBOY_DIGEST_TIMEZONE') ?? 'UTC';
  if (!isTimeZone(timeZone)) {
    throw new ConfigError('PAPERBOY_DIGEST_TIMEZONE', `must be an IANA time zone such as Europe/Berlin (got "${timeZone}")`);
  }
  return Object.freeze({
    scheduler,
    sendTime: Object.freeze({ hour: Number(time[1]), minute: Number(time[2]) }),
    timeZone,
    ratePerSecond: integer(env, 'PAPERBOY_DIGEST_RATE', 100, 1, 100_000),
    connections: integer(env, 'PAPERBOY_DIGEST_CONNECTIONS', 2, 1, 64),
    leaseSeconds: integer(env, 'PAPERBOY_DIGEST_LEASE_SECONDS', 300, 5, 86_400),
    maxAttempts: integer(env, 'PAPERBOY_DIGEST_MAX_ATTEMPTS', 8, 1, 100),
  });
}
