import { sql } from 'kysely';
import type { Store } from '../db/database.js';
import type { Queryable } from '../db/schema.js';
import type { PoliteHttpClient } from '../ingest/polite-http.js';
import { recomputeTrending } from '../trending/trending.repository.js';
import { getValidator, setValidator } from './source-jobs.repository.js';

export const GITHUB_SOURCE = 'github';
/** Repositories of papers featured this many days back are kept current. */
export const GITHUB_WINDOW_DAYS = 30;
/** Requests left in GitHub's budget at which a round stops until the budget resets. */
export const GITHUB_RATE_RESERVE = 5;

/** A GitHub repository and the papers that link it. */
export interface TrackedRepo {
  /** `owner/name`, lower-cased: one request per repository however many papers link it. */
  readonly key: string;
  readonly owner: string;
  readonly name: string;
  readonly paperIds: readonly string[];
  readonly stars: number | null;
}

/** `owner` and `name` of a github.com repository URL, or null for other hosts and paths. */
export function githubRepoOf(url: string): { owner: string; name: string } | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  const host = parsed.hostname.toLowerCase();
  if (host !== 'github.com' && host !== 'www.github.com') return null;
  const [owner, rawName] = parsed.pathname.split('/').filter(Boolean);
  const name = rawName?.replace(/\.git$/i, '');
  if (!owner || !name || !/^[A-Za-z0-9-]+$/.test(owner) || !/^[A-Za-z0-9._-]+$/.test(name)) return null;
  return { owner, name };
}

/** Repositories of papers featured since `sinceDay`, ordered by key. */
export async function trackedRepos(db: Queryable, sinceDay: string): Promise<TrackedRepo[]> {
  const rows = await db
    .selectFrom('code_repos')
    .select(['code_repos.paper_id', 'code_repos.url', 'code_repos.stars'])
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('feed_entries')
          .select('feed_entries.paper_id')
          .whereRef('feed_entries.paper_id', '=', 'code_repos.paper_id')
          .where('feed_entries.day', '>=', sinceDay),
      ),
    )
    .execute();
  const byKey = new Map<string, { owner: string; name: string; paperIds: string[]; stars: number | null }>();
  for (const row of rows) {
    const repo = githubRepoOf(row.url);
    if (!repo) continue;
    const key = `${repo.owner}/${repo.name}`.toLowerCase();
    const entry = byKey.get(key) ?? { ...repo, paperIds: [], stars: null };
    entry.paperIds.push(row.paper_id);
    if (row.stars !== null) entry.stars = Math.max(entry.stars ?? 0, Number(row.stars));
    byKey.set(key, entry);
  }
  return [...byKey.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, entry]) => ({ key, ...entry, paperIds: entry.paperIds.sort() }));
}

/** Records a new star count for papers linking one repository, and their new trending scores, in one transaction. */
async function recordStars(
  trx: Queryable,
  paperIds: readonly string[],
  stars: number,
  countedAt: string,
  lockRows: boolean,
): Promise<void> {
  // An import writes papers before code_repos; taking the papers' row locks first keeps the same order, so the two
  // never deadlock when they run at once on PostgreSQL.
  if (lockRows) {
    await trx
      .selectFrom('papers')
      .select('id')
      .where('id', 'in', [...paperIds])
      .orderBy('id')
      .forUpdate()
      .execute();
  }
  await trx
    .updateTable('code_repos')
    .set({ stars, stars_counted_at: countedAt })
    .where('paper_id', 'in', [...paperIds])
    .execute();
  await trx
    .insertInto('repo_star_counts')
    .values(paperIds.map((paper_id) => ({ paper_id, counted_at: countedAt, stars })))
    .onConflict((oc) => oc.columns(['paper_id', 'counted_at']).doUpdateSet({ stars: sql`excluded.stars` }))
    .execute();
  await recomputeTrending(trx, paperIds);
}

export interface StarRefreshOptions {
  readonly store: Store;
  readonly client: PoliteHttpClient;
  readonly baseUrl: string;
  readonly token: string | null;
  readonly now: () => Date;
  /** Resume after this repository key (a round cut short by a kill or the rate limit). */
  readonly after: string | null;
  /** Stores the key of the last repository done, in the transaction that wrote its result. */
  readonly saveProgress: (trx: Queryable, lastKey: string | null) => Promise<void>;
  readonly onStarsChanged?: (paperIds: readonly string[]) => void;
  readonly countFetch?: () => void;
  readonly signal?: AbortSignal;
  readonly reserve?: number;
}

