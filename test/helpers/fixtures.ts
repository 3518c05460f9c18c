import type { PaperRecord } from '../../src/papers/paper.js';

/** A valid arXiv-snapshot line; override any field, or pass `undefined` to delete one. */
export function snapshotLine(overrides: Record<string, unknown> = {}): string {
  const record: Record<string, unknown> = {
    id: '2501.00001',
    submitter: null,
    authors: 'Ada Lovelace, Alan Turing and Grace Hopper',
    title: 'A  Study of\n  Things',
    comments: '10 pages',
    'journal-ref': null,
    doi: null,
    'report-no': null,
    categories: 'cs.LG cs.AI',
    license: null,
    abstract: '  We study things.\n  They are interesting.\n',
    versions: [],
    update_date: '2025-01-02',
    authors_parsed: [
      ['Lovelace', 'Ada', ''],
      ['Turing', 'Alan', ''],
      ['Hopper', 'Grace', ''],
    ],
    ...overrides,
  };
  for (const [key, value] of Object.entries(overrides)) if (value === undefined) delete record[key];
  return JSON.stringify(record);
}

export function paperRecord(overrides: Partial<PaperRecord> = {}): PaperRecord {
  return {
    id: '2501.00001',
    version: null,
    title: 'A Study of Things',
    abstract: 'We study things.',
    authors: ['Ada Lovelace'],
    categories: ['cs.LG'],
    publishedAt: '2025-01-02T00:00:00.000Z',
    source: 'test',
    ...overrides,
  };
}

/** One entry of the HF daily-papers format. */
export function dailyEntry(
  overrides: { id?: string; day?: string; upvotes?: number; paper?: Record<string, unknown>; outer?: Record<string, unknown> } = {},
) {
  const day = overrides.day ?? '2025-01-03';
  return {
    paper: {
      id: overrides.id ?? '2501.00001',
      title: 'A Study of Things',
      summary: 'We study things.',
      publishedAt: '2025-01-02T00:00:00.000Z',
      submittedOnDailyAt: `${day}T00:00:00.000Z`,
      upvotes: overrides.upvotes ?? 12,
      githubRepo: 'https://github.com/example/things',
      githubStars: 42,
      authors: [{ name: 'Ada Lovelace' }, { name: 'Alan Turing' }],
      organization: { name: 'example', fullname: 'Example Lab' },
      ...overrides.paper,
    },
    publishedAt: `${day}T00:00:00.000Z`,
    title: 'A Study of Things',
    summary: 'We study things.',
    numComments: 3,
    ...overrides.outer,
  };
}
