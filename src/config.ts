import path from 'node:path';
import { ConfigError } from './config/config-error.js';
import { parseDigestConfig, type DigestConfig } from './config/digest-config.js';
import { parseEmbedderSpec, type EmbedderSpec } from './config/embedder-spec.js';
import { parseSourcesConfig, type SourcesConfig } from './config/sources-config.js';

export { ConfigError };

export type DatabaseTarget = { readonly kind: 'sqlite'; readonly path: string } | { readonly kind: 'postgres'; readonly url: string };

export interface Config {
  readonly database: DatabaseTarget;
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  readonly publicUrl: string;
  /** Base URL of the arXiv API (Atom); tests point it at a local replay server. */
  readonly arxivApiUrl: string;
  /** OAI-PMH endpoint used by `paperboy harvest arxiv` unless --endpoint is given. */
  readonly oaiEndpoint: string;
  /** Minimum gap between requests to the arXiv API and OAI-PMH endpoint; never below 3000 against arxiv.org. */
  readonly arxivMinIntervalMs: number;
  /** Import the bundled demo papers on the first start of an empty database. */
  readonly seedDemo: boolean;
  readonly logLevel: 'silent' | 'info';
  /** PAPERBOY_EMBEDDER: the model behind semantic search. */
  readonly embedder: EmbedderSpec;
  /** PAPERBOY_EMBEDDER_KEY: bearer token for an openai: embedder. */
  readonly embedderKey: string | null;
  /** HF_TOKEN: Hugging Face access token sent by `paperboy model fetch` (private and gated models). */
  readonly hfToken: string | null;
  /** PAPERBOY_KEYWORD_INDEX_IN_MEMORY: the server ranks plain keyword queries in memory (SQLite). */
  readonly keywordIndexInMemory: boolean;
  /** Email digests: scheduler, send time and zone, rate, leases (see config/digest-config.ts). */
  readonly digests: DigestConfig;
  /** Live sources (Hugging Face mirror, GitHub stars, daily arXiv harvest) run by the scheduler in `serve`. */
  readonly sources: SourcesConfig;
  /** PAPERBOY_SECRET; when unset a key is generated in the data dir on first start (see security/secret.ts). */
  readonly secret: string | undefined;
  /** SMTP server for outgoing mail; when unset mail is written as .eml files under <dataDir>/mail. */
  readonly smtpUrl: string | undefined;
  readonly mailFrom: string;
  /** Take the client address from X-Forwarded-For (only behind a reverse proxy that sets it). */
  readonly trustProxy: boolean;
  /** PAPERBOY_API_RATE_PER_MINUTE: requests per minute each client may make under /api/. */
  readonly apiRatePerMinute: number;
  /**
   * PAPERBOY_RATE_LIMITS: where rate-limit windows are counted. `database` shares them between instances on one
   * PostgreSQL database; `memory` counts per process. Unset: `database` where the engine serves several instances.
   */
  readonly rateLimits: 'memory' | 'database' | 'auto';
  /**
   * PAPERBOY_FORYOU_MODEL: how For you scores papers for a reader. `centroid+nearest` (default) trains nothing per
   * reader; `logistic+nearest` trains a logistic model per reader against sampled papers. They rank alike on the
   * development set, and the centroid plans For-you digests about twelve times faster.
   */
  readonly forYouModel: ForYouModel;
}

export const FORYOU_MODELS = ['logistic+nearest', 'centroid+nearest'] as const;
export type ForYouModel = (typeof FORYOU_MODELS)[number];

type Env = Readonly<Record<string, string | undefined>>;

function nonEmpty(env: Env, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

function parsePort(env: Env): number {
  const raw = nonEmpty(env, 'PORT');
  if (raw === undefined) return 3000;
  if (!/^\d+$/.test(raw)) throw new ConfigError('PORT', `must be an integer between 0 and 65535 (got "${raw}")`);
  const port = Number(raw);
  if (port > 65535) throw new ConfigError('PORT', `must be an integer between 0 and 65535 (got "${raw}")`);
  return port;
}

/** An absolute http(s) URL without trailing slashes; throws an Error whose message completes "X ...". */
export function normaliseHttpUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`must be an absolute http(s) URL (got "${raw}")`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`must use http or https (got "${url.protocol}")`);
  return url.toString().replace(/\/+$/, '');
}

