import { sql } from 'kysely';
import type { Store } from '../db/database.js';
import type { Queryable } from '../db/schema.js';
import { getListedPapers, type ListedPaper } from '../feed/paper-listing.js';
import { isIsoDay } from '../feed/period.js';
import type { Logger } from '../logger.js';
import type { EmbedderSpec } from '../config/embedder-spec.js';
import { fuse, fuseWithFeedback, type FusedHit, type FusionMethod, type RankedHit } from './fusion.js';
import { highlight, highlightStems, type HighlightSegment } from './highlight.js';
import { createLexicalIndex } from './lexical/create-lexical-index.js';
import type { DayCounts } from './lexical/day-counts.js';
import type { LexicalIndex } from './lexical/lexical-index.js';
import type { DocumentFrequencies } from './lexical/postings-mirror.js';
import { filtersFromQuery, hasFilters, paperFilterConditions, whereAll, type PaperFilters } from './paper-filters.js';
import { upvotesByPaper } from './paper-upvotes.js';
import { PRIOR_CANDIDATES, isHeadQuery, withPopularityPrior } from './popularity-prior.js';
import { parseQuery, type ParsedQuery } from './query-parser.js';
import { SearchActivity } from './search-activity.js';
import type { SemanticHit } from './semantic/nearest-papers.js';
import type { QueryVector } from './semantic/semantic-reader.js';
import { createSemanticIndex, SemanticUnavailableError, type RebuildReport, type SemanticIndex } from './semantic-index.js';
import { words } from './text.js';

export type { HighlightSegment } from './highlight.js';
export type { ParsedQuery } from './query-parser.js';
export type { DayCounts } from './lexical/day-counts.js';

export type SearchMode = 'lexical' | 'semantic' | 'hybrid';
export const SEARCH_MODES: readonly SearchMode[] = ['lexical', 'semantic', 'hybrid'];

/** What `rebuild` did: the vectors' report, and the keyword index's backlog it finished meanwhile. */
export interface SearchRebuildReport extends RebuildReport {
  readonly fullTextDocuments: { readonly papers: number; readonly seconds: number };
}

export interface SearchRequest {
  q: string;
  mode?: SearchMode;
  limit?: number;
  offset?: number;
  /** ISO days; merged with the query language's cat:, after:, before:. */
  filters?: { categories?: string[]; after?: string; before?: string };
  sort?: 'relevance' | 'date' | 'votes';
  explain?: boolean;
  /** Set to false to skip computing highlights (evaluation, benchmarks). */
  highlight?: boolean;
  /**
   * With it, a short plain query (`isHeadQuery`) ranked by relevance has its best PRIOR_CANDIDATES hits reordered
   * with the popularity prior (upvotes, as `sort=votes` counts them) before the page is cut, so only the page's papers
   * are loaded.
   */
  popularityPrior?: boolean;
}

export interface SearchExplain {
  lexicalRank: number | null;
  lexicalScore: number | null;
  semanticRank: number | null;
  semanticScore: number | null;
  fusedScore: number;
}

/** A hit is a listed paper (with its counts, as feeds and the papers API give them), its score and highlights. */
export interface SearchHit extends ListedPaper {
  score: number;
  highlights: { title: HighlightSegment[]; abstract: HighlightSegment[] };
  explain?: SearchExplain;
}

/** The best `count` of a relevance ranking reordered with the popularity prior; the rest keep their places after them. */
async function withPriorOnTop(db: Queryable, ranked: readonly FusedHit[], count: number): Promise<FusedHit[]> {
  const top = ranked.slice(0, count);
  const upvotes = await upvotesByPaper(
    db,
    top.map((h) => h.paperId),
  );
  const reordered = withPopularityPrior(top.map((entry) => ({ entry, score: entry.fusedScore, upvotes: upvotes.get(entry.paperId) ?? 0 })));
  return [...reordered.map((r) => r.entry), ...ranked.slice(count)];
}

/** The hit with its title and abstract highlighted for the query (for hits searched with `highlight: false`). */
export function withHighlightsOf(hit: SearchHit, parsed: ParsedQuery): SearchHit {
  const stems = highlightStems(parsed);
  return { ...hit, highlights: { title: highlight(hit.paper.title, stems), abstract: highlight(hit.paper.abstract, stems) } };
}

