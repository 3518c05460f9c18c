import type { Logger } from '../logger.js';
import { fetchArxivPapers } from '../ingest/arxiv-api.js';
import { parseArxivId } from '../papers/arxiv-id.js';
import type { PaperRecord } from '../papers/paper.js';
import { upsertPapersNotifyingFollowers } from '../notifications/new-papers.js';
import { recomputeTrending } from '../trending/trending.repository.js';
import { CommunityError } from './community-error.js';
import { assertNotBanned, type Actor, type CommunityDeps } from './community-deps.js';

export interface SubmissionDeps extends CommunityDeps {
  readonly logger: Logger;
  readonly arxivApiUrl: string;
  /** Indexes papers that were new to the database for search. */
  readonly search?: { indexPapers(ids: readonly string[]): Promise<void> };
  /** Fetches missing papers; defaults to the arXiv API client. */
  readonly fetchPapers?: (apiUrl: string, ids: readonly string[]) => Promise<{ papers: PaperRecord[] }>;
}

export interface Submission {
  readonly paperId: string;
  readonly day: string;
  /** True when the paper had to be fetched from arXiv. */
  readonly fetched: boolean;
}

const defaultFetch = (apiUrl: string, ids: readonly string[]) => fetchArxivPapers(apiUrl, ids, { maxRetries: 1, timeoutMs: 20_000 });

/**
 * Puts a paper on today's feed on behalf of a user. Papers not in the database yet are fetched through the arXiv
 * API first. A paper that is already on a feed is refused with the day it appeared.
 */
export async function submitPaper(deps: SubmissionDeps, actor: Actor, input: { paper: string }): Promise<Submission> {
  assertNotBanned(actor);
  const now = deps.now();
  const parsed = parseArxivId(input.paper);
  if (!parsed) throw new CommunityError('invalid', 'Give an arXiv id such as 2501.12345, or an arxiv.org/abs/… URL.');
  const id = parsed.id;
  const db = deps.store.db;
  const day = now.toISOString().slice(0, 10);

  const existing = await db.selectFrom('papers').select(['id', 'hidden']).where('id', '=', id).executeTakeFirst();
  if (existing?.hidden) throw new CommunityError('forbidden', 'This paper has been removed by a moderator and cannot be submitted.');
  const featured = await db.selectFrom('feed_entries').select('day').where('paper_id', '=', id).orderBy('day').executeTakeFirst();
  if (featured) throw new CommunityError('conflict', `Thanks! This paper is already on the feed (featured on ${featured.day}).`);

  let fetched = false;
  let record: PaperRecord | null = null;
  if (!existing) {
    let result: { papers: PaperRecord[] };
    try {
      result = await (deps.fetchPapers ?? defaultFetch)(deps.arxivApiUrl, [id]);
    } catch (error) {
      deps.logger.error('arXiv fetch for a submission failed', { paperId: id, error: String(error) });
      throw new CommunityError('unavailable', 'arXiv could not be reached to fetch this paper. Please try again later.');
    }
    record = result.papers.find((p) => p.id === id) ?? null;
    if (!record) throw new CommunityError('invalid', `arXiv has no paper with id ${id}.`);
    fetched = true;
  }

  const stamp = now.toISOString();
  const inserted = await db.transaction().execute(async (trx) => {
    if (record) await upsertPapersNotifyingFollowers(trx, deps.store.capabilities.maxParameters, [record], stamp);
    const rows = await trx
      .insertInto('feed_entries')
      .values({
        day,
        paper_id: id,
        imported_upvotes: 0,
        imported_comments: 0,
        submitted_by: actor.id,
        source: 'submission',
        created_at: stamp,
      })
      .onConflict((oc) => oc.columns(['day', 'paper_id']).doNothing())
      .returning('paper_id')
      .execute();
    if (rows.length > 0) await recomputeTrending(trx, [id]);
    return rows.length > 0;
  });
  if (!inserted) throw new CommunityError('conflict', 'Thanks! Someone submitted this paper a moment ago.');
  deps.writes.announce({ kind: 'submission', paperIds: [id] });
  if (fetched && deps.search) {
    await deps.search
      .indexPapers([id])
      .catch((error: unknown) => deps.logger.error('indexing a submitted paper failed', { paperId: id, error: String(error) }));
  }
  return { paperId: id, day, fetched };
}