function parseHttpUrl(name: string, raw: string): string {
  try {
    return normaliseHttpUrl(raw);
  } catch (error) {
    throw new ConfigError(name, (error as Error).message);
  }
}

function parseDatabase(env: Env, dataDir: string): DatabaseTarget {
  const raw = nonEmpty(env, 'DATABASE_URL');
  if (raw === undefined) return { kind: 'sqlite', path: path.join(dataDir, 'paperboy.db') };
  if (raw.startsWith('sqlite:')) {
    const file = raw.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
    if (file === '') throw new ConfigError('DATABASE_URL', 'has an empty SQLite path (use sqlite:path/to/file.db)');
    return { kind: 'sqlite', path: file === ':memory:' ? file : path.resolve(file) };
  }
  if (raw.startsWith('postgres://') || raw.startsWith('postgresql://')) {
    try {
      new URL(raw);
    } catch {
      throw new ConfigError('DATABASE_URL', 'is not a valid postgres:// URL');
    }
    return { kind: 'postgres', url: raw };
  }
  throw new ConfigError('DATABASE_URL', 'must start with sqlite: or postgres:// (or be unset for the default SQLite file)');
}

function parseMilliseconds(env: Env, name: string, fallback: number): number {
  const raw = nonEmpty(env, name);
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) > 3_600_000) {
    throw new ConfigError(name, `must be a whole number of milliseconds between 0 and 3600000 (got "${raw}")`);
  }
  return Number(raw);
}

function parseBoolean(env: Env, name: string, fallback: boolean): boolean {
  const raw = nonEmpty(env, name);
  if (raw === undefined) return fallback;
  if (/^(1|true|yes|on)$/i.test(raw)) return true;
  if (/^(0|false|no|off)$/i.test(raw)) return false;
  throw new ConfigError(name, `must be true or false (got "${raw}")`);
}

/** Enough for a script that walks every day of a two-year feed one request per day without waiting. */
export const DEFAULT_API_RATE_PER_MINUTE = 1200;

function parseApiRate(env: Env): number {
  const raw = nonEmpty(env, 'PAPERBOY_API_RATE_PER_MINUTE');
  if (raw === undefined) return DEFAULT_API_RATE_PER_MINUTE;
  if (!/^\d+$/.test(raw) || Number(raw) < 1 || Number(raw) > 1_000_000) {
    throw new ConfigError('PAPERBOY_API_RATE_PER_MINUTE', `must be a whole number of requests between 1 and 1000000 (got "${raw}")`);
  }
  return Number(raw);
}

function parseSecret(env: Env): string | undefined {
  const raw = nonEmpty(env, 'PAPERBOY_SECRET');
  if (raw !== undefined && raw.length < 32) throw new ConfigError('PAPERBOY_SECRET', 'must be at least 32 characters long');
  return raw;
}

function parseSmtpUrl(env: Env): string | undefined {
  const raw = nonEmpty(env, 'SMTP_URL');
  if (raw === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError('SMTP_URL', 'must be a URL like smtp://user:password@host:587 or smtps://host:465');
  }
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') {
    throw new ConfigError('SMTP_URL', `must use smtp: or smtps: (got "${url.protocol}")`);
  }
  return raw;
}

function parseMailFrom(env: Env, publicUrl: string): string {
  const raw = nonEmpty(env, 'MAIL_FROM');
  if (raw === undefined) return `Paperboy <paperboy@${new URL(publicUrl).hostname}>`;
  if (!/^[^\s@<>]+@[^\s@<>]+$|<[^\s@<>]+@[^\s@<>]+>$/.test(raw)) {
    throw new ConfigError('MAIL_FROM', `must be an address like "Paperboy <news@example.org>" (got "${raw}")`);
  }
  return raw;
}

function parseEmbedder(env: Env): EmbedderSpec {
  const parsed = parseEmbedderSpec(nonEmpty(env, 'PAPERBOY_EMBEDDER') ?? 'builtin');
  if (typeof parsed === 'string') throw new ConfigError('PAPERBOY_EMBEDDER', parsed);
  return Object.freeze(parsed);
}

