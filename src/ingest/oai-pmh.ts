import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { PaperRecord } from '../papers/paper.js';
import { parseArxivId } from '../papers/arxiv-id.js';
import { isPaperDay, isPaperTimestamp } from '../papers/paper-limits.js';
import type { PoliteHttpClient } from './polite-http.js';
import { MalformedRecord } from './source.js';
import { withinPaperLimits } from './record-limits.js';
import { cleanText, optionalText, readTimestamp, toIsoTimestamp } from './text.js';

/** One record of a ListRecords page: a paper, or why it was passed over. */
export type OaiRecordItem =
  | { readonly kind: 'paper'; readonly paper: PaperRecord; readonly datestamp: string; readonly identifier: string }
  | { readonly kind: 'skip'; readonly reason: string; readonly datestamp: string | null; readonly identifier: string };

export interface ListRecordsPage {
  readonly records: readonly OaiRecordItem[];
  /** The token for the next page; null when this page completes the list. */
  readonly resumptionToken: string | null;
  readonly completeListSize: number | null;
  readonly cursor: number | null;
}

/** An OAI-PMH `<error code="...">` answer. */
export class OaiProtocolError extends Error {
  constructor(
    readonly code: string,
    readonly detail: string,
  ) {
    super(`OAI-PMH error ${code}${detail ? `: ${detail}` : ''}`);
    this.name = 'OaiProtocolError';
  }
}

/** The response is not an OAI-PMH document at all (an HTML error page, truncated XML). */
export class OaiResponseError extends Error {
  override name = 'OaiResponseError';
}

export interface ListRecordsQuery {
  readonly set?: string | null;
  /** Inclusive lower bound on datestamps (YYYY-MM-DD). */
  readonly from?: string | null;
  readonly until?: string | null;
}

export const ARXIV_METADATA_PREFIX = 'arXiv';

/** A ListRecords URL: the first request carries the query, later ones only the resumption token. */
export function listRecordsUrl(endpoint: string, query: ListRecordsQuery, resumptionToken: string | null = null): string {
  const url = new URL(endpoint);
  url.searchParams.set('verb', 'ListRecords');
  if (resumptionToken !== null) {
    url.searchParams.set('resumptionToken', resumptionToken);
    return url.toString();
  }
  url.searchParams.set('metadataPrefix', ARXIV_METADATA_PREFIX);
  if (query.set) url.searchParams.set('set', query.set);
  if (query.from) url.searchParams.set('from', query.from);
  if (query.until) url.searchParams.set('until', query.until);
  return url.toString();
}

const ARRAY_TAGS = new Set(['record', 'author', 'setSpec', 'error']);

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  removeNSPrefix: true,
  // Ids like 0704.0001 must stay strings.
  parseTagValue: false,
  trimValues: true,
  // Titles and abstracts carry numeric character references (&#233;).
  htmlEntities: true,
  isArray: (name) => ARRAY_TAGS.has(name),
});

type XmlNode = Record<string, unknown>;

function asNode(value: unknown): XmlNode | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as XmlNode) : null;
}

/** The text of an element that may also carry attributes. */
export function textOf(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  const node = asNode(value);
  if (node && typeof node['#text'] === 'string') return node['#text'];
  return null;
}

function listOf(value: unknown): unknown[] {
  if (value === undefined || value === null || value === '') return [];
  return Array.isArray(value) ? value : [value];
}

function authorName(value: unknown): string {
  const node = asNode(value);
  if (!node) return cleanText(textOf(value) ?? '');
  const parts = [node.forenames, node.keyname, node.suffix].map((part) => cleanText(textOf(part) ?? ''));
  return parts.filter((part) => part !== '').join(' ');
}

/** Maps the `<arXiv>` metadata element (namespace http://arxiv.org/OAI/arXiv/) to a paper. */
export function parseArxivMetadata(metadata: XmlNode): PaperRecord {
  const rawId = textOf(metadata.id);
  if (!rawId) throw new MalformedRecord('missing <id>');
  const arxivId = parseArxivId(rawId);
  if (!arxivId) throw new MalformedRecord(`invalid arXiv id "${rawId.slice(0, 40)}"`);
  const title = optionalText(textOf(metadata.title));
  if (!title) throw new MalformedRecord(`${arxivId.id}: missing title`);
  const abstract = optionalText(textOf(metadata.abstract));
  if (!abstract) throw new MalformedRecord(`${arxivId.id}: missing abstract`);
  const authors = listOf(asNode(metadata.authors)?.author)
    .map(authorName)
    .filter((name) => name !== '');
  if (authors.length === 0) throw new MalformedRecord(`${arxivId.id}: no authors`);
  const created = toIsoTimestamp(textOf(metadata.created));
  if (!created || !isPaperTimestamp(created)) throw new MalformedRecord(`${arxivId.id}: missing or invalid <created> date`);
  const categories = (textOf(metadata.categories) ?? '').split(/\s+/).filter(Boolean);

  return withinPaperLimits({
    id: arxivId.id,
    // The arXiv metadata format does not carry versions; an absent version never erases a known one.
    version: arxivId.version,
    title,
    abstract,
    authors,
    categories,
    publishedAt: created,
    updatedAt: readTimestamp(textOf(metadata.updated), `${arxivId.id}: <updated>`) ?? created,
    comments: optionalText(textOf(metadata.comments)),
    journalRef: optionalText(textOf(metadata['journal-ref'])),
    doi: optionalText(textOf(metadata.doi)),
    license: optionalText(textOf(metadata.license)),
    source: 'oai-pmh',
  });
}