export interface SearchResult {
  hits: SearchHit[];
  total: number;
  /** arXiv id to open directly when the query was an id or arxiv.org URL of a paper in the database. */
  jumpTo?: string;
  parsed: ParsedQuery;
  /** The mode that actually ran (hybrid degrades to lexical when semantic search is unavailable). */
  mode: SearchMode;
  /** Things the user should know: malformed operators read as text, semantic search unavailable. */
  notices: string[];
}

export interface SearchService {
  search(req: SearchRequest): Promise<SearchResult>;
  similar(paperId: string, limit?: number): Promise<ListedPaper[]>;
  /**
   * Visible papers matching every word and phrase of a parsed query (and its filters), by publication day, counted
   * from the keyword index.
   */
  countMatchesByDay(query: ParsedQuery): Promise<DayCounts>;
  /** Called after imports (runImport's onPapersWritten hook). */
  indexPapers(ids: readonly string[]): Promise<void>;
  /** Trains the builtin model when the corpus outgrew it and embeds papers that have no vector yet. */
  refresh(): Promise<void>;
  /**
   * Resolves once the start-up catch-up (training, embedding missing papers) has finished. Searches never wait for
   * it: until then they answer from the vectors that exist.
   */
  whenReady(): Promise<void>;
  /** Keeps the index in step with other processes and the growing corpus, on timers (the server runs these). */
  startBackgroundJobs(): void;
  /** How many visible papers hold each word, out of how many (null while the keyword index cannot tell). */
  documentFrequencies(words: readonly string[]): Promise<DocumentFrequencies | null>;
  /**
   * Retrains the builtin model (or loads the configured embedder) and re-embeds every paper, and meanwhile does the
   * keyword index's backlog at full speed (PostgreSQL's pending documents), so the server starts with none.
   */
  rebuild(progress?: (line: string) => void): Promise<SearchRebuildReport>;
  /** Stops the background jobs and persists the nearest-neighbour index; call before exiting. */
  flush(): Promise<void>;
  /** Null when semantic search works, otherwise why not. */
  semanticUnavailableReason(): string | null;
  /** The id of the loaded embedder, whose vectors searches use (null before one is loaded). */
  activeEmbedderId(): string | null;
}

export interface SearchServiceOptions {
  readonly store: Store;
  readonly logger: Logger;
  readonly embedder: EmbedderSpec;
  readonly embedderKey: string | null;
  readonly dataDir: string | null;
  readonly now?: () => Date;
  /** Overrides the embedder's own fusion settings (evaluation experiments). */
  readonly fusion?: FusionMethod;
  /** 'await' finishes the catch-up before returning (CLI); 'background' lets the server start at once. */
  readonly startup?: 'await' | 'background';
  /**
   * false: only load the embedder at start; training and embedding papers without vectors wait for refresh() or a
   * later start (imports use this, so an import never waits for a model to be trained).
   */
  readonly catchUp?: boolean;
  readonly maxTrainingPapers?: number;
  readonly builtinDimensions?: number;
  /** Keep the SQLite keyword index in memory too (default true; one-shot commands turn it off). */
  readonly lexicalInMemory?: boolean;
}

/** Hugging Face allows 120 papers per search request. */
const MAX_LIMIT = 120;
/** Candidates each ranking contributes before fusion; also the deepest page reachable. */
const MIN_DEPTH = 100;
const MAX_DEPTH = 1000;

function clampInt(value: number | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined || !Number.isFinite(value)) return fallback;
  return Math.min(max, Math.max(min, Math.floor(value)));
}

/** True when the paper text satisfies the phrases and exclusions (for candidates that did not come from full text). */
function satisfiesTextConstraints(text: string, query: ParsedQuery): boolean {
  if (query.phrases.length === 0 && query.excluded.length === 0) return true;
  const normalised = ` ${words(text).join(' ')} `;
  if (!query.phrases.every((p) => normalised.includes(` ${p} `))) return false;
  return !query.excluded.some((e) => normalised.includes(` ${e} `));
}

class DefaultSearchService implements SearchService {
  private readonly lexical: LexicalIndex;
  private readonly searches = new SearchActivity();
  private readonly semantic: SemanticIndex;
  private readonly ready: Promise<void>;

