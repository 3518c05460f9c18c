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
