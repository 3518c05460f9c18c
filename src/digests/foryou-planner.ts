import os from 'node:os';
import type { Actor } from '../community/community-deps.js';
import type { Store } from '../db/database.js';
import type { FeedPeriod, Period } from '../feed/period.js';
import { ProfileScoringPool } from '../recommend/profile-scoring-pool.js';
import { recommendedPapersFor, MAX_RECOMMENDATIONS, type ForYouDeps } from '../foryou/recommendations.js';
import { readerSignalsOf, type ReaderSignals } from '../foryou/reader-signals.repository.js';
import { forYouPaperIds, type ForYouDigestContent } from './foryou-content.js';
import type { PlannedDigest } from './planned-digest.js';

/** Most papers in the followed-author section (a prolific followed author should not bury the rest). */
export const MAX_FOLLOWED_PAPERS = 20;

export function forYouMessageId(frequency: string, period: string, subscriptionId: number, host: string): string {
  return `<digest.foryou.${frequency}.${period}.${subscriptionId}@${host}>`;
}

function feedPeriodOf(period: Period): FeedPeriod {
  return { kind: period.frequency === 'daily' ? 'day' : 'week', key: period.key, from: period.from, to: period.to, label: period.key };
}

/**
 * One reader's For-you digest for a period: the papers of the period by authors they follow (most trending first),
 * then their top recommendations that are not already in that section, with reasons. The period's feature space
 * and the reader's model come from the For-you engine, so every reader of a period shares one space.
 */
export async function forYouDigestFor(
  deps: ForYouDeps,
  actor: Actor,
  period: Period,
  maxPapers: number,
  signals?: ReaderSignals,
): Promise<ForYouDigestContent> {
  const space = await deps.forYou.spaces.get({ from: period.from, to: period.to });
  const reader = await deps.forYou.models.get(actor.id, space, signals);
  const followedAuthors = new Set(reader.signals.followedAuthors.map((a) => a.toLowerCase()));
  const positions = new Set<number>();
  for (const author of followedAuthors) for (const position of space.lookup.byAuthor.get(author) ?? []) positions.add(position);
  const followed = [...positions].map((position) => {
    const candidate = space.candidates[position]!;
    return {
      id: candidate.id,
      authors: candidate.authors.filter((a) => followedAuthors.has(a.toLowerCase())),
      trending: candidate.trendingScore,
    };
  });
  followed.sort((a, b) => b.trending - a.trending || (a.id < b.id ? -1 : 1));
  followed.length = Math.min(followed.length, MAX_FOLLOWED_PAPERS);
  const inSection = new Set(followed.map((f) => f.id));
  const recommended = (
    await recommendedPapersFor(
      deps,
      actor,
      { period: feedPeriodOf(period), limit: Math.min(MAX_RECOMMENDATIONS, maxPapers + inSection.size) },
      signals,
    )
  )
    .filter((item) => !inSection.has(item.id))
    .slice(0, maxPapers)
    .map((item) => ({ id: item.id, reason: item.reason.text }));
  return { recommended, followed: followed.map(({ id, authors }) => ({ id, authors })) };
}

export interface ForYouPlanOptions {
  readonly now: Date;
  readonly messageIdHost: string;
  readonly email?: string;
  readonly dryRun?: boolean;
  readonly pageSize?: number;
  /** Score readers on a worker thread (default: when the machine has more than one core). */
  readonly scoringThread?: boolean;
}

export interface ForYouPlanSummary {
  readonly subscribers: number;
  readonly planned: number;
  readonly empty: number;
  readonly alreadyPlanned: number;
  readonly digests: PlannedDigest[];
}

/**
 * Plans the For-you digests of one period: every confirmed subscriber tied to an account who chose For you (alone
 * or besides trending) and has no For-you digest for the period yet gets one outbox row holding the whole planned
 * content. Rows go in batches, one transaction per page; the unique (subscription, frequency, period, kind) key
 * makes a second run, or a concurrent one, skip what is planned already.
 */
export async function planForYouPeriod(
  store: Store,
  deps: ForYouDeps,
  period: Period,
  options: ForYouPlanOptions,
): Promise<ForYouPlanSummary> {
  // On a machine with a second core, readers' profiles are walked on worker threads (one per core: the main thread
  // waits on them part of the time) while this one reads, explains and writes; the ranking is the same either way.
  const cores = os.availableParallelism();
  const pool = (options.scoringThread ?? cores > 1) ? new ProfileScoringPool(Math.max(1, Math.min(cores, MAX_SCORING_THREADS))) : null;
  try {
    return await planPages(store, pool ? { ...deps, profileWalker: pool.walk } : deps, period, options);
  } finally {
    await pool?.close();
  }
}

