import { expect, it } from 'vitest';
import { findPaper, IMPORT_BATCH_SIZE, paperBatchSize, upsertPapers } from '../../src/papers/papers.repository.js';
import { upsertFeedEntries } from '../../src/feed/feed.repository.js';
import { paperRecord } from '../helpers/fixtures.js';
import { describeEachStore } from '../helpers/stores.js';

// Texts that an array literal or a VALUES list could mangle: quotes, backslashes, braces, commas, the word NULL,
// empty strings, line breaks, characters outside the BMP.
const AWKWARD = [
  'NULL',
  '',
  '{"a", b}',
  'back\\slash \\" and "quotes"',
  'line\nbreak\ttab\r\n',
  "it's 𝔼[x] ≈ 1 — ok 🙂",
  '  leading and trailing  ',
];

describeEachStore('bulk writes of papers and feed entries', (get) => {
  it('writes more papers and feed entries at once than one statement can bind on any engine', async () => {
    const { store } = get();
    const count = 6_000;
    const papers = Array.from({ length: count }, (_, i) => paperRecord({ id: `2512.${String(i + 1).padStart(5, '0')}` }));
    expect((await upsertPapers(store.db, papers, '2025-10-02T00:00:00.000Z')).inserted).toBe(count);
    const entries = papers.map((p, i) => ({ day: '2025-10-01', paperId: p.id, upvotes: i, comments: 0, source: 'test' }));
    await upsertFeedEntries(store.db, entries, '2025-10-02T00:00:00.000Z');
    const rows = await store.db
      .selectFrom('feed_entries')
      .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.sum<number>('imported_upvotes').as('upvotes')])
      .where('paper_id', 'like', '2512.%')
      .executeTakeFirstOrThrow();
    expect(Number(rows.n)).toBe(count);
    expect(Number(rows.upvotes)).toBe((count * (count - 1)) / 2);
  });

  it('stores every awkward text exactly as given, and absent fields as null', async () => {
    const { store } = get();
    const records = AWKWARD.map((text, i) =>
      paperRecord({
        id: `2509.${String(i + 1).padStart(5, '0')}`,
        title: `title ${text}`,
        abstract: text,
        authors: [text, 'B. Author'],
        categories: ['cs.CL'],
        comments: text,
        doi: i % 2 === 0 ? null : text,
        version: i % 2 === 0 ? null : i,
        aiKeywords: [text],
        codeRepo: { url: `https://github.com/o/r${i}`, stars: i % 3 === 0 ? null : i, countedAt: '2025-09-01T00:00:00.000Z' },
      }),
    );
    expect(await upsertPapers(store.db, records, '2025-09-02T00:00:00.000Z')).toEqual({
      inserted: AWKWARD.length,
      updated: 0,
      insertedIds: records.map((r) => r.id),
    });
    for (const [i, text] of AWKWARD.entries()) {
      const paper = (await findPaper(store.db, records[i]!.id))!;
      expect(paper.title).toBe(`title ${text}`);
      expect(paper.abstract).toBe(text);
      expect(paper.authors).toEqual([text, 'B. Author']);
      expect(paper.comments).toBe(text);
      expect(paper.doi).toBe(i % 2 === 0 ? null : text);
      expect(paper.version).toBe(i % 2 === 0 ? null : i);
      expect(paper.aiKeywords).toEqual([text]);
      expect(paper.journalRef).toBeNull();
      expect(paper.codeRepo).toEqual({
        url: `https://github.com/o/r${i}`,
        stars: i % 3 === 0 ? null : i,
        starsCountedAt: '2025-09-01T00:00:00.000Z',
      });
    }

    const entries = AWKWARD.map((text, i) => ({
      day: '2025-09-03',
      paperId: records[i]!.id,
      upvotes: i,
      comments: 2 * i,
      source: 'test',
      title: text,
      summary: i % 2 === 0 ? null : text,
      mediaUrls: [text],
    }));
    await upsertFeedEntries(store.db, entries, '2025-09-03T00:00:00.000Z');
    // A second write that lacks the optional fields keeps what the first one stored and refreshes the counts.
    await upsertFeedEntries(
      store.db,
      entries.map(({ day, paperId, upvotes, comments, source }) => ({ day, paperId, upvotes: upvotes + 10, comments, source })),
      '2025-09-04T00:00:00.000Z',
    );
    const rows = await store.db
      .selectFrom('feed_entries')
      .select(['paper_id', 'title', 'summary', 'media_urls', 'imported_upvotes', 'imported_comments', 'submitted_by'])
      .where('day', '=', '2025-09-03')
      .orderBy('paper_id')
      .execute();
    expect(rows).toEqual(
      AWKWARD.map((text, i) => ({
        paper_id: records[i]!.id,
        title: text,
        summary: i % 2 === 0 ? null : text,
        media_urls: JSON.stringify([text]),
        imported_upvotes: i + 10,
        imported_comments: 2 * i,
        submitted_by: null,
      })),
    );
  });

  it('writes a batch of the import size in one call and counts inserts and updates', async () => {
    const { store } = get();
    const size = IMPORT_BATCH_SIZE;
    // Where rows bind their own parameters, the batch spans several statements.
    if (!store.capabilities.arrayParameters) expect(paperBatchSize(store.capabilities.maxParameters)).toBeLessThan(size / 2);
    const records = Array.from({ length: size }, (_, i) =>
      paperRecord({ id: `2510.${String(i + 1).padStart(5, '0')}`, title: `Paper ${i}` }),
    );
    const firstHalf = records.slice(0, size / 2);
    const secondHalf = records.slice(size / 2);
    expect(await upsertPapers(store.db, firstHalf, '2025-10-01T00:00:00.000Z')).toEqual({
      inserted: size / 2,
      updated: 0,
      insertedIds: firstHalf.map((r) => r.id),
    });
    // Only the papers new to the store count as inserted, and only their ids are reported.
    expect(await upsertPapers(store.db, records, '2025-10-02T00:00:00.000Z')).toEqual({
      inserted: size / 2,
      updated: size / 2,
      insertedIds: secondHalf.map((r) => r.id),
    });
    const count = await store.db
      .selectFrom('papers')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('id', 'like', '2510.%')
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(size);
  });
});