export interface StarRefreshResult {
  readonly checked: number;
  readonly changed: number;
  readonly notModified: number;
  /** Papers whose star count changed. */
  readonly papersUpdated: number;
  /** Set when the round stopped to spare GitHub's rate limit: when the budget resets. */
  readonly pausedUntil: Date | null;
}

function headerNumber(headers: Headers, name: string): number | null {
  const raw = headers.get(name);
  return raw !== null && /^\d+$/.test(raw.trim()) ? Number(raw.trim()) : null;
}

/** When GitHub's budget resets (X-RateLimit-Reset, epoch seconds) or Retry-After ends; a minute when it says neither. */
function resumeTime(headers: Headers, now: Date): Date {
  const reset = headerNumber(headers, 'x-ratelimit-reset');
  const retryAfter = headerNumber(headers, 'retry-after');
  const candidates: number[] = [];
  if (reset !== null) candidates.push(reset * 1000);
  if (retryAfter !== null) candidates.push(now.getTime() + retryAfter * 1000);
  return new Date(candidates.length > 0 ? Math.max(...candidates) : now.getTime() + 60_000);
}

/**
 * Refreshes star counts from `GET {base}/repos/{owner}/{repo}` for every tracked repository, with If-None-Match
 * (a 304 means unchanged and costs nothing against GitHub's limit). A changed count is appended to the star
 * history and the papers' trending scores are recomputed. The round stops, to go on from where it stood, when
 * X-RateLimit-Remaining falls to the reserve, until X-RateLimit-Reset.
 */
export async function refreshStars(options: StarRefreshOptions): Promise<StarRefreshResult> {
  const { store, client, now } = options;
  const reserve = options.reserve ?? GITHUB_RATE_RESERVE;
  const since = new Date(now().getTime() - GITHUB_WINDOW_DAYS * 86_400_000).toISOString().slice(0, 10);
  const repos = (await trackedRepos(store.db, since)).filter((repo) => options.after === null || repo.key > options.after);
  let checked = 0;
  let changed = 0;
  let notModified = 0;
  let papersUpdated = 0;

  for (const repo of repos) {
    options.signal?.throwIfAborted();
    const resource = `repos/${repo.key}`;
    const etag = await getValidator(store.db, GITHUB_SOURCE, resource);
    const headers: Record<string, string> = { 'x-github-api-version': '2022-11-28' };
    if (etag) headers['if-none-match'] = etag;
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    const url = `${options.baseUrl}/repos/${encodeURIComponent(repo.owner)}/${encodeURIComponent(repo.name)}`;
    const response = await client.get(url, {
      accept: 'application/vnd.github+json',
      headers,
      // 304 unchanged; 404/410/451 gone or blocked; 403/429 over a limit (read below).
      handBack: (status) => [304, 403, 404, 410, 429, 451].includes(status),
      onAttempt: options.countFetch,
      signal: options.signal,
    });
    const at = now();
    const limited =
      response.status === 429 ||
      (response.status === 403 && (response.headers.get('x-ratelimit-remaining') === '0' || response.headers.has('retry-after')));
    if (limited) return { checked, changed, notModified, papersUpdated, pausedUntil: resumeTime(response.headers, at) };

    checked += 1;
    let stars: number | null = null;
    if (response.status === 200) {
      try {
        const body = JSON.parse(response.body) as { stargazers_count?: unknown };
        if (typeof body.stargazers_count === 'number' && body.stargazers_count >= 0) stars = Math.floor(body.stargazers_count);
      } catch {
        stars = null;
      }
      if (stars === null) throw new Error(`${url} answered without a star count`);
    }
    if (response.status === 304) notModified += 1;
    const isChange = stars !== null && stars !== repo.stars;
    await store.db.transaction().execute(async (trx) => {
      if (isChange) await recordStars(trx, repo.paperIds, stars!, at.toISOString(), store.capabilities.skipLocked);
      const newEtag = response.status === 304 ? etag : response.status === 200 ? response.headers.get('etag') : null;
      await setValidator(trx, GITHUB_SOURCE, resource, newEtag, response.status, at);
      await options.saveProgress(trx, repo.key);
    });
    if (isChange) {
      changed += 1;
      papersUpdated += repo.paperIds.length;
      options.onStarsChanged?.(repo.paperIds);
    }

    const remaining = headerNumber(response.headers, 'x-ratelimit-remaining');
    if (remaining !== null && remaining <= reserve && repo !== repos[repos.length - 1]) {
      return { checked, changed, notModified, papersUpdated, pausedUntil: resumeTime(response.headers, at) };
    }
  }
  return { checked, changed, notModified, papersUpdated, pausedUntil: null };
}
