import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { dailyFileUnit } from '../../src/ingest/hf-daily.js';
import { runImport } from '../../src/ingest/import-runner.js';
import { testApp } from '../helpers/app.js';
import { describeEachStore } from '../helpers/stores.js';

/**
 * Real Hugging Face daily-papers days, imported and served back: every field Paperboy claims to keep must come out
 * of `/api/daily_papers` with the source's value and type. The days were picked for what they hold:
 * 2024-05-28 `$\textit{Trans-LoRA}$` and no thumbnails; 2024-10-16 `LLM$\times$MapReduce` and no submittedOnDailyAt;
 * 2025-03-17 titles with line breaks, a project page with a leading space and trailing slashes;
 * 2026-03-10 and 2026-04-21 organisations, `\$OneMillion-Bench`, `Network\ for`, exact submission times.
 */
const SHARED_DAYS = ['2024-05-28', '2024-10-16', '2025-03-17', '2026-03-10', '2026-04-21'];
const SHARED_DIR = path.resolve(import.meta.dirname, '../../../shared/data/hf-daily-papers');

/** An entry in HF's full shape, with what the shared files had removed: generated summaries and the submitter. */
const FULL_DAY = '2026-09-01';
const FULL_ENTRY = {
  paper: {
    id: '2608.99001',
    authors: [{ name: 'Ada Lovelace' }, { name: 'Émile Noether' }],
    mediaUrls: ['https://cdn-uploads.huggingface.co/production/uploads/abc/teaser.mp4'],
    publishedAt: '2026-08-30T17:59:58.000Z',
    submittedOnDailyAt: '2026-09-01T02:41:07.513Z',
    title: 'Q$^{2}$-Former: \\emph{Sparse} {Attention}\n  at $O(n \\log n)$ <b>cost</b>',
    summary: 'We show that <script>alert(1)</script> & "quotes" stay text.\nLine two with $\\alpha$.',
    upvotes: 57,
    discussionId: '68b0c0ffee',
    githubRepo: 'https://github.com/example/q2former/',
    githubStars: 1234,
    projectPage: 'https://example.org/q2former/',
    ai_summary: 'Q²-Former cuts <attention> cost with sparse & "exact" kernels.',
    ai_keywords: ['sparse attention', 'O(n log n)', '<kernel>'],
    organization: { _id: '5e6f', name: 'example-lab', fullname: 'Example <Lab> & Co', avatar: 'https://cdn.example.org/org.png' },
  },
  publishedAt: '2026-08-30T17:59:58.000Z',
  title: 'Q$^{2}$-Former: \\emph{Sparse} {Attention} at $O(n \\log n)$ <b>cost</b>',
  summary: 'We show that <script>alert(1)</script> & "quotes" stay text.\nLine two with $\\alpha$.',
  thumbnail: 'https://cdn-thumbnails.huggingface.co/social-thumbnails/papers/2608.99001.png',
  numComments: 4,
  submittedBy: {
    _id: '60f1abcd',
    avatarUrl: 'https://cdn-avatars.huggingface.co/v1/production/uploads/u/avatar.png',
    isPro: true,
    fullname: 'Grace <Hopper>',
    name: 'ghopper',
    type: 'user',
  },
};

/** An organisation known by its handle alone, on an entry without thumbnail or submitter. */
const HANDLE_ONLY_ENTRY = {
  paper: {
    id: '2608.99002',
    authors: [{ name: 'Alan Turing' }],
    publishedAt: '2026-08-31T09:30:00.000Z',
    submittedOnDailyAt: '2026-09-01T11:11:11.111Z',
    title: 'A second paper',
    summary: 'Short.',
    upvotes: 0,
    organization: { name: 'solo-lab' },
  },
  publishedAt: '2026-08-31T09:30:00.000Z',
  title: 'A second paper',
  summary: 'Short.',
  numComments: 0,
};

type Json = Record<string, unknown>;

