import { ConfigError } from './config-error.js';

type Env = Readonly<Record<string, string | undefined>>;

/** A feed source `PAPERBOY_FEED_SOURCES` can name. */
export type FeedSourceName = 'hf' | 'github';

/** Live sources run by the scheduler inside `paperboy serve` (PAPERBOY_FEED_SOURCES, PAPERBOY_HF_URL, …). */
export interface SourcesConfig {
  /** PAPERBOY_FEED_SOURCES: `hf` mirrors Hugging Face's daily papers, `github` refreshes star counts; `none` runs neither. */
  readonly feeds: readonly FeedSourceName[];
  /** PAPERBOY_HF_URL: base of the Hugging Face API (`{base}/api/daily_papers`). */
  readonly hfUrl: string;
  /** PAPERBOY_GITHUB_URL: base of the GitHub REST API (`{base}/repos/{owner}/{repo}`). */
  readonly githubUrl: string;
  /** PAPERBOY_GITHUB_TOKEN: sent as a Bearer token (5,000 requests an hour instead of 60). */
  readonly githubToken: string | null;
  /** PAPERBOY_SYNC_INTERVAL_SECONDS: how often the Hugging Face mirror and the star counts are refreshed. */
  readonly syncIntervalSeconds: number;
  /** PAPERBOY_ARXIV_SETS: OAI-PMH set specs harvested once a day (categories such as cs.CV are translated). */
  readonly arxivSets: readonly string[];
  /** PAPERBOY_SOURCE_MIN_INTERVAL_MS: the least time between two requests to one host (arXiv keeps its own 3 s). */
  readonly minIntervalMs: number;
}

/** arXiv archives that OAI-PMH files under the `physics` group. */
const PHYSICS_ARCHIVES = new Set([
  'astro-ph',
  'cond-mat',
  'gr-qc',
  'hep-ex',
  'hep-lat',
  'hep-ph',
  'hep-th',
  'math-ph',
  'nlin',
  'nucl-ex',
  'nucl-th',
  'physics',
  'quant-ph',
]);

const CATEGORY = /^([a-z]+(?:-[a-z]+)?)(?:\.([A-Za-z-]+))?$/;
const SET_SPEC = /^[A-Za-z][A-Za-z-]*(?::[A-Za-z][A-Za-z.-]*)*$/;

/**
 * An OAI-PMH set spec for a category or set: `cs.CV` → `cs:cs:CV`, `hep-th` → `physics:hep-th`,
 * `astro-ph.CO` → `physics:astro-ph:CO`, `cs` → `cs`; a spec with colons is taken as written. Null when unreadable.
 */
export function oaiSetSpec(raw: string): string | null {
  if (raw.includes(':')) return SET_SPEC.test(raw) ? raw : null;
  const match = CATEGORY.exec(raw);
  if (!match) return null;
  const [, archive, subject] = match as unknown as [string, string, string | undefined];
  const group = PHYSICS_ARCHIVES.has(archive) ? 'physics' : archive;
  const archiveSet = group === archive ? archive : `${group}:${archive}`;
  if (subject === undefined) return archiveSet;
  return group === archive ? `${archive}:${archive}:${subject}` : `${archiveSet}:${subject}`;
}

function value(env: Env, name: string): string | undefined {
  const raw = env[name];
  return raw === undefined || raw.trim() === '' ? undefined : raw.trim();
}

function integer(env: Env, name: string, fallback: number, min: number, max: number, unit: string): number {
  const raw = value(env, name);
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw new ConfigError(name, `must be a whole number of ${unit} between ${min} and ${max} (got "${raw}")`);
  }
  return Number(raw);
}

function parseFeeds(env: Env): FeedSourceName[] {
  const raw = value(env, 'PAPERBOY_FEED_SOURCES') ?? 'hf,github';
  const names = raw
    .split(',')
    .map((part) => part.trim().toLowerCase())
    .filter((part) => part !== '');
  if (names.length === 1 && names[0] === 'none') return [];
  const feeds: FeedSourceName[] = [];
  for (const name of names) {
    if (name !== 'hf' && name !== 'github') {
      throw new ConfigError('PAPERBOY_FEED_SOURCES', `must be a comma list of hf and github, or none (got "${raw}")`);
    }
    if (!feeds.includes(name)) feeds.push(name);
  }
  return feeds;
}

function parseArxivSets(env: Env): string[] {
  const raw = value(env, 'PAPERBOY_ARXIV_SETS');
  if (raw === undefined) return [];
  const sets: string[] = [];
  for (const part of raw.split(',').map((p) => p.trim())) {
    if (part === '') continue;
    const spec = oaiSetSpec(part);
    if (spec === null) {
      throw new ConfigError(
        'PAPERBOY_ARXIV_SETS',
        `must be a comma list of arXiv categories or OAI sets such as cs.CV,cs.RO (got "${part}")`,
      );
    }
    if (!sets.includes(spec)) sets.push(spec);
  }
  return sets;
}

/** Reads the live-source variables; `parseUrl` validates a base URL and names the variable on error. */
export function parseSourcesConfig(env: Env, parseUrl: (name: string, raw: string) => string): SourcesConfig {
  const hfRaw = value(env, 'PAPERBOY_HF_URL');
  const githubRaw = value(env, 'PAPERBOY_GITHUB_URL');
  return {
    feeds: Object.freeze(parseFeeds(env)),
    hfUrl: hfRaw ? parseUrl('PAPERBOY_HF_URL', hfRaw) : 'https://huggingface.co',
    githubUrl: githubRaw ? parseUrl('PAPERBOY_GITHUB_URL', githubRaw) : 'https://api.github.com',
    githubToken: value(env, 'PAPERBOY_GITHUB_TOKEN') ?? null,
    syncIntervalSeconds: integer(env, 'PAPERBOY_SYNC_INTERVAL_SECONDS', 900, 10, 7 * 86_400, 'seconds'),
    arxivSets: Object.freeze(parseArxivSets(env)),
    minIntervalMs: integer(env, 'PAPERBOY_SOURCE_MIN_INTERVAL_MS', 1000, 0, 3_600_000, 'milliseconds'),
  };
}
