import { describe, expect, it } from 'vitest';
import { parseSnapshotRecord } from '../../src/ingest/arxiv-snapshot.js';
import { parseDailyPaperEntry } from '../../src/ingest/hf-daily.js';
import { MalformedRecord } from '../../src/ingest/source.js';
import { isPaperDay, isPaperTimestamp, PAPER_LIMITS } from '../../src/papers/paper-limits.js';
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
    [
      snapshotLine({ title: 'T'.repeat(PAPER_LIMITS.title + 1) }),
      `title is ${PAPER_LIMITS.title + 1} characters long (at most ${PAPER_LIMITS.title})`,
    ],
    [snapshotLine({ abstract: 'word '.repeat(PAPER_LIMITS.abstract) }), 'abstract is'],
    [snapshotLine({ categories: `cs.LG ${'x'.repeat(PAPER_LIMITS.category + 1)}` }), 'a category is'],
    [snapshotLine({ doi: `10.1/${'d'.repeat(PAPER_LIMITS.doi)}` }), 'doi is'],
    [snapshotLine({ license: `https://${'l'.repeat(PAPER_LIMITS.license)}` }), 'license is'],
    [
      snapshotLine({ versions: [{ version: 'v1', created: '-271821-04-20' }] }),
      'a version date "-271821-04-20" is not a date from 1991 to 9999',
    ],
    [snapshotLine({ versions: [{ version: 'v1', created: 'Sat, 31 Feb 2007 10:00:00 GMT' }] }), 'a version date'],
    [snapshotLine({ update_date: '1066-10-14' }), 'update_date "1066-10-14" is not a date'],
    [snapshotLine({ update_date: '2025-13-01' }), 'update_date "2025-13-01" is not a date'],
  ])('rejects a malformed record (%#)', (line, reason) => {
    expect(() => parseSnapshotRecord(line)).toThrow(MalformedRecord);
    expect(() => parseSnapshotRecord(line)).toThrow(reason);
  });
});

describe('paper limits', () => {
  it('truncates author and category lists, author names, comments and journal references instead of skipping the paper', () => {
    const names = Array.from({ length: PAPER_LIMITS.authors + 50 }, (_, i) => ['Member', `Number${i}`, '']);
    const paper = parseSnapshotRecord(
      snapshotLine({
        authors_parsed: names,
        categories: Array.from({ length: PAPER_LIMITS.categories + 5 }, (_, i) => `cs.X${i}`).join(' '),
        comments: 'c'.repeat(PAPER_LIMITS.comments * 3),
        'journal-ref': 'j'.repeat(PAPER_LIMITS.journalRef + 1),
      }),
    );
    const runOn = parseSnapshotRecord(
      snapshotLine({
        authors_parsed: [
          ['Lovelace', 'Ada', ''],
          ['Kongand Xiaoxia Xingand '.repeat(30), 'X', ''],
        ],
      }),
    );
    expect(runOn.authors[0]).toBe('Ada Lovelace');
    expect(runOn.authors[1]).toHaveLength(PAPER_LIMITS.authorName);
    expect(runOn.authors[1]).toMatch(/^X Kongand Xiaoxia .*…$/);
    expect(paper.authors).toHaveLength(PAPER_LIMITS.authors);
    expect(paper.authors[0]).toBe('Number0 Member');
    expect(paper.categories).toHaveLength(PAPER_LIMITS.categories);
    expect(paper.comments).toHaveLength(PAPER_LIMITS.comments);
    expect(paper.comments?.endsWith('…')).toBe(true);
    expect(paper.journalRef).toHaveLength(PAPER_LIMITS.journalRef);
  });

  it('keeps values at the limits', () => {
    const paper = parseSnapshotRecord(
      snapshotLine({
        title: 'T'.repeat(PAPER_LIMITS.title),
        abstract: 'a'.repeat(PAPER_LIMITS.abstract),
        comments: 'c'.repeat(PAPER_LIMITS.comments),
      }),
    );
    expect(paper.title).toHaveLength(PAPER_LIMITS.title);
    expect(paper.abstract).toHaveLength(PAPER_LIMITS.abstract);
    expect(paper.comments).toBe('c'.repeat(PAPER_LIMITS.comments));
  });

  it('accepts real days and timestamps from 1991 to 9999 only', () => {
    expect(['1991-01-01', '2024-02-29', '9999-12-31'].every(isPaperDay)).toBe(true);
    expect(['1990-12-31', '2025-02-29', '2025-04-31', '+275760-09', '10000-01-01', '2025-1-01'].some(isPaperDay)).toBe(false);
    expect(isPaperTimestamp('2025-01-02T03:04:05.678Z')).toBe(true);
    expect(isPaperTimestamp('+275760-09-13T00:00:00.000Z')).toBe(false);
    expect(isPaperTimestamp('-271821-04-20T00:00:00.000Z')).toBe(false);
  });
});

describe('HF daily-papers entries', () => {
  it('maps the paper, its feed day, counts, code repository and organisation', () => {
    const { paper, feed } = parseDailyPaperEntry(dailyEntry({ id: '2501.00002', day: '2025-01-03', upvotes: 7 }));
    expect(paper).toMatchObject({
      id: '2501.00002',
      title: 'A Study of Things',
      authors: ['Ada Lovelace', 'Alan Turing'],
      organization: { name: 'example', fullname: 'Example Lab', avatar: null },
      codeRepo: { url: 'https://github.com/example/things', stars: 42, countedAt: '2025-01-03T00:00:00.000Z' },
      source: 'hf-daily',
    });
    expect(paper.categories).toBeUndefined();
    expect(feed).toEqual({
      day: '2025-01-03',
      paperId: '2501.00002',
      upvotes: 7,
      comments: 3,
      source: 'hf-daily',
      submittedOnDailyAt: '2025-01-03T00:00:00.000Z',
      publishedAt: '2025-01-03T00:00:00.000Z',
      title: 'A Study of Things',
      summary: null,
      submittedBy: null,
      mediaUrls: null,
    });
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
    [dailyEntry({ paper: { submittedOnDailyAt: undefined }, outer: { publishedAt: undefined } }), 'no feed date'],
    [
      dailyEntry({ paper: { submittedOnDailyAt: undefined }, outer: { publishedAt: 'yesterday' } }),
      '"yesterday" is not a date from 1991 to 9999',
    ],
    [
      dailyEntry({ paper: { submittedOnDailyAt: '+275760-09-13T00:00:00.000Z' } }),
      'submittedOnDailyAt "+275760-09-13T00:00:00.000Z" is not a date',
    ],
    [dailyEntry({ paper: { submittedOnDailyAt: '2025-02-30' } }), 'submittedOnDailyAt "2025-02-30" is not a date'],
    [dailyEntry({ paper: { publishedAt: '-271821-04-20' } }), 'publishedAt "-271821-04-20" is not a date'],
    [dailyEntry({ paper: { summary: 'x'.repeat(PAPER_LIMITS.abstract + 1) } }), `abstract is ${PAPER_LIMITS.abstract + 1} characters long`],
    [dailyEntry({ paper: { upvotes: 1e300 } }), 'upvote count 1e+300 is larger than'],
    [dailyEntry({ paper: { githubRepo: `https://github.com/${'a'.repeat(PAPER_LIMITS.url)}` } }), 'code repository URL is'],
  ])('rejects a malformed entry (%#)', (entry, reason) => {
    expect(() => parseDailyPaperEntry(entry)).toThrow(reason);
  });
});