async function planPages(store: Store, deps: ForYouDeps, period: Period, options: ForYouPlanOptions): Promise<ForYouPlanSummary> {
  const db = store.db;
  const pageSize = options.pageSize ?? 1000;
  const nowIso = options.now.toISOString();
  const batchSize = Math.max(1, Math.floor(store.capabilities.maxParameters / 11) - 1);
  const summary = { subscribers: 0, planned: 0, empty: 0, alreadyPlanned: 0 };
  const digests: PlannedDigest[] = [];
  let afterId = 0;
  for (;;) {
    let query = db
      .selectFrom('subscriptions')
      .innerJoin('users', 'users.id', 'subscriptions.user_id')
      .select([
        'subscriptions.id',
        'subscriptions.email',
        'subscriptions.max_papers',
        'users.id as userId',
        'users.is_admin',
        'users.banned',
      ])
      .where('subscriptions.status', '=', 'confirmed')
      .where('subscriptions.frequency', '=', period.frequency)
      .where('subscriptions.digest_kinds', 'in', ['foryou', 'both'])
      .where('subscriptions.id', '>', afterId)
      .orderBy('subscriptions.id')
      .limit(pageSize);
    if (options.email) query = query.where('subscriptions.email', '=', options.email);
    const page = await query.execute();
    if (page.length === 0) break;
    afterId = page[page.length - 1]!.id;
    summary.subscribers += page.length;
    const existing = new Set(
      (
        await db
          .selectFrom('digest_outbox')
          .select('subscription_id')
          .where('kind', '=', 'foryou')
          .where('frequency', '=', period.frequency)
          .where('period', '=', period.key)
          .where(
            'subscription_id',
            'in',
            page.map((s) => s.id),
          )
          .execute()
      ).map((r) => r.subscription_id),
    );
    const rows: { id: number; email: string; content: ForYouDigestContent }[] = [];
    const toPlan = page.filter((sub) => {
      if (existing.has(sub.id)) summary.alreadyPlanned += 1;
      return !existing.has(sub.id) && !sub.banned;
    });
    const signals = await readerSignalsOf(
      db,
      toPlan.map((sub) => sub.userId),
    );
    const contents: (ForYouDigestContent | undefined)[] = new Array(toPlan.length);
    await eachInFlight(toPlan, deps.profileWalker ? READERS_IN_FLIGHT : 1, async (sub, i) => {
      const actor: Actor = { id: sub.userId, isAdmin: Boolean(sub.is_admin), banned: false };
      contents[i] = await forYouDigestFor(deps, actor, period, sub.max_papers, signals.get(sub.userId));
      // Streaming: a reader's model (weights over the whole hashed space) is dropped once their digest is planned,
      // so memory stays flat however many subscribers there are.
      deps.forYou.models.forget(actor.id);
    });
    toPlan.forEach((sub, i) => {
      const content = contents[i]!;
      if (content.recommended.length + content.followed.length === 0) summary.empty += 1;
      else rows.push({ id: sub.id, email: sub.email, content });
    });
    if (options.dryRun) {
      for (const row of rows) digests.push({ subscriptionId: row.id, email: row.email, paperIds: forYouPaperIds(row.content) });
      summary.planned += rows.length;
      continue;
    }
    await db.transaction().execute(async (trx) => {
      for (let i = 0; i < rows.length; i += batchSize) {
        const batch = rows.slice(i, i + batchSize);
        const inserted = await trx
          .insertInto('digest_outbox')
          .values(
            batch.map((row) => ({
              subscription_id: row.id,
              frequency: period.frequency,
              period: period.key,
              kind: 'foryou' as const,
              email: row.email,
              paper_ids: JSON.stringify(forYouPaperIds(row.content)),
              content: JSON.stringify(row.content),
              message_id: forYouMessageId(period.frequency, period.key, row.id, options.messageIdHost),
              status: 'planned' as const,
              next_attempt_at: nowIso,
              created_at: nowIso,
            })),
          )
          .onConflict((oc) => oc.columns(['subscription_id', 'frequency', 'period', 'kind']).doNothing())
          .returning('id')
          .execute();
        summary.planned += inserted.length;
        summary.alreadyPlanned += batch.length - inserted.length;
      }
    });
  }
  return { ...summary, digests };
}

/** Readers planned at once when worker threads score: some are walked there while the main thread serves the others. */
const READERS_IN_FLIGHT = 6;

const MAX_SCORING_THREADS = 4;

/** Runs `work` over the items with at most `limit` of them in flight. */
async function eachInFlight<T>(items: readonly T[], limit: number, work: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const i = next++;
      await work(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}