/** The entry-level and paper-level fields Paperboy keeps, as HF names them. */
const ENTRY_FIELDS = ['publishedAt', 'title', 'summary', 'thumbnail', 'numComments'];
const PAPER_FIELDS = [
  'id',
  'title',
  'summary',
  'authors',
  'publishedAt',
  'submittedOnDailyAt',
  'upvotes',
  'githubRepo',
  'githubStars',
  'projectPage',
  'ai_summary',
  'ai_keywords',
  'mediaUrls',
];
/** Keys of the organisation and submitter objects that are kept (ids are not). */
const ORGANIZATION_KEYS = ['name', 'fullname', 'avatar'];
const SUBMITTER_KEYS = ['name', 'user', 'fullname', 'avatarUrl', 'type', 'isPro', 'isHf'];

function picked(value: unknown, keys: readonly string[]): Json | null {
  if (typeof value !== 'object' || value === null) return null;
  return Object.fromEntries(Object.entries(value).filter(([key]) => keys.includes(key)));
}

/** Compares one field: the source's value and type where it has one, nothing (null or absent) where it has none. */
function expectField(where: string, source: Json, ours: Json, field: string): void {
  if (field in source) expect(ours[field], where).toStrictEqual(source[field]);
  else expect(ours[field] ?? null, where).toBeNull();
}

function expectVerbatim(day: string, source: Json, ours: Json): void {
  const sourcePaper = source.paper as Json;
  const ourPaper = ours.paper as Json;
  const where = `${day} ${String(sourcePaper.id)}`;
  for (const field of ENTRY_FIELDS) expectField(`${where} entry.${field}`, source, ours, field);
  expect(ours.submittedBy ?? null, `${where} submittedBy`).toStrictEqual(picked(source.submittedBy, SUBMITTER_KEYS));
  for (const field of PAPER_FIELDS) {
    // Without a submission time (older days) the feed day stands in: the one value derived rather than kept.
    if (field === 'submittedOnDailyAt' && !(field in sourcePaper)) {
      expect(ourPaper.submittedOnDailyAt, where).toBe(`${day}T00:00:00.000Z`);
      continue;
    }
    // A star count without a repository has nothing to count for: it is not kept.
    if (field === 'githubStars' && !('githubRepo' in sourcePaper)) continue;
    expectField(`${where} paper.${field}`, sourcePaper, ourPaper, field);
  }
  expect(ourPaper.organization ?? null, `${where} organization`).toStrictEqual(picked(sourcePaper.organization, ORGANIZATION_KEYS));
}

function readDay(day: string): Json[] {
  return JSON.parse(fs.readFileSync(path.join(SHARED_DIR, `${day}.json`), 'utf8')) as Json[];
}

