import type { Store } from '../db/database.js';
import { trendingPapersOfPeriod, trendingScores } from './digest-papers.js';
import type { Period } from '../feed/period.js';
import type { ForYouDeps } from '../foryou/recommendations.js';
import { planForYouPeriod, type ForYouPlanSummary } from './foryou-planner.js';
import type { PlannedDigest } from './planned-digest.js';

/** Papers matching a saved search among the papers of a period, with their search score (see topic-search.ts). */
export type TopicMatcher = (
  query: string,
  period: Period,
  limit: number,
) => Promise<readonly { readonly id: string; readonly score: number }[]>;

export interface PlanOptions {
  readonly now: Date;
  /** Host part of the deterministic Message-IDs. */
  readonly messageIdHost: string;
  readonly topicMatcher: TopicMatcher | null;
  /** Only this subscriber (must be confirmed). */
  readonly email?: string;
  /** Compute who would get what, write nothing. */
  readonly dryRun?: boolean;
  /** Subscriptions read per round trip. */
  readonly pageSize?: number;
  /** The For-you engine; without it no For-you digest is planned (a process that cannot rank, e.g. a bare CLI). */
  readonly forYou?: ForYouDeps | null;
}

export type { PlannedDigest };

/** A subscriber who gets no digest this run because their saved search could not be run. */
export interface PlanFailure {
  readonly subscriptionId: number;
  readonly email: string;
  readonly topics: string;
  readonly reason: string;
}

export interface PlanSummary {
  readonly period: Period;
  readonly subscribers: number;
  readonly planned: number;
  /** Subscribers with nothing new to read this period: no mail. */
  readonly empty: number;
  readonly alreadyPlanned: number;
  /** Topic subscriptions whose saved search could not be run (search unavailable or the query failed). */
  readonly topicErrors: number;
  /** Who those subscribers are and why (the same count as topicErrors). */
  readonly failures: PlanFailure[];
  /** Filled on a dry run. */
  readonly digests: PlannedDigest[];
  /** The For-you digests of the period (subscribers who chose For you alone or besides trending). */
  readonly forYou: ForYouPlanSummary | null;
}

/** Candidates per digest list: the most a subscriber can ask for plus room for papers they have already had. */
const CANDIDATES = 400;

export function digestMessageId(frequency: string, period: string, subscriptionId: number, host: string): string {
  return `<digest.${frequency}.${period}.${subscriptionId}@${host}>`;
}

/**
 * Plans one period: for every confirmed subscriber of that frequency who gets the trending (or topic) digest and has
 * none for it yet, picks the top
 * papers they have not been sent before and writes one outbox row plus the papers it carries, in one transaction
 * per page. The outbox's unique (subscription, frequency, period) key makes planning idempotent and safe to run
 * from several processes at once: a row that already exists is skipped together with its papers. The For-you digests
 * of the period are planned next (foryou-planner.ts), in their own outbox rows.
 */
