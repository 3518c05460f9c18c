import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AppDeps } from '../../src/app-deps.js';
import type { Actor } from '../../src/community/community-deps.js';
import { importBibtex } from '../../src/library/bibtex-import.js';
import { libraryTags, loadLibrary, savedPaperIds } from '../../src/library/library.repository.js';
import { removeFromLibrary, saveToLibrary, setTagVisibility } from '../../src/library/library.service.js';
import { upsertPapers } from '../../src/papers/papers.repository.js';
import type { WriteEvent } from '../../src/write-events.js';
import { testApp } from '../helpers/app.js';
import { startFakeArxiv } from '../helpers/fake-arxiv.js';
import { paperRecord } from '../helpers/fixtures.js';
import { actorAccount, refusalCode } from '../helpers/community.js';
import { describeEachStore } from '../helpers/stores.js';

const NOW = new Date('2025-03-03T12:00:00Z');

describeEachStore('library use-cases', (get) => {
  let deps: AppDeps;
  let arxiv: Awaited<ReturnType<typeof startFakeArxiv>>;
  const events: WriteEvent[] = [];
  let accountCounter = 0;
  let paperCounter = 0;

  async function account(options: { banned?: boolean } = {}): Promise<Actor> {
    accountCounter += 1;
    return actorAccount(deps, `reader${accountCounter}`, options);
  }

  async function paper(options: { hidden?: boolean; title?: string; authors?: string[] } = {}): Promise<string> {
    paperCounter += 1;
    const id = `2502.${String(20_000 + paperCounter)}`;
    const db = get().store.db;
    await upsertPapers(
      db,
      [paperRecord({ id, title: options.title ?? `Paper ${id}`, authors: options.authors ?? ['Ada Lovelace'] })],
      NOW.toISOString(),
    );
    if (options.hidden) await db.updateTable('papers').set({ hidden: 1 }).where('id', '=', id).execute();
    return id;
  }

  const refusal = refusalCode;

  beforeAll(async () => {
    arxiv = await startFakeArxiv([
      {
        id: '2504.00777',
        title: 'Only arXiv knows this one',
        abstract: 'Fetched during an import.',
        authors: ['Grace Hopper'],
        categories: ['cs.PL'],
        published: '2025-04-01T00:00:00Z',
      },
    ]);
    ({ deps } = await testApp(get(), { PAPERBOY_ARXIV_API_URL: arxiv.url }, { now: () => NOW }));
    deps.writes.subscribe((event) => events.push(event));
  });

  afterAll(async () => {
    await arxiv.close();
  });

  beforeEach(() => {
    events.length = 0;
  });

  it('saves a paper with tags and a note, updates them, and removes it, announcing private changes', async () => {
    const reader = await account();
    const id = await paper();
    const saved = await saveToLibrary(deps, reader, { paperId: id, tags: ' Reading List, theory ,theory', note: '  check eq. 3 ' });
    expect(saved).toEqual({ paperId: id, tags: ['reading-list', 'theory'], note: 'check eq. 3', created: true });

    // Saving again without tags or note keeps both; giving them replaces them.
    expect(await saveToLibrary(deps, reader, { paperId: id })).toMatchObject({ created: false, tags: ['reading-list', 'theory'] });
    expect(await saveToLibrary(deps, reader, { paperId: id, tags: ['theory'], note: 'done' })).toMatchObject({
      created: false,
      tags: ['theory'],
      note: 'done',
    });
    const entries = await loadLibrary(get().store.db, reader.id);
    expect(entries.map((e) => [e.paper.id, e.tags, e.note])).toEqual([[id, ['theory'], 'done']]);
    expect(await savedPaperIds(get().store.db, reader.id, [id, '2502.99999'])).toEqual(new Set([id]));

    expect(await removeFromLibrary(deps, reader, { paperId: id })).toBe(true);
    expect(await removeFromLibrary(deps, reader, { paperId: id })).toBe(false);
    expect(await loadLibrary(get().store.db, reader.id)).toEqual([]);
    expect(events).toEqual(Array(4).fill({ kind: 'library', userIds: [reader.id], public: false }));
  });

  it('refuses banned readers, hidden or unknown papers, bad tags and long notes', async () => {
    const reader = await account();
    const banned = await account({ banned: true });
    const visible = await paper();
    const hidden = await paper({ hidden: true });
    expect(await refusal(saveToLibrary(deps, banned, { paperId: visible }))).toBe('forbidden');
    expect(await refusal(saveToLibrary(deps, reader, { paperId: hidden }))).toBe('not_found');
    expect(await refusal(saveToLibrary(deps, reader, { paperId: '2502.99998' }))).toBe('not_found');
    expect(await refusal(saveToLibrary(deps, reader, { paperId: visible, tags: 'ok, <script>' }))).toBe('invalid');
    expect(await refusal(saveToLibrary(deps, reader, { paperId: visible, note: 'x'.repeat(5001) }))).toBe('invalid');
    expect(await loadLibrary(get().store.db, reader.id)).toEqual([]);
    expect(events).toEqual([]);
  });

  it("keeps each reader's library apart: another reader's save, tags and removal never touch it", async () => {
    const alice = await account();
    const bob = await account();
    const id = await paper();
    await saveToLibrary(deps, alice, { paperId: id, tags: 'mine', note: 'private thought' });
    expect(await removeFromLibrary(deps, bob, { paperId: id })).toBe(false);
    await saveToLibrary(deps, bob, { paperId: id, tags: 'other', note: 'bob' });
    const aliceEntries = await loadLibrary(get().store.db, alice.id);
    expect(aliceEntries.map((e) => [e.tags, e.note])).toEqual([[['mine'], 'private thought']]);
    expect(await refusal(setTagVisibility(deps, bob, { tag: 'mine', public: true }))).toBe('not_found');
    expect(await libraryTags(get().store.db, alice.id)).toEqual([{ tag: 'mine', papers: 1, public: false }]);
  });

  it('makes a tag public; changes to a public tag are announced as public and clear the page cache, private ones do not', async () => {
    const reader = await account();
    const first = await paper();
    const second = await paper();
    await saveToLibrary(deps, reader, { paperId: first, tags: 'shared' });
    expect(await setTagVisibility(deps, reader, { tag: 'Shared', public: true })).toBe('shared');
    expect(await libraryTags(get().store.db, reader.id)).toEqual([{ tag: 'shared', papers: 1, public: true }]);

    deps.pageCache.set('page:/probe', 'cached');
    await saveToLibrary(deps, reader, { paperId: second, tags: 'private-only' });
    expect(deps.pageCache.get('page:/probe')).toBe('cached');
    await saveToLibrary(deps, reader, { paperId: second, tags: 'private-only, shared' });
    expect(deps.pageCache.get('page:/probe')).toBeNull();
    expect(events.map((e) => (e.kind === 'library' ? e.public : null))).toEqual([false, true, false, true]);

    await setTagVisibility(deps, reader, { tag: 'shared', public: false });
    expect((await libraryTags(get().store.db, reader.id)).find((t) => t.tag === 'shared')?.public).toBe(false);
  });

  describe('importBibtex', () => {
    const run = (actor: Actor, text: string, tag?: string) => importBibtex({ ...deps, arxivApiUrl: arxiv.url }, actor, { text, tag });

    it('saves papers named by eprint, url or arXiv DOI, fetches unknown ones from arXiv and reports every skip', async () => {
      const reader = await account();
      const byEprint = await paper();
      const byUrl = await paper();
      const alreadySaved = await paper();
      const hidden = await paper({ hidden: true });
      await saveToLibrary(deps, reader, { paperId: alreadySaved });
      events.length = 0;
      const text = `
@misc{first, title = {One}, eprint = {${byEprint}}, archivePrefix = {arXiv}, primaryClass = {cs.LG}}
@article{second, title = "Two", url = {https://arxiv.org/abs/${byUrl}v2}}
@article{third, title = {Three}, doi = {10.48550/arXiv.2504.00777}}
@misc{fourth, eprint = {${alreadySaved}}}
@book{nolink, title = {A book}, publisher = {Someone}}
@misc{unknown, eprint = {2504.00999}}
@misc{removed, eprint = {${hidden}}}
@misc{broken, title = {no closing brace
@misc{again, eprint = {arXiv:${byEprint}}}
`;
      const report = await run(reader, text, 'Imported');
      expect(report.imported.sort()).toEqual([byEprint, byUrl, '2504.00777'].sort());
      expect(report.alreadySaved).toEqual([alreadySaved]);
      expect(report.fetched).toEqual(['2504.00777']);
      expect(report.skipped.map((s) => [s.key, s.line])).toEqual([
        ['nolink', 6],
        ['unknown', 7],
        ['removed', 8],
        ['broken', 9],
        ['again', 10],
      ]);
      expect(report.skipped.map((s) => s.reason)).toEqual([
        'no arXiv id in eprint, url or doi',
        'arXiv has no paper with id 2504.00999',
        `${hidden} has been removed by a moderator`,
        expect.stringContaining('malformed entry'),
        `a second entry for ${byEprint}`,
      ]);
      const entries = await loadLibrary(get().store.db, reader.id, 'imported');
      expect(entries.map((e) => e.paper.id).sort()).toEqual([byEprint, byUrl, alreadySaved, '2504.00777'].sort());
      expect(entries.find((e) => e.paper.id === '2504.00777')?.paper.title).toBe('Only arXiv knows this one');
      expect(events).toEqual([
        { kind: 'import', paperIds: ['2504.00777'] },
        { kind: 'library', userIds: [reader.id], public: false },
      ]);
    });

    it('reports an unreachable arXiv as skips and saves the rest', async () => {
      const reader = await account();
      const known = await paper();
      const report = await importBibtex({ ...deps, arxivApiUrl: 'http://127.0.0.1:9/api/query' }, reader, {
        text: `@misc{a, eprint = {${known}}}\n@misc{b, eprint = {2504.00888}}`,
      });
      expect(report.imported).toEqual([known]);
      expect(report.skipped).toEqual([{ line: 2, key: 'b', reason: expect.stringContaining('arXiv could not be reached') }]);
    });

    it('refuses text without entries, a bad tag and banned readers', async () => {
      const reader = await account();
      const banned = await account({ banned: true });
      expect(await refusal(run(reader, 'just some words'))).toBe('invalid');
      expect(await refusal(run(reader, '@misc{a, eprint={2502.20001}}', 'bad/tag'))).toBe('invalid');
      expect(await refusal(run(banned, '@misc{a, eprint={2502.20001}}'))).toBe('forbidden');
    });
  });
});
