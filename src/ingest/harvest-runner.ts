import type { Store } from '../db/database.js';
import { getJobState, setJobState } from '../db/job-state.repository.js';
import type { Queryable } from '../db/schema.js';
import type { PaperRecord } from '../papers/paper.js';
import { upsertPapersNotifyingFollowers } from '../notifications/new-papers.js';
import { scoreOnArrival } from '../trending/trending-score.js';
import { emptyImportSummary, recordSkip, type ImportSummary } from './import-runner.js';
import { fetchListRecordsPage, OaiProtocolError, type ListRecordsPage, type ListRecordsQuery } from './oai-pmh.js';
import type { PoliteHttpClient } from './polite-http.js';
import { ProgressMeter, silentProgress, type ProgressSink } from './progress.js';

/** What a harvest remembers between runs, per set. */
export interface HarvestState {
  /** The newest datestamp of the last complete harvest: the next run's `from`. */
  readonly lastDatestamp: string | null;
  /** A list that was interrupted part-way, resumed by the next run with the same query. */
  readonly inFlight: {
    readonly endpoint: string;
    readonly from: string | null;
    readonly until: string | null;
    readonly resumptionToken: string;
    readonly maxDatestamp: string | null;
  } | null;
}

export interface HarvestOptions {
  readonly endpoint: string;
  readonly set: string | null;
  /** Overrides the remembered datestamp. */
  readonly from?: string | null;
  readonly until?: string | null;
  readonly dryRun?: boolean;
  readonly progress?: ProgressSink;
  readonly now?: () => Date;
  readonly onPapersWritten?: (ids: readonly string[]) => Promise<void>;
}

export interface HarvestSummary extends ImportSummary {
  readonly set: string | null;
  /** The `from` the harvest asked for (null: from the beginning). */
  readonly from: string | null;
  readonly until: string | null;
  pages: number;
  /** Whether the run continued an interrupted list with its saved resumption token. */
  resumedList: boolean;
  /** Where the next run starts. */
  nextFrom: string | null;
}

/** A server that keeps rejecting fresh tokens is broken; don't restart forever. */
const MAX_LIST_RESTARTS = 3;

export function harvestStateKey(set: string | null): string {
  return `harvest:arxiv:${set ?? '*'}`;
}

export async function readHarvestState(db: Queryable, set: string | null): Promise<HarvestState> {
  const raw = await getJobState(db, harvestStateKey(set));
  if (raw === null) return { lastDatestamp: null, inFlight: null };
  const parsed = JSON.parse(raw) as Partial<HarvestState>;
  return { lastDatestamp: parsed.lastDatestamp ?? null, inFlight: parsed.inFlight ?? null };
}

function maxDatestamp(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  if (b === null) return a;
  return a >= b ? a : b;
}

/** OAI-PMH `from` at day granularity, which every repository (arXiv included) accepts. */
function asFromArgument(datestamp: string | null): string | null {
  return datestamp === null ? null : datestamp.slice(0, 10);
}

/**
 * Harvests arXiv metadata over OAI-PMH ListRecords. Each page's papers are written in one transaction
 * together with the resumption token that follows them, so an interrupted harvest continues where it
 * stopped; the datestamp for the next incremental run is recorded when a list completes.
 */
