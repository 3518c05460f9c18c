import type { Actor } from '../community/community-deps.js';
import type { Queryable } from '../db/schema.js';
import type { Store } from '../db/database.js';
import { parseArxivId } from '../papers/arxiv-id.js';
import { isVisiblePaper } from '../papers/visible-paper.js';
import { Refused } from '../refused.js';
import type { SearchService } from '../search/search.service.js';
import type { WriteAnnouncer } from '../write-events.js';

/** Papers one reader may name as their own. */
export const MAX_AUTHORED_PAPERS = 500;
/** Ids one form or request may name at once. */
export const MAX_AUTHORED_PER_REQUEST = 50;

export interface AuthoredDeps {
  readonly store: Store;
  readonly now: () => Date;
  readonly writes: WriteAnnouncer;
}

export interface AddAuthoredResult {
  /** Papers added now (already listed ones are not repeated). */
  readonly added: readonly string[];
  /** What was typed but is no arXiv id, or a paper this instance does not have. */
  readonly skipped: readonly { readonly input: string; readonly reason: string }[];
}

function assertMayEdit(actor: Actor): void {
  if (actor.banned) throw new Refused('forbidden', 'Your account is banned.');
}

/** arXiv ids or URLs separated by whitespace or commas. */
export function splitIds(text: string): string[] {
  return text
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter(Boolean);
}

export async function authoredPaperIds(db: Queryable, userId: number): Promise<string[]> {
  const rows = await db
    .selectFrom('authored_papers')
    .select('paper_id')
    .where('user_id', '=', userId)
    .orderBy('created_at', 'desc')
    .orderBy('paper_id')
    .execute();
  return rows.map((r) => r.paper_id);
}

/**
 * Names papers the reader wrote: they become their For-you profile. Papers must be on this instance and visible;
 * the rest is reported as skipped, not refused, so one typo does not lose the other ids.
 */
export async function addAuthoredPapers(
  deps: AuthoredDeps,
  actor: Actor,
  input: { readonly ids: readonly string[] },
): Promise<AddAuthoredResult> {
  assertMayEdit(actor);
  if (input.ids.length > MAX_AUTHORED_PER_REQUEST) throw new Refused('invalid', `Name at most ${MAX_AUTHORED_PER_REQUEST} papers at once.`);
  const now = deps.now().toISOString();
  const skipped: { input: string; reason: string }[] = [];
  const added = await deps.store.db.transaction().execute(async (trx) => {
    const fresh: string[] = [];
    for (const raw of input.ids) {
      const id = parseArxivId(raw)?.id;
      if (!id) {
        skipped.push({ input: raw, reason: 'not an arXiv id' });
        continue;
      }
      if (!(await isVisiblePaper(trx, id))) {
        skipped.push({ input: raw, reason: 'not on this instance' });
        continue;
      }
      const rows = await trx
        .insertInto('authored_papers')
        .values({ user_id: actor.id, paper_id: id, created_at: now })
        .onConflict((oc) => oc.columns(['user_id', 'paper_id']).doNothing())
        .returning('paper_id')
        .execute();
      if (rows.length > 0) fresh.push(id);
    }
    const total = await trx
      .selectFrom('authored_papers')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('user_id', '=', actor.id)
      .executeTakeFirstOrThrow();
    if (Number(total.n) > MAX_AUTHORED_PAPERS)
      throw new Refused('conflict', `You can name at most ${MAX_AUTHORED_PAPERS} papers as yours.`);
    return fresh;
  });
  if (added.length > 0) deps.writes.announce({ kind: 'authored', userIds: [actor.id] });
  return { added, skipped };
}

export async function removeAuthoredPaper(deps: AuthoredDeps, actor: Actor, input: { readonly paperId: string }): Promise<boolean> {
  assertMayEdit(actor);
  const result = await deps.store.db
    .deleteFrom('authored_papers')
    .where('user_id', '=', actor.id)
    .where('paper_id', '=', input.paperId)
    .executeTakeFirst();
  const removed = Number(result.numDeletedRows) > 0;
  if (removed) deps.writes.announce({ kind: 'authored', userIds: [actor.id] });
  return removed;
}

/** Papers by an author name as written, through the search engine's `author:` filter, newest first. */
export async function papersByAuthorName(search: Pick<SearchService, 'search'>, name: string, limit = 20): Promise<string[]> {
  const clean = name.replace(/["\\]/g, ' ').replace(/\s+/g, ' ').trim();
  if (clean === '') return [];
  const result = await search.search({ q: `author:"${clean}"`, limit, sort: 'date', highlight: false });
  return result.hits.map((hit) => hit.paper.id);
}