/** An OAI-PMH datestamp (a day, or a UTC second) on a real day of the paper years. */
function isOaiDatestamp(value: string): boolean {
  return /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}Z)?$/.test(value) && isPaperDay(value.slice(0, 10));
}

function parseRecord(value: unknown, index: number): OaiRecordItem {
  const record = asNode(value);
  const header = asNode(record?.header);
  const identifier = textOf(header?.identifier) ?? `record #${index + 1}`;
  const written = textOf(header?.datestamp);
  // The newest datestamp becomes the next harvest's `from`: one that is not a real day would stop every later run.
  const datestamp = written !== null && isOaiDatestamp(written) ? written : null;
  if (!record || !header) return { kind: 'skip', reason: 'record without a header', datestamp: null, identifier };
  if (header['@_status'] === 'deleted') return { kind: 'skip', reason: 'deleted record', datestamp, identifier };
  if (!datestamp) {
    const reason = written ? `invalid datestamp "${written.slice(0, 40)}"` : 'record without a datestamp';
    return { kind: 'skip', reason, datestamp: null, identifier };
  }
  const metadata = asNode(asNode(record.metadata)?.arXiv);
  if (!metadata) return { kind: 'skip', reason: 'no arXiv metadata', datestamp, identifier };
  try {
    return { kind: 'paper', paper: parseArxivMetadata(metadata), datestamp, identifier };
  } catch (error) {
    if (!(error instanceof MalformedRecord)) throw error;
    return { kind: 'skip', reason: error.message, datestamp, identifier };
  }
}

function optionalInteger(value: unknown): number | null {
  return typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : null;
}

/**
 * Parses one ListRecords response. Throws OaiProtocolError for an OAI `<error>` (e.g. noRecordsMatch,
 * badResumptionToken) and OaiResponseError for something that is not an OAI-PMH document.
 */
export function parseListRecordsPage(xml: string): ListRecordsPage {
  const valid = XMLValidator.validate(xml);
  if (valid !== true) {
    throw new OaiResponseError(`not well-formed XML (line ${valid.err.line}: ${valid.err.msg})`);
  }
  const root = asNode(asNode(parser.parse(xml))?.['OAI-PMH']);
  if (!root) throw new OaiResponseError('not an OAI-PMH response (no <OAI-PMH> element)');
  const errors = listOf(root.error);
  if (errors.length > 0) {
    const first = errors[0];
    const code = asNode(first)?.['@_code'];
    throw new OaiProtocolError(typeof code === 'string' ? code : 'unknown', cleanText(textOf(first) ?? ''));
  }
  const list = asNode(root.ListRecords);
  if (!list) throw new OaiResponseError('OAI-PMH response without <ListRecords>');
  const records = listOf(list.record).map(parseRecord);
  const tokenNode = list.resumptionToken;
  const token = textOf(tokenNode)?.trim() ?? '';
  const tokenAttributes = asNode(tokenNode);
  return {
    records,
    resumptionToken: token === '' ? null : token,
    completeListSize: optionalInteger(tokenAttributes?.['@_completeListSize']),
    cursor: optionalInteger(tokenAttributes?.['@_cursor']),
  };
}

/** Fetches and parses one ListRecords page. */
export async function fetchListRecordsPage(
  client: PoliteHttpClient,
  endpoint: string,
  query: ListRecordsQuery,
  resumptionToken: string | null,
): Promise<ListRecordsPage> {
  const url = listRecordsUrl(endpoint, query, resumptionToken);
  const response = await client.getText(url, 'text/xml, application/xml');
  try {
    return parseListRecordsPage(response.body);
  } catch (error) {
    if (error instanceof OaiResponseError) throw new OaiResponseError(`${url}: ${error.message}`);
    throw error;
  }
}