export async function runHarvest(store: Store, client: PoliteHttpClient, options: HarvestOptions): Promise<HarvestSummary> {
  const progress = options.progress ?? silentProgress;
  const now = options.now ?? (() => new Date());
  const meter = new ProgressMeter(progress, 0);
  const key = harvestStateKey(options.set);
  const state = await readHarvestState(store.db, options.set);
  const from = options.from !== undefined && options.from !== null ? options.from : asFromArgument(state.lastDatestamp);
  const until = options.until ?? null;
  const query: ListRecordsQuery = { set: options.set, from, until };

  const summary: HarvestSummary = {
    ...emptyImportSummary(),
    set: options.set,
    from,
    until,
    pages: 0,
    resumedList: false,
    nextFrom: state.lastDatestamp,
  };

  let token: string | null = null;
  let newest: string | null = null;
  const inFlight = state.inFlight;
  if (!options.dryRun && inFlight && inFlight.endpoint === options.endpoint && inFlight.from === from && inFlight.until === until) {
    token = inFlight.resumptionToken;
    newest = inFlight.maxDatestamp;
    summary.resumedList = true;
    progress.line(`Resuming the interrupted harvest${from ? ` from ${from}` : ''} with its saved resumption token`);
  } else if (from === null) {
    progress.line(`No earlier harvest of ${options.set ? `set ${options.set}` : 'the repository'}: harvesting from the beginning`);
  } else {
    progress.line(`Harvesting ${options.set ? `set ${options.set}` : 'all sets'} from ${from}${until ? ` until ${until}` : ''}`);
  }

  let restarts = 0;
  for (;;) {
    let page: ListRecordsPage;
    try {
      page = await fetchListRecordsPage(client, options.endpoint, query, token);
    } catch (error) {
      if (!(error instanceof OaiProtocolError)) throw error;
      if (error.code === 'noRecordsMatch') {
        page = { records: [], resumptionToken: null, completeListSize: 0, cursor: null };
      } else if (error.code === 'badResumptionToken' && token !== null && restarts < MAX_LIST_RESTARTS) {
        restarts += 1;
        progress.line(
          `The server rejected the resumption token (${error.detail || 'expired'}); restarting the list${from ? ` from ${from}` : ''}`,
        );
        token = null;
        continue;
      } else {
        throw error;
      }
    }
    summary.pages += 1;

    const papers: PaperRecord[] = [];
    for (const item of page.records) {
      summary.read += 1;
      newest = maxDatestamp(newest, item.datestamp);
      if (item.kind === 'paper') {
        papers.push(item.paper);
        continue;
      }
      recordSkip(summary, item.identifier, item.reason);
    }

    const nextToken = page.resumptionToken;
    if (!options.dryRun) {
      const nextState: HarvestState = nextToken
        ? {
            lastDatestamp: state.lastDatestamp,
            inFlight: { endpoint: options.endpoint, from, until, resumptionToken: nextToken, maxDatestamp: newest },
          }
        : { lastDatestamp: maxDatestamp(state.lastDatestamp, newest), inFlight: null };
      const stamp = now().toISOString();
      const counts = await store.db.transaction().execute(async (trx) => {
        const written = await upsertPapersNotifyingFollowers(trx, store.capabilities.maxParameters, papers, stamp, {
          initialTrendingScore: scoreOnArrival,
        });
        await setJobState(trx, key, JSON.stringify(nextState), stamp);
        return written;
      });
      summary.inserted += counts.inserted;
      summary.updated += counts.updated;
      summary.nextFrom = nextState.lastDatestamp;
      if (options.onPapersWritten && papers.length > 0) await options.onPapersWritten(papers.map((p) => p.id));
    } else if (!nextToken) {
      summary.nextFrom = maxDatestamp(state.lastDatestamp, newest);
    }

    const done = page.cursor !== null ? page.cursor + page.records.length : null;
    meter.update(`page ${summary.pages}`, summary.read, done, page.completeListSize);
    if (!nextToken) break;
    token = nextToken;
  }
  summary.seconds = meter.elapsedSeconds();
  return summary;
}

export function formatHarvestNotes(summary: HarvestSummary): string {
  const lines = [`pages: ${summary.pages}${summary.resumedList ? ' (continued an interrupted harvest)' : ''}`];
  if (summary.read === 0) lines.push('nothing new since the last harvest');
  lines.push(summary.nextFrom ? `next run continues from ${asFromArgument(summary.nextFrom)}` : 'next run starts from the beginning');
  return lines.join('\n');
}