function parseRateLimits(env: Env): Config['rateLimits'] {
  const raw = nonEmpty(env, 'PAPERBOY_RATE_LIMITS');
  if (raw === undefined) return 'auto';
  if (raw === 'memory' || raw === 'database') return raw;
  throw new ConfigError('PAPERBOY_RATE_LIMITS', `must be "memory" or "database" (got "${raw}")`);
}

function parseForYouModel(env: Env): ForYouModel {
  const raw = nonEmpty(env, 'PAPERBOY_FORYOU_MODEL');
  if (raw === undefined) return 'centroid+nearest';
  const model = FORYOU_MODELS.find((m) => m === raw);
  if (!model) throw new ConfigError('PAPERBOY_FORYOU_MODEL', `must be ${FORYOU_MODELS.map((m) => `"${m}"`).join(' or ')} (got "${raw}")`);
  return model;
}

/** HF_TOKEN, the Hugging Face hub's own variable; it goes into a header, so it must be one visible-ASCII word. */
function parseHfToken(env: Env): string | null {
  const raw = nonEmpty(env, 'HF_TOKEN');
  if (raw === undefined) return null;
  if (!/^[\x21-\x7e]+$/.test(raw))
    throw new ConfigError('HF_TOKEN', 'must be a single word of visible ASCII characters (a Hugging Face access token)');
  return raw;
}

/** Reads and validates the environment once; the result is frozen. */
export function loadConfig(env: Env = process.env): Config {
  const dataDir = path.resolve(nonEmpty(env, 'PAPERBOY_DATA_DIR') ?? './data');
  const port = parsePort(env);
  const host = nonEmpty(env, 'HOST') ?? '127.0.0.1';
  if (!/^[\w.:[\]-]+$/.test(host)) throw new ConfigError('HOST', `is not a valid host name or address (got "${host}")`);
  const urlHost = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  const publicUrlRaw = nonEmpty(env, 'PUBLIC_URL');
  const publicUrl = publicUrlRaw ? parseHttpUrl('PUBLIC_URL', publicUrlRaw) : `http://${urlHost}:${port}`;
  const arxivApiRaw = nonEmpty(env, 'PAPERBOY_ARXIV_API_URL');
  const oaiRaw = nonEmpty(env, 'PAPERBOY_OAI_ENDPOINT');
  const logLevelRaw = nonEmpty(env, 'PAPERBOY_LOG') ?? 'info';
  if (logLevelRaw !== 'info' && logLevelRaw !== 'silent') {
    throw new ConfigError('PAPERBOY_LOG', `must be "info" or "silent" (got "${logLevelRaw}")`);
  }
  return Object.freeze({
    database: Object.freeze(parseDatabase(env, dataDir)),
    port,
    host,
    dataDir,
    publicUrl,
    arxivApiUrl: arxivApiRaw ? parseHttpUrl('PAPERBOY_ARXIV_API_URL', arxivApiRaw) : 'https://export.arxiv.org/api/query',
    oaiEndpoint: oaiRaw ? parseHttpUrl('PAPERBOY_OAI_ENDPOINT', oaiRaw) : 'https://oaipmh.arxiv.org/oai',
    arxivMinIntervalMs: parseMilliseconds(env, 'PAPERBOY_ARXIV_MIN_INTERVAL_MS', 3000),
    seedDemo: parseBoolean(env, 'PAPERBOY_DEMO', true),
    logLevel: logLevelRaw,
    embedder: parseEmbedder(env),
    embedderKey: nonEmpty(env, 'PAPERBOY_EMBEDDER_KEY') ?? null,
    hfToken: parseHfToken(env),
    keywordIndexInMemory: parseBoolean(env, 'PAPERBOY_KEYWORD_INDEX_IN_MEMORY', true),
    digests: parseDigestConfig(env),
    sources: Object.freeze(parseSourcesConfig(env, parseHttpUrl)),
    secret: parseSecret(env),
    smtpUrl: parseSmtpUrl(env),
    mailFrom: parseMailFrom(env, publicUrl),
    trustProxy: parseBoolean(env, 'PAPERBOY_TRUST_PROXY', false),
    apiRatePerMinute: parseApiRate(env),
    rateLimits: parseRateLimits(env),
    forYouModel: parseForYouModel(env),
  });
}
