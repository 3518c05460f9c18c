import { describe, expect, it } from 'vitest';
import { parseSnapshotRecord } from '../../src/ingest/arxiv-snapshot.js';
import { parseDailyPaperEntry } from '../../src/ingest/hf-daily.js';
import { MalformedRecord } from '../../src/ingest/source.js';
import { dailyEntry, snapshotLine } from '../helpers/fixtures.js';

describe('arXiv snapshot records', () => {
  it('maps a record, collapsing whitespace and ordering authors as given', () => {
    const paper = parseSnapshotRecord(snapshotLine());
    expect(paper).toMatchObject({
      id: '2501.00001',
      version: null,
      title: 'A Study of Things',
      abstract: 'We study things. They are interesting.',
      authors: ['Ada Lovelace', 'Alan Turing', 'Grace Hopper'],
      categories: ['cs.LG', 'cs.AI'],
      publishedAt: '2025-01-02T00:00:00.000Z',
      comments: '10 pages',
      journalRef: null,
      source: 'arxiv-snapshot',
    });
  });

  it('takes versions and dates from the versions list when present', () => {
    const paper = parseSnapshotRecord(
      snapshotLine({
        id: 'hep-th/9901001',
        versions: [
          { version: 'v1', created: 'Fri, 1 Jan 1999 10:00:00 GMT' },
          { version: 'v2', created: 'Mon, 4 Jan 1999 12:00:00 GMT' },
        ],
      }),
    );
    expect(paper.id).toBe('hep-th/9901001');
    expect(paper.version).toBe(2);
    expect(paper.publishedAt).toBe('1999-01-01T10:00:00.000Z');
    expect(paper.updatedAt).toBe('1999-01-04T12:00:00.000Z');
  });

  it('falls back to the plain author string when authors_parsed is missing', () => {
    const paper = parseSnapshotRecord(snapshotLine({ authors_parsed: undefined, authors: 'A. One, B. Two and C. Three' }));
    expect(paper.authors).toEqual(['A. One', 'B. Two', 'C. Three']);
  });

  it.each([
    ['{not json', 'not valid JSON'],
    ['[1,2]', 'not a JSON object'],
    [snapshotLine({ id: undefined }), 'missing id'],
    [snapshotLine({ id: 'nonsense' }), 'invalid arXiv id'],
    [snapshotLine({ title: '   ' }), 'missing title'],
    [snapshotLine({ abstract: undefined }), 'missing abstract'],
    [snapshotLine({ authors: '', authors_parsed: [] }), 'no authors'],
  ])('rejects a malformed record (%s)', (line, reason) => {
    expect(() => parseSnapshotRecord(line)).toThrow(MalformedRecord);
    expect(() => parseSnapshotRecord(line)).toThrow(reason);
  });
});

describe('HF daily-papers entries', () => {
  it('maps the paper, its feed day, counts, code repository and organisation', () => {
    const { paper, feed } = parseDailyPaperEntry(dailyEntry({ id: '2501.00002', day: '2025-01-03', upvotes: 7 }));
    expect(paper).toMatchObject({
      id: '2501.00002',
      title: 'A Study of Things',
      authors: ['Ada Lovelace', 'Alan Turing'],
      organization: 'Example Lab',
      codeRepo: { url: 'https://github.com/example/things', stars: 42, countedAt: '2025-01-03T00:00:00.000Z' },
      source: 'hf-daily',
    });
    expect(paper.categories).toBeUndefined();
    expect(feed).toEqual({ day: '2025-01-03', paperId: '2501.00002', upvotes: 7, comments: 3, source: 'hf-daily' });
  });

  it('uses the entry publishedAt as the feed day when submittedOnDailyAt is absent', () => {
    const entry = dailyEntry({ paper: { submittedOnDailyAt: undefined }, outer: { publishedAt: '2024-06-10T13:00:00.000Z' } });
    expect(parseDailyPaperEntry(entry).feed.day).toBe('2024-06-10');
  });

  it('treats negative or missing counts as zero and ignores a non-URL repository', () => {
    const entry = dailyEntry({ paper: { upvotes: -3, githubRepo: 'not a url' }, outer: { numComments: 'many' } });
    const { paper, feed } = parseDailyPaperEntry(entry);
    expect(feed.upvotes).toBe(0);
    expect(feed.comments).toBe(0);
    expect(paper.codeRepo).toBeNull();
  });

  it.each([
    [null, 'entry is not an object'],
    [{ title: 'x' }, 'entry has no paper object'],
    [dailyEntry({ paper: { id: 'abc' } }), 'invalid arXiv id'],
    [dailyEntry({ paper: { title: '', summary: 'x' }, outer: { title: '' } }), 'missing title'],
    [dailyEntry({ paper: { submittedOnDailyAt: undefined }, outer: { publishedAt: 'yesterday' } }), 'no feed date'],
  ])('rejects a malformed entry (%#)', (entry, reason) => {
    expect(() => parseDailyPaperEntry(entry)).toThrow(reason);
  });
});