export async function planPeriod(store: Store, period: Period, options: PlanOptions): Promise<PlanSummary> {
  const db = store.db;
  const pageSize = options.pageSize ?? 2000;
  const trending = await trendingPapersOfPeriod(db, period, CANDIDATES);
  /** Each saved search's ranked papers, or why it could not be run. */
  const topicLists = new Map<string, readonly string[] | { readonly failed: string }>();
  const failures: PlanFailure[] = [];
  const summary = { subscribers: 0, planned: 0, empty: 0, alreadyPlanned: 0, topicErrors: 0 };
  const digests: PlannedDigest[] = [];
  const nowIso = options.now.toISOString();
  const outboxColumns = 9;
  const outboxBatch = Math.max(1, Math.floor(store.capabilities.maxParameters / outboxColumns) - 1);
  const paperBatch = Math.max(1, Math.floor(store.capabilities.maxParameters / 3) - 1);

  async function topicList(query: string): Promise<readonly string[] | { readonly failed: string }> {
    const known = topicLists.get(query);
    if (known) return known;
    let ranked: readonly string[] | { readonly failed: string };
    if (!options.topicMatcher) {
      ranked = { failed: 'topic search is not available in this process' };
    } else {
      try {
        const matches = await options.topicMatcher(query, period, CANDIDATES);
        // Ranked by the (hybrid) search score, then by trending score among equally relevant papers.
        const trendingOf = await trendingScores(
          db,
          matches.map((m) => m.id),
        );
        ranked = matches
          .filter((m) => trendingOf.has(m.id))
          .sort((a, b) => b.score - a.score || trendingOf.get(b.id)! - trendingOf.get(a.id)! || a.id.localeCompare(b.id))
          .map((m) => m.id);
      } catch (error) {
        ranked = { failed: error instanceof Error ? error.message : String(error) };
      }
    }
    topicLists.set(query, ranked);
    return ranked;
  }

  let afterId = 0;
  for (;;) {
    let query = db
      .selectFrom('subscriptions')
      .select(['id', 'email', 'topics', 'max_papers'])
      .where('status', '=', 'confirmed')
      .where('frequency', '=', period.frequency)
      .where('digest_kinds', '!=', 'foryou')
      .where('id', '>', afterId)
      .orderBy('id')
      .limit(pageSize);
    if (options.email) query = query.where('email', '=', options.email);
    const page = await query.execute();
    if (page.length === 0) break;
    afterId = page[page.length - 1]!.id;
    summary.subscribers += page.length;
    const ids = page.map((s) => s.id);

    const lists = new Map<number, readonly string[]>();
    const referenced = new Set<string>();
    for (const sub of page) {
      const list = sub.topics ? await topicList(sub.topics) : trending;
      if ('failed' in list) {
        summary.topicErrors += 1;
        failures.push({ subscriptionId: sub.id, email: sub.email, topics: sub.topics ?? '', reason: list.failed });
        continue;
      }
      lists.set(sub.id, list);
      for (const id of list) referenced.add(id);
    }

    const existing = new Set(
      (
        await db
          .selectFrom('digest_outbox')
          .select('subscription_id')
          .where('kind', '=', 'trending')
          .where('frequency', '=', period.frequency)
          .where('period', '=', period.key)
          .where('subscription_id', 'in', ids)
          .execute()
      ).map((r) => r.subscription_id),
    );
    const alreadySent = new Set<string>();
    const paperIds = [...referenced];
    for (let i = 0; i < paperIds.length; i += 500) {
      const rows = await db
        .selectFrom('digest_sent_papers')
        .select(['subscription_id', 'paper_id'])
        .where('subscription_id', '>=', ids[0]!)
        .where('subscription_id', '<=', afterId)
        .where('paper_id', 'in', paperIds.slice(i, i + 500))
        .execute();
      for (const row of rows) alreadySent.add(`${row.subscription_id}\u0000${row.paper_id}`);
    }

    const rows: { sub: (typeof page)[number]; papers: string[] }[] = [];
    for (const sub of page) {
      const list = lists.get(sub.id);
      if (!list) continue;
      if (existing.has(sub.id)) {
        summary.alreadyPlanned += 1;
        continue;
      }
      const papers: string[] = [];
      for (const id of list) {
        if (papers.length >= sub.max_papers) break;
        if (!alreadySent.has(`${sub.id}\u0000${id}`)) papers.push(id);
      }
      if (papers.length === 0) summary.empty += 1;
      else rows.push({ sub, papers });
    }

    if (options.dryRun) {
      for (const { sub, papers } of rows) digests.push({ subscriptionId: sub.id, email: sub.email, paperIds: papers });
      summary.planned += rows.length;
      continue;
    }

    await db.transaction().execute(async (trx) => {
      for (let i = 0; i < rows.length; i += outboxBatch) {
        const batch = rows.slice(i, i + outboxBatch);
        const inserted = await trx
          .insertInto('digest_outbox')
          .values(
            batch.map(({ sub, papers }) => ({
              subscription_id: sub.id,
              frequency: period.frequency,
              period: period.key,
              email: sub.email,
              paper_ids: JSON.stringify(papers),
              message_id: digestMessageId(period.frequency, period.key, sub.id, options.messageIdHost),
              status: 'planned' as const,
              next_attempt_at: nowIso,
              created_at: nowIso,
            })),
          )
          .onConflict((oc) => oc.columns(['subscription_id', 'frequency', 'period', 'kind']).doNothing())
          .returning(['id', 'subscription_id'])
          .execute();
        summary.planned += inserted.length;
        summary.alreadyPlanned += batch.length - inserted.length;
        const outboxIds = new Map(inserted.map((r) => [r.subscription_id, r.id]));
        const sentRows = batch.flatMap(({ sub, papers }) => {
          const outboxId = outboxIds.get(sub.id);
          return outboxId === undefined
            ? []
            : papers.map((paperId) => ({ subscription_id: sub.id, paper_id: paperId, outbox_id: outboxId }));
        });
        for (let j = 0; j < sentRows.length; j += paperBatch) {
          await trx
            .insertInto('digest_sent_papers')
            .values(sentRows.slice(j, j + paperBatch))
            .onConflict((oc) => oc.columns(['subscription_id', 'paper_id']).doNothing())
            .execute();
        }
      }
    });
  }
  const forYou = options.forYou
    ? await planForYouPeriod(store, options.forYou, period, {
        now: options.now,
        messageIdHost: options.messageIdHost,
        email: options.email,
        dryRun: options.dryRun,
      })
    : null;
  return { period, ...summary, failures, digests, forYou };
}