  constructor(private readonly options: SearchServiceOptions) {
    this.lexical = createLexicalIndex(options.store, { inMemory: options.lexicalInMemory ?? true, dataDir: options.dataDir });
    this.semantic = createSemanticIndex(options.store, {
      spec: options.embedder,
      apiKey: options.embedderKey,
      dataDir: options.dataDir,
      logger: options.logger,
      now: options.now,
      maxTrainingPapers: options.maxTrainingPapers,
      builtinDimensions: options.builtinDimensions,
    });
    const { maintenance } = this.semantic;
    const semanticReady = (options.catchUp === false ? maintenance.load() : maintenance.start()).catch((error: unknown) => {
      options.logger.error('semantic search could not start', { error: String(error) });
    });
    const lexicalReady = this.lexical
      .start()
      .then((report) => report && options.logger.info('keyword index loaded into memory', { ...report }))
      .catch((error: unknown) => {
        options.logger.error('the in-memory keyword index could not be built; keyword search uses the database', { error: String(error) });
      });
    this.ready = Promise.all([semanticReady, lexicalReady]).then(() => undefined);
  }

  whenReady(): Promise<void> {
    return this.ready;
  }

  semanticUnavailableReason(): string | null {
    return this.semantic.state.unavailableReason();
  }

  activeEmbedderId(): string | null {
    return this.semantic.state.embedderId();
  }

  documentFrequencies(words: readonly string[]): Promise<DocumentFrequencies | null> {
    return this.lexical.documentFrequencies(words);
  }

  startBackgroundJobs(): void {
    this.semantic.maintenance.startBackgroundJobs();
    this.lexical.startBackgroundJobs(this.options.logger, this.searches);
  }

  private get db() {
    return this.options.store.db;
  }

  search(req: SearchRequest): Promise<SearchResult> {
    return this.searches.during(() => this.answer(req));
  }

  private async answer(req: SearchRequest): Promise<SearchResult> {
    const parsed = parseQuery(req.q ?? '');
    const limit = clampInt(req.limit, 20, 1, MAX_LIMIT);
    const offset = clampInt(req.offset, 0, 0, MAX_DEPTH);
    const requested: SearchMode = req.mode && SEARCH_MODES.includes(req.mode) ? req.mode : 'hybrid';
    const notices = [...parsed.notes];
    const filters = filtersFromQuery(parsed, {
      categories: req.filters?.categories,
      after: isIsoDay(req.filters?.after) ? req.filters.after : undefined,
      before: isIsoDay(req.filters?.before) ? req.filters.before : undefined,
    });

    if (parsed.jumpTo) {
      const listed = (await this.visiblePapers([parsed.jumpTo])).get(parsed.jumpTo);
      if (listed) {
        return { hits: [this.hit(listed, 1, parsed)], total: 1, jumpTo: listed.paper.id, parsed, mode: requested, notices };
      }
      notices.push(`No paper ${parsed.jumpTo} in this collection.`);
      return { hits: [], total: 0, parsed, mode: requested, notices };
    }

    const depth = Math.min(MAX_DEPTH, Math.max(MIN_DEPTH, offset + limit));
    let mode = requested;
    let ranked: FusedHit[];
    if (parsed.terms.length === 0 && parsed.phrases.length === 0) {
      ranked = hasFilters(filters) ? await this.filterOnly(filters, parsed, depth) : [];
    } else {
      // Both sides at once: on PostgreSQL their round trips overlap.
      const [meaning, lexical] = await Promise.all([
        mode === 'lexical' ? null : this.semanticSide(parsed, filters, depth),
        mode === 'semantic' ? [] : this.lexical.search(parsed, filters, depth),
      ]);
      let query: QueryVector | null = null;
      let semantic: SemanticHit[] = [];
      if (meaning instanceof SemanticUnavailableError) {
        if (mode === 'semantic') throw meaning;
        notices.push(meaning.message);
        mode = 'lexical';
      } else if (meaning) ({ query, hits: semantic } = meaning);
      ranked =
        mode === 'lexical'
          ? lexical.map((h, i) => ({
              paperId: h.paperId,
              fusedScore: h.score,
              lexicalRank: i + 1,
              lexicalScore: h.score,
              semanticRank: null,
              semanticScore: null,
            }))
          : mode === 'semantic'
            ? semantic.map((h, i) => ({
                paperId: h.paperId,
                fusedScore: h.score,
                lexicalRank: null,
                lexicalScore: null,
                semanticRank: i + 1,
                semanticScore: h.score,
              }))
            : await this.hybrid(query, lexical, semantic);
    }

    if (req.sort === 'date' || req.sort === 'votes') ranked = await this.reorder(ranked, req.sort);
    else if (req.popularityPrior && isHeadQuery(parsed)) {
      ranked = await withPriorOnTop(this.db, ranked, Math.max(PRIOR_CANDIDATES, offset + limit));
    }
    const page = ranked.slice(offset, offset + limit);
    const papers = await this.visiblePapers(page.map((h) => h.paperId));
    const hits: SearchHit[] = [];
    for (const entry of page) {
      const listed = papers.get(entry.paperId);
      if (!listed) continue;
      const hit = this.hit(listed, entry.fusedScore, parsed, req.highlight !== false);
      if (req.explain) {
        hit.explain = {
          lexicalRank: entry.lexicalRank,
          lexicalScore: entry.lexicalScore,
          semanticRank: entry.semanticRank,
          semanticScore: entry.semanticScore,
          fusedScore: entry.fusedScore,
        };
      }
      hits.push(hit);
    }
    return { hits, total: ranked.length, parsed, mode, notices };
  }

