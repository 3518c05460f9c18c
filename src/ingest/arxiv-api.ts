import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { PaperRecord } from '../papers/paper.js';
import { parseArxivId } from '../papers/arxiv-id.js';
import { textOf } from './oai-pmh.js';
import { PoliteHttpClient, type PoliteHttpOptions } from './polite-http.js';
import { checkPaperRecord } from '../papers/paper-limits.js';
import { cleanText, optionalText, toIsoTimestamp } from './text.js';

/** The arXiv API answers at most this many ids per query in one response page. */
export const ARXIV_API_MAX_BATCH = 100;

export interface FetchArxivOptions extends PoliteHttpOptions {
  /** Ids per request, at most 100. */
  readonly batchSize?: number;
  /** Share a client (and so its request spacing) with other work; otherwise one is created. */
  readonly client?: PoliteHttpClient;
}

export interface ArxivApiResult {
  readonly papers: PaperRecord[];
  /** Requested ids (as given) the API did not return, including ids it rejected. */
  readonly missing: string[];
}

/** A feed entry: a paper, or the error entry the API returns for a malformed id. */
type ApiEntry = { readonly kind: 'paper'; readonly paper: PaperRecord } | { readonly kind: 'error'; readonly message: string };

export class ArxivApiResponseError extends Error {
  override name = 'ArxivApiResponseError';
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  removeNSPrefix: true,
  parseTagValue: false,
  trimValues: true,
  htmlEntities: true,
  isArray: (name) => name === 'entry' || name === 'author' || name === 'category' || name === 'link',
});

type XmlNode = Record<string, unknown>;

function asNode(value: unknown): XmlNode | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as XmlNode) : null;
}

function nodes(value: unknown): XmlNode[] {
  const list = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return list.map(asNode).filter((node): node is XmlNode => node !== null);
}

/** `http://arxiv.org/abs/2501.00001v2` → the id with its version. */
function entryArxivId(entryId: string) {
  const match = /\/abs\/(.+)$/.exec(entryId.trim());
  return match?.[1] ? parseArxivId(match[1]) : null;
}

function parseEntry(entry: XmlNode): ApiEntry | null {
  const entryId = textOf(entry.id) ?? '';
  if (/\/api\/errors/.test(entryId)) {
    return { kind: 'error', message: optionalText(textOf(entry.summary)) ?? 'error' };
  }
  const arxivId = entryArxivId(entryId);
  const title = optionalText(textOf(entry.title));
  const abstract = optionalText(textOf(entry.summary));
  const authors = nodes(entry.author)
    .map((author) => cleanText(textOf(author.name) ?? ''))
    .filter((name) => name !== '');
  // An entry without an id, title or authors is not a paper (the API has sent empty entries for unknown ids).
  if (!arxivId || !title || !abstract || authors.length === 0) return null;
  const primary = asNode(entry.primary_category)?.['@_term'];
  const terms = nodes(entry.category)
    .map((category) => category['@_term'])
    .filter((term): term is string => typeof term === 'string' && term !== '');
  const categories = [...new Set([...(typeof primary === 'string' && primary ? [primary] : []), ...terms])];
  const published = toIsoTimestamp(textOf(entry.published));
  const check = checkPaperRecord({
    id: arxivId.id,
    version: arxivId.version,
    title,
    abstract,
    authors,
    categories,
    publishedAt: published,
    updatedAt: toIsoTimestamp(textOf(entry.updated)) ?? published,
    comments: optionalText(textOf(entry.comment)),
    journalRef: optionalText(textOf(entry.journal_ref)),
    doi: optionalText(textOf(entry.doi)),
    source: 'arxiv-api',
  });
  // A record beyond the paper limits (or with dates outside the paper years) is not stored: it counts as missing.
  return check.ok ? { kind: 'paper', paper: check.paper } : null;
}

/** Parses an arXiv API Atom feed into its entries. */
export function parseArxivFeed(xml: string): ApiEntry[] {
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw new ArxivApiResponseError(`not well-formed XML (line ${valid.err.line}: ${valid.err.msg})`);
  const feed = asNode(asNode(parser.parse(xml))?.feed);
  if (!feed) throw new ArxivApiResponseError('not an Atom feed (no <feed> element)');
  return nodes(feed.entry)
    .map(parseEntry)
    .filter((entry): entry is ApiEntry => entry !== null);
}

export function arxivQueryUrl(apiUrl: string, ids: readonly string[]): string {
  const url = new URL(apiUrl);
  url.searchParams.set('id_list', ids.join(','));
  url.searchParams.set('max_results', String(ids.length));
  return url.toString();
}

function baseId(requested: string): string {
  return parseArxivId(requested)?.id ?? requested;
}

/**
 * Fetches papers by id through the arXiv API (Atom), at most 100 ids a request. The API rejects a whole
 * query when one id is malformed, so a batch that comes back with an error entry is retried id by id.
 */
export async function fetchArxivPapers(apiUrl: string, ids: readonly string[], options: FetchArxivOptions = {}): Promise<ArxivApiResult> {
  const batchSize = options.batchSize ?? ARXIV_API_MAX_BATCH;
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > ARXIV_API_MAX_BATCH) {
    throw new RangeError(`batchSize must be between 1 and ${ARXIV_API_MAX_BATCH} (got ${batchSize})`);
  }
  const client = options.client ?? new PoliteHttpClient(options);
  const unique = [...new Set(ids.map((id) => id.trim()).filter((id) => id !== ''))];
  const found = new Map<string, PaperRecord>();

  const request = async (batch: readonly string[]) => {
    const url = arxivQueryUrl(apiUrl, batch);
    const response = await client.getText(url, 'application/atom+xml');
    let entries: ApiEntry[];
    try {
      entries = parseArxivFeed(response.body);
    } catch (error) {
      if (error instanceof ArxivApiResponseError) throw new ArxivApiResponseError(`${url}: ${error.message}`);
      throw error;
    }
    for (const entry of entries) {
      if (entry.kind !== 'paper') continue;
      // The same paper asked for twice (bare and with an old version) keeps the newest version.
      const previous = found.get(entry.paper.id);
      if (!previous || (entry.paper.version ?? 0) >= (previous.version ?? 0)) found.set(entry.paper.id, entry.paper);
    }
    return entries.some((entry) => entry.kind === 'error');
  };

  for (let start = 0; start < unique.length; start += batchSize) {
    const batch = unique.slice(start, start + batchSize);
    const hadError = await request(batch);
    if (!hadError || batch.length === 1) continue;
    for (const id of batch) if (!found.has(baseId(id))) await request([id]);
  }

  const papers: PaperRecord[] = [];
  const missing: string[] = [];
  for (const id of unique) {
    const paper = found.get(baseId(id));
    if (paper) {
      if (!papers.includes(paper)) papers.push(paper);
    } else {
      missing.push(id);
    }
  }
  return { papers, missing };
}