describeEachStore('HF daily papers, served back verbatim', (get) => {
  let app: Awaited<ReturnType<typeof testApp>>['app'];

  beforeAll(async () => {
    const { store, dataDir } = get();
    const full = path.join(dataDir, `${FULL_DAY}.json`);
    fs.writeFileSync(full, JSON.stringify([FULL_ENTRY, HANDLE_ONLY_ENTRY]));
    const files = [...SHARED_DAYS.map((day) => path.join(SHARED_DIR, `${day}.json`)), full];
    const summary = await runImport(store, files.map(dailyFileUnit));
    expect(summary.skipped).toBe(0);
    app = (await testApp(get())).app;
  });

  const daily = async (day: string): Promise<Json[]> => {
    const res = await app.request(`/api/daily_papers?date=${day}&limit=100`);
    expect(res.status).toBe(200);
    return (await res.json()) as Json[];
  };

  it.each(SHARED_DAYS)('serves %s field by field as the shared file has it', async (day) => {
    const source = readDay(day);
    const ours = await daily(day);
    const byId = new Map(ours.map((entry) => [(entry.paper as Json).id, entry]));
    expect([...byId.keys()].sort()).toEqual(source.map((entry) => (entry.paper as Json).id).sort());
    for (const entry of source) expectVerbatim(day, entry, byId.get((entry.paper as Json).id)!);
  });

  it('keeps the TeX title the entry carries beside the paper title HF stripped', async () => {
    const ours = await daily('2024-10-16');
    const entry = ours.find((e) => (e.paper as Json).id === '2410.09342')!;
    expect(entry.title).toBe('LLM$\\times$MapReduce: Simplified Long-Sequence Processing using Large Language Models');
    expect((entry.paper as Json).title).toBe('LLMtimesMapReduce: Simplified Long-Sequence Processing using Large\n  Language Models');
  });

  it('serves an entry in HF full shape with its generated summary, keywords, submitter and media', async () => {
    const ours = await daily(FULL_DAY);
    expect(ours).toHaveLength(2);
    const full = ours.find((entry) => (entry.paper as Json).id === FULL_ENTRY.paper.id)!;
    expectVerbatim(
      FULL_DAY,
      HANDLE_ONLY_ENTRY,
      ours.find((entry) => entry !== full)!,
    );
    expectVerbatim(FULL_DAY, FULL_ENTRY, full);
    expect(full.submittedBy).toStrictEqual({
      avatarUrl: FULL_ENTRY.submittedBy.avatarUrl,
      isPro: true,
      fullname: 'Grace <Hopper>',
      name: 'ghopper',
      type: 'user',
    });
  });

  it('gives /api/papers/{id} the same stored values', async () => {
    const res = await app.request(`/api/papers/${FULL_ENTRY.paper.id}`);
    expect(res.status).toBe(200);
    const paper = (await res.json()) as Json;
    for (const field of PAPER_FIELDS) expect(paper[field], field).toStrictEqual(FULL_ENTRY.paper[field as keyof typeof FULL_ENTRY.paper]);
    expect(paper.organization).toStrictEqual({
      name: 'example-lab',
      fullname: 'Example <Lab> & Co',
      avatar: 'https://cdn.example.org/org.png',
    });
    expect(paper.thumbnail).toBe(FULL_ENTRY.thumbnail);
  });

  it('keeps every stored field when a later import of the entry lacks it, and takes the new counts', async () => {
    // A paper and day of its own, so this re-import changes nothing the other tests read, in whatever order they run.
    const day = '2026-09-03';
    const first = {
      ...FULL_ENTRY,
      paper: {
        ...FULL_ENTRY.paper,
        id: '2608.99003',
        submittedOnDailyAt: '2026-09-03T05:06:07.089Z',
        organization: { name: 'relab', fullname: 'Re Lab' },
      },
    };
    const { ai_summary: _s, ai_keywords: _k, organization: _o, mediaUrls: _m, githubRepo: _r, githubStars: _g, ...bare } = first.paper;
    const { thumbnail: _t, submittedBy: _b, ...bareEntry } = first;
    const { store, dataDir } = get();
    const files = [path.join(dataDir, `${day}.json`), path.join(dataDir, `${day}-later.json`)];
    fs.writeFileSync(files[0]!, JSON.stringify([first]));
    fs.writeFileSync(files[1]!, JSON.stringify([{ ...bareEntry, numComments: 9, paper: { ...bare, upvotes: 80 } }]));
    await runImport(store, [dailyFileUnit(files[0]!)]);
    await runImport(store, [dailyFileUnit(files[1]!)]);
    // A fresh app: the imports ran behind the shared one's back, past its page cache.
    const fresh = (await testApp(get())).app;
    const res = await fresh.request(`/api/daily_papers?date=${day}`);
    const [entry] = (await res.json()) as Json[];
    expectVerbatim(day, { ...first, numComments: 9, paper: { ...first.paper, upvotes: 80 } }, entry!);
  });
});

describe('the shared days picked above', () => {
  it('hold what they are picked for', () => {
    const all = SHARED_DAYS.flatMap(readDay).map((entry) => entry.paper as Json);
    expect(all.some((p) => p.organization)).toBe(true);
    expect(all.some((p) => String(p.projectPage ?? '').endsWith('/'))).toBe(true);
    expect(all.some((p) => String(p.title).includes('\n'))).toBe(true);
    expect(all.some((p) => p.submittedOnDailyAt === undefined)).toBe(true);
    expect(all.some((p) => /T(?!00:00:00\.000Z)/.test(String(p.submittedOnDailyAt)))).toBe(true);
  });
});
