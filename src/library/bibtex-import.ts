import type { Actor } from '../community/community-deps.js';
import { ARXIV_API_MAX_BATCH, fetchArxivPapers } from '../ingest/arxiv-api.js';
import type { Logger } from '../logger.js';
import { parseArxivId } from '../papers/arxiv-id.js';
import type { PaperRecord } from '../papers/paper.js';
import { upsertPapersNotifyingFollowers } from '../notifications/new-papers.js';
import { Refused } from '../refused.js';
import { parseBibtex, type BibtexEntry } from './bibtex-parse.js';
import { MAX_LIBRARY_SIZE, normalizeTag } from './library-limits.js';
import { addTags, countLibrary, insertLibraryItem, publicTagsOf } from './library.repository.js';
import { assertMayUseLibrary, type LibraryDeps } from './library.service.js';

/** Most entries one import reads. */
export const MAX_IMPORT_ENTRIES = 2_000;

export interface ImportDeps extends LibraryDeps {
  readonly logger: Logger;
  readonly arxivApiUrl: string;
  /** Indexes papers that were new to the database for search. */
  readonly search?: { indexPapers(ids: readonly string[]): Promise<void> };
  /** Fetches missing papers; defaults to the arXiv API client. */
  readonly fetchPapers?: (apiUrl: string, ids: readonly string[]) => Promise<{ papers: PaperRecord[] }>;
}

export interface ImportSkip {
  readonly line: number;
  readonly key: string | null;
  readonly reason: string;
}

export interface ImportReport {
  /** Papers newly added to the library (fetched ones included). */
  readonly imported: string[];
  readonly alreadySaved: string[];
  /** Papers that were not in the database and came from the arXiv API. */
  readonly fetched: string[];
  readonly skipped: ImportSkip[];
}

const ARXIV_DOI = /^(?:https?:\/\/(?:dx\.)?doi\.org\/)?10\.48550\/arxiv\.(.+)$/i;

/** The arXiv id an entry names in `eprint`, `url` or an arXiv `doi`; null when it names none. */
export function arxivIdOfEntry(entry: BibtexEntry): string | null {
  const { eprint, archiveprefix, eprinttype, url, doi } = entry.fields;
  const prefix = (archiveprefix ?? eprinttype ?? 'arxiv').trim().toLowerCase();
  if (eprint && prefix === 'arxiv') {
    const id = parseArxivId(eprint.replace(/[{}]/g, ''));
    if (id) return id.id;
  }
  if (url) {
    const id = parseArxivId(url.replace(/[{}]/g, '').replace(/\\_/g, '_').trim());
    if (id) return id.id;
  }
  const arxivDoi = doi ? ARXIV_DOI.exec(doi.replace(/[{}]/g, '').trim()) : null;
  if (arxivDoi?.[1]) return parseArxivId(arxivDoi[1])?.id ?? null;
  return null;
}

const defaultFetch = (apiUrl: string, ids: readonly string[]) => fetchArxivPapers(apiUrl, ids, { maxRetries: 1, timeoutMs: 20_000 });

/**
 * Saves every arXiv paper a BibTeX file names to the actor's library (optionally under one tag). Papers missing
 * from the database are fetched through the arXiv API; everything that cannot be saved is reported with a reason.
 */
export async function importBibtex(deps: ImportDeps, actor: Actor, input: { text: string; tag?: string }): Promise<ImportReport> {
  assertMayUseLibrary(actor);
  const tag = input.tag?.trim() ? normalizeTag(input.tag) : null;
  if (input.tag?.trim() && !tag) throw new Refused('invalid', 'That tag is not usable: use letters, digits, - and _.');
  const parsed = parseBibtex(input.text);
  const skipped: ImportSkip[] = [...parsed.problems];
  if (parsed.entries.length === 0 && parsed.problems.length === 0) throw new Refused('invalid', 'The file holds no BibTeX entries.');
  if (parsed.entries.length > MAX_IMPORT_ENTRIES) {
    throw new Refused('invalid', `An import reads at most ${MAX_IMPORT_ENTRIES} entries; split the file.`);
  }

  const wanted = new Map<string, BibtexEntry>();
  for (const entry of parsed.entries) {
    const id = arxivIdOfEntry(entry);
    if (!id) skipped.push({ line: entry.line, key: entry.key, reason: 'no arXiv id in eprint, url or doi' });
    else if (wanted.has(id)) skipped.push({ line: entry.line, key: entry.key, reason: `a second entry for ${id}` });
    else wanted.set(id, entry);
  }

  const db = deps.store.db;
  const ids = [...wanted.keys()];
  const known = new Map<string, boolean>();
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await db
      .selectFrom('papers')
      .select(['id', 'hidden'])
      .where('id', 'in', ids.slice(i, i + 500))
      .execute();
    for (const row of rows) known.set(row.id, row.hidden === 1);
  }
  const skip = (id: string, reason: string) => {
    const entry = wanted.get(id)!;
    skipped.push({ line: entry.line, key: entry.key, reason });
    wanted.delete(id);
  };
  for (const [id, hidden] of known) if (hidden) skip(id, `${id} has been removed by a moderator`);

  const missing = ids.filter((id) => !known.has(id));
  const records: PaperRecord[] = [];
  for (let i = 0; i < missing.length; i += ARXIV_API_MAX_BATCH) {
    const batch = missing.slice(i, i + ARXIV_API_MAX_BATCH);
    try {
      const result = await (deps.fetchPapers ?? defaultFetch)(deps.arxivApiUrl, batch);
      const found = new Map(result.papers.map((p) => [p.id, p]));
      for (const id of batch) {
        const record = found.get(id);
        if (record) records.push(record);
        else skip(id, `arXiv has no paper with id ${id}`);
      }
    } catch (error) {
      deps.logger.error('arXiv fetch for a BibTeX import failed', { papers: batch.length, error: String(error) });
      for (const id of batch) skip(id, 'arXiv could not be reached to fetch this paper; try again later');
    }
  }

  const now = deps.now().toISOString();
  const { imported, alreadySaved } = await db.transaction().execute(async (trx) => {
    if (records.length > 0) await upsertPapersNotifyingFollowers(trx, deps.store.capabilities.maxParameters, records, now);
    const imported: string[] = [];
    const alreadySaved: string[] = [];
    for (const id of wanted.keys()) {
      if (await insertLibraryItem(trx, actor.id, id, '', now)) imported.push(id);
      else alreadySaved.push(id);
      if (tag) await addTags(trx, actor.id, id, [tag]);
    }
    if (imported.length > 0 && (await countLibrary(trx, actor.id)) > MAX_LIBRARY_SIZE) {
      throw new Refused('conflict', `A library holds at most ${MAX_LIBRARY_SIZE} papers; this import would go past that.`);
    }
    return { imported, alreadySaved };
  });
  const fetched = records.map((r) => r.id);
  if (fetched.length > 0) deps.writes.announce({ kind: 'import', paperIds: fetched });
  const publicTag = tag !== null && (await publicTagsOf(db, actor.id)).has(tag);
  deps.writes.announce({ kind: 'library', userIds: [actor.id], public: publicTag });
  if (fetched.length > 0 && deps.search) {
    await deps.search
      .indexPapers(fetched)
      .catch((error: unknown) => deps.logger.error('indexing imported papers failed', { papers: fetched.length, error: String(error) }));
  }
  skipped.sort((a, b) => a.line - b.line);
  return { imported, alreadySaved, fetched, skipped };
}
