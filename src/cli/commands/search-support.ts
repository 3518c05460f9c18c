import type { Config } from '../../config.js';
import type { Store } from '../../db/database.js';
import { silentLogger, type Logger } from '../../logger.js';
import { openMigratedStore } from '../../runtime.js';
import { createSearchService, SEARCH_MODES, type SearchMode, type SearchService } from '../../search/search.service.js';
import { UsageError, type CommandIo } from '../command.js';

/** Opens the database and the search service, brought up to date with every paper (unless catchUp is false), then runs `work`. */
export async function withSearch<T>(
  config: Config,
  io: CommandIo,
  work: (search: SearchService, store: Store) => Promise<T>,
  options: { catchUp?: boolean } = {},
): Promise<T> {
  const store = await openMigratedStore(config);
  const logger: Logger = {
    info: silentLogger.info,
    error: (message, fields) =>
      io.err(`${message}${fields?.message ? `: ${String(fields.message)}` : fields?.error ? `: ${String(fields.error)}` : ''}`),
  };
  try {
    const search = await createSearchService({
      store,
      logger,
      embedder: config.embedder,
      embedderKey: config.embedderKey,
      dataDir: config.dataDir,
      startup: 'await',
      catchUp: options.catchUp,
      // One command runs a query or two: FTS5 ranks them the same without building the in-memory copy first.
      lexicalInMemory: false,
    });
    try {
      return await work(search, store);
    } finally {
      await search.flush();
    }
  } finally {
    await store.close();
  }
}

/** How an import command hands the papers it wrote to search. */
export interface ImportIndexing {
  /** Embeds newly written papers; undefined on a dry run, which writes nothing. */
  readonly onPapersWritten: ((ids: readonly string[]) => Promise<void>) | undefined;
  /** Waits for the embedding under way and closes the search service. */
  flush(): Promise<void>;
}

/**
 * The search service an import embeds its new papers with. Indexing failures never fail the import: papers left
 * without vectors (and a first or outgrown builtin model) are handled by the next catch-up, when the server starts or
 * `paperboy index rebuild` / `search` runs.
 */
export async function importIndexing(config: Config, io: CommandIo, store: Store, dryRun: boolean): Promise<ImportIndexing> {
  if (dryRun) return { onPapersWritten: undefined, flush: async () => undefined };
  const search = await createSearchService({
    store,
    logger: silentLogger,
    embedder: config.embedder,
    embedderKey: config.embedderKey,
    dataDir: config.dataDir,
    startup: 'await',
    catchUp: false,
    lexicalInMemory: false,
  });
  const deferIndexing = (error: unknown) => io.err(`search indexing deferred: ${error instanceof Error ? error.message : String(error)}`);
  return {
    onPapersWritten: (ids) => search.indexPapers(ids).catch(deferIndexing),
    flush: () => search.flush(),
  };
}

export function parseMode(value: string | undefined): SearchMode | undefined {
  if (value === undefined) return undefined;
  if (!SEARCH_MODES.includes(value as SearchMode))
    throw new UsageError(`--mode must be one of ${SEARCH_MODES.join(', ')} (got "${value}")`);
  return value as SearchMode;
}

export function parsePositiveInt(name: string, value: string | undefined, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > max)
    throw new UsageError(`--${name} must be a whole number from 1 to ${max} (got "${value}")`);
  return Number(value);
}
