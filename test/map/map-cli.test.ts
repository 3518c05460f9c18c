import { expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { readLayout } from '../../src/map/map.repository.js';
import { describeEachStore, type TestStore } from '../helpers/stores.js';
import { TOPIC_PAPERS, writePapers } from '../search/corpus.js';

async function cli(t: TestStore, argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const env = { DATABASE_URL: t.databaseUrl, PAPERBOY_DATA_DIR: t.dataDir, PAPERBOY_DEMO: 'false', PAPERBOY_LOG: 'silent' };
  const code = await runCli(argv, { out: (line) => out.push(line), err: (line) => err.push(line) }, env);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describeEachStore('paperboy map', { lifetime: 'test' }, (get) => {
  it('refuses to lay out a database without a search model', async () => {
    const result = await cli(get(), ['map', 'rebuild']);
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/index rebuild/);
    const update = await cli(get(), ['map', 'update']);
    expect(update.code).toBe(1);
    expect(update.err).toContain('The map has not been built yet; run paperboy map rebuild.');
  });

  it('rebuilds with progress, reports as JSON, writes nothing on a dry run, and updates', async () => {
    const t = get();
    await writePapers(t.store, TOPIC_PAPERS);
    expect((await cli(t, ['index', 'rebuild'])).code).toBe(0);
    const dry = await cli(t, ['map', 'rebuild', '--dry-run', '--json', '--epochs', '50']);
    expect(dry.err).toMatch(/papers with vectors of builtin:.*; laying out a sample of/);
    expect(dry.code).toBe(0);
    expect(JSON.parse(dry.out)).toMatchObject({ papers: TOPIC_PAPERS.length, dryRun: true, version: null });
    expect(await readLayout(t.store.db)).toBeNull();

    const built = await cli(t, ['map', 'rebuild', '--seed', '3', '--epochs', '50']);
    expect(built.code).toBe(0);
    expect(built.out).toMatch(new RegExp(`^Laid out ${TOPIC_PAPERS.length} papers \\(UMAP on ${TOPIC_PAPERS.length}, seed 3\\)`));
    expect(built.err).toMatch(/layout: epoch 50\/50/);
    const layout = await readLayout(t.store.db);
    expect(layout).toMatchObject({ papers: TOPIC_PAPERS.length, seed: 3, embedder: expect.stringMatching(/^builtin:/) });

    const update = await cli(t, ['map', 'update', '--json']);
    expect(update.code).toBe(0);
    expect(JSON.parse(update.out)).toEqual({ placed: 0, noLayout: false, stale: false });
  });

  it('rejects malformed options with exit code 2', async () => {
    for (const argv of [
      ['map', 'rebuild', '--seed', 'x'],
      ['map', 'rebuild', '--sample', '0'],
      ['map', 'rebuild', '--frobnicate'],
    ]) {
      expect(await cli(get(), argv)).toMatchObject({ code: 2 });
    }
  });
});