  /** The query's vector and its nearest papers, or why semantic search cannot answer now. */
  private async semanticSide(
    parsed: ParsedQuery,
    filters: PaperFilters,
    depth: number,
  ): Promise<{ query: QueryVector | null; hits: SemanticHit[] } | SemanticUnavailableError> {
    try {
      const query = await this.semantic.reader.embedQuery(parsed.text);
      return { query, hits: query ? await this.semanticCandidates(query, parsed, filters, depth) : [] };
    } catch (error) {
      if (error instanceof SemanticUnavailableError) return error;
      throw error;
    }
  }

  private async semanticCandidates(query: QueryVector, parsed: ParsedQuery, filters: PaperFilters, depth: number): Promise<SemanticHit[]> {
    const constrained = parsed.phrases.length > 0 || parsed.excluded.length > 0;
    const hits = await this.semantic.reader.nearest(query, constrained ? depth * 3 : depth, filters);
    if (!constrained) return hits;
    const texts = await this.texts(hits.map((h) => h.paperId));
    return hits.filter((h) => satisfiesTextConstraints(texts.get(h.paperId) ?? '', parsed)).slice(0, depth);
  }

  /**
   * Fuses both rankings. Every candidate gets its query similarity (also keyword hits the nearest-neighbour search
   * did not return), so fusion compares all of them on both signals instead of treating "not in the top k" as zero.
   */
  private async hybrid(query: QueryVector | null, lexical: readonly RankedHit[], semantic: readonly SemanticHit[]): Promise<FusedHit[]> {
    if (!query || semantic.length === 0) return fuse(lexical, [], { kind: 'convex', semanticWeight: 0 });
    const method = this.options.fusion ?? query.fusion;
    const candidates = [...new Set([...lexical.map((h) => h.paperId), ...semantic.map((h) => h.paperId)])];
    const seeds = method.kind === 'feedback' ? lexical.slice(0, method.seeds).map((h) => h.paperId) : [];
    const known = new Map(semantic.map((h) => [h.paperId, h.vector]));
    const { similarity, feedback } = await this.semantic.reader.candidateScores(query, candidates, seeds, known);
    const complete = [...similarity].map(([paperId, score]) => ({ paperId, score })).sort((a, b) => b.score - a.score);
    return method.kind === 'feedback' ? fuseWithFeedback(lexical, complete, feedback, method) : fuse(lexical, complete, method);
  }

  private async texts(ids: readonly string[]): Promise<Map<string, string>> {
    if (ids.length === 0) return new Map();
    const rows = await this.db.selectFrom('papers').select(['id', 'title', 'abstract']).where('id', 'in', ids).execute();
    return new Map(rows.map((r) => [r.id, `${r.title} ${r.abstract}`]));
  }

  /** A query of only operators (cat:cs.CV after:2025-01-01): the matching papers, newest first. */
  private async filterOnly(filters: PaperFilters, parsed: ParsedQuery, depth: number): Promise<FusedHit[]> {
    const result = await sql<{ id: string; title: string; abstract: string }>`
      SELECT papers.id AS id, papers.title AS title, papers.abstract AS abstract FROM papers
      WHERE ${whereAll(paperFilterConditions(filters))}
      ORDER BY papers.published_at DESC, papers.id LIMIT ${depth * 2}`.execute(this.db);
    return result.rows
      .filter((row) => satisfiesTextConstraints(`${row.title} ${row.abstract}`, parsed))
      .slice(0, depth)
      .map((row) => ({ paperId: row.id, fusedScore: 0, lexicalRank: null, lexicalScore: null, semanticRank: null, semanticScore: null }));
  }

  private async reorder(ranked: readonly FusedHit[], sort: 'date' | 'votes'): Promise<FusedHit[]> {
    const ids = ranked.map((h) => h.paperId);
    const position = new Map(ids.map((id, i) => [id, i]));
    if (sort === 'votes') {
      const votes = await upvotesByPaper(this.db, ids);
      return [...ranked].sort(
        (a, b) => (votes.get(b.paperId) ?? 0) - (votes.get(a.paperId) ?? 0) || position.get(a.paperId)! - position.get(b.paperId)!,
      );
    }
    const dates = new Map<string, string>();
    for (let i = 0; i < ids.length; i += 500) {
      const rows = await this.db
        .selectFrom('papers')
        .select(['id', 'published_at'])
        .where('id', 'in', ids.slice(i, i + 500))
        .execute();
      for (const row of rows) dates.set(row.id, row.published_at ?? '');
    }
    return [...ranked].sort((a, b) => {
      const da = dates.get(a.paperId) ?? '';
      const dbb = dates.get(b.paperId) ?? '';
      return da < dbb ? 1 : da > dbb ? -1 : position.get(a.paperId)! - position.get(b.paperId)!;
    });
  }

  private hit(listed: ListedPaper, score: number, parsed: ParsedQuery, withHighlights = true): SearchHit {
    const hit: SearchHit = { ...listed, score, highlights: { title: [], abstract: [] } };
    return withHighlights ? withHighlightsOf(hit, parsed) : hit;
  }

  /** The papers of a page, with their counts, in one query; hidden ones are left out. */
  private async visiblePapers(ids: readonly string[]): Promise<Map<string, ListedPaper>> {
    const listed = await getListedPapers(this.db, ids);
    for (const [id, entry] of listed) if (entry.paper.hidden) listed.delete(id);
    return listed;
  }

  async similar(paperId: string, limit = 10): Promise<ListedPaper[]> {
    const n = clampInt(limit, 10, 1, MAX_LIMIT);
    let hits: RankedHit[];
    try {
      hits = await this.semantic.reader.similar(paperId, n, filtersFromQuery(parseQuery('')));
    } catch (error) {
      if (error instanceof SemanticUnavailableError) return this.lexicallySimilar(paperId, n);
      throw error;
    }
    if (hits.length === 0) return this.lexicallySimilar(paperId, n);
    const papers = await this.visiblePapers(hits.map((h) => h.paperId));
    return hits.map((h) => papers.get(h.paperId)).filter((p): p is ListedPaper => p !== undefined);
  }

  countMatchesByDay(query: ParsedQuery): Promise<DayCounts> {
    return this.lexical.countByDay(query, filtersFromQuery(query));
  }

  /** Without vectors, the papers sharing the most title words. */
  private async lexicallySimilar(paperId: string, limit: number): Promise<ListedPaper[]> {
    const row = await this.db.selectFrom('papers').select('title').where('id', '=', paperId).executeTakeFirst();
    if (!row) return [];
    const parsed = parseQuery(words(row.title).join(' '));
    const hits = await this.lexical.search(parsed, filtersFromQuery(parsed), limit + 1);
    const papers = await this.visiblePapers(hits.map((h) => h.paperId).filter((id) => id !== paperId));
    return hits
      .map((h) => papers.get(h.paperId))
      .filter((p): p is ListedPaper => p !== undefined)
      .slice(0, limit);
  }

  async indexPapers(ids: readonly string[]): Promise<void> {
    await this.ready;
    await this.semantic.maintenance.indexPapers(ids);
  }

  async refresh(): Promise<void> {
    await this.ready;
    await this.semantic.maintenance.refresh();
  }

  async rebuild(progress: (line: string) => void = () => undefined): Promise<SearchRebuildReport> {
    await this.ready;
    // The keyword side's backlog is the database's work and the vectors mostly this process's: they overlap.
    const fullTextStarted = performance.now();
    const [vectors, fullTextDocuments] = await Promise.all([
      this.semantic.maintenance.rebuild(progress),
      this.lexical.finishBacklog(progress).then((papers) => ({ papers, seconds: Math.round(performance.now() - fullTextStarted) / 1000 })),
    ]);
    return { ...vectors, fullTextDocuments };
  }

  async flush(): Promise<void> {
    await Promise.all([this.semantic.maintenance.stop(), this.lexical.flush()]);
  }
}

export async function createSearchService(options: SearchServiceOptions): Promise<SearchService> {
  const service = new DefaultSearchService(options);
  if (options.startup === 'await') await service.whenReady();
  return service;
}
