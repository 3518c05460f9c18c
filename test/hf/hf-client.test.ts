import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { loadConfig } from '../../src/config.js';
import { submitPaper } from '../../src/community/submissions.js';
import { silentLogger } from '../../src/logger.js';
import { projectRoot } from '../../src/project-root.js';
import { buildDeps, openMigratedStore } from '../../src/runtime.js';
import { startServer, type RunningServer } from '../../src/server.js';
import { actorOf } from '../../src/web/viewer.js';
import { snapshotLine } from '../helpers/fixtures.js';
import { tempDir } from '../helpers/stores.js';

/**
 * Hugging Face's own Python client (vendored, unmodified) against a real Paperboy server with a few of the shared HF
 * days imported: every paper function and the `hf papers` CLI must work, in HF's order and with HF's error shape.
 */

const SHARED = path.join(projectRoot(), '..', 'shared');
const CLIENT_SRC = path.join(SHARED, 'vendor', 'huggingface_hub', 'src');
const DAYS_DIR = path.join(SHARED, 'data', 'hf-daily-papers');
/**
 * 2024-08-01 features "The Llama 3 Herd of Models"; the 2026 days have HF's exact order by upvotes then arXiv time;
 * 2024-10-16 has an entry titled in TeX (`LLM$\times$MapReduce`) over the paper's plain arXiv title.
 */
const DAYS = ['2024-08-01', '2024-08-02', '2024-10-16', '2025-06-02', '2026-04-03', '2026-08-20', '2026-08-21'];
const EXACT_ORDER_DAYS = ['2025-06-02', '2026-08-20', '2026-08-21'];
const HERD = '2407.21783';
const PYTHON = '/usr/bin/python3';
const MODULES = ['httpx', 'yaml', 'filelock', 'fsspec', 'tqdm', 'packaging', 'typing_extensions', 'click'];

function missingPrerequisite(): string | null {
  if (!fs.existsSync(path.join(CLIENT_SRC, 'huggingface_hub'))) return `the vendored client is missing at ${CLIENT_SRC}`;
  if (!fs.existsSync(DAYS_DIR)) return `the shared HF days are missing at ${DAYS_DIR}`;
  if (!fs.existsSync(PYTHON)) return `${PYTHON} is missing`;
  const probe = spawnSync(PYTHON, ['-c', `import ${MODULES.join(', ')}`], { encoding: 'utf8' });
  if (probe.status !== 0) return `a Python module the client needs is missing: ${probe.stderr.trim().split('\n').at(-1)}`;
  return null;
}

const missing = missingPrerequisite();
if (missing && process.env.CI === 'true') throw new Error(`${missing}; under CI=true the Hugging Face client tests must run.`);
if (missing) console.warn(`\n!!! ${missing}: SKIPPING the Hugging Face client compatibility tests.\n`);
const run = missing ? describe.skip : describe;

interface DailyEntry {
  paper: {
    id: string;
    title: string;
    upvotes: number;
    publishedAt: string;
    submittedOnDailyAt?: string;
    projectPage?: string;
    organization?: { name?: string; fullname?: string };
  };
  publishedAt: string;
  title: string;
  thumbnail?: string;
}

/** The first entry of the imported days that satisfies `test`, with its day. */
function findEntry(test: (entry: DailyEntry) => boolean): { day: string; entry: DailyEntry } {
  for (const day of DAYS) {
    const entry = readDay(day).find(test);
    if (entry) return { day, entry };
  }
  throw new Error('no imported entry has the values this test needs');
}

const hasTimeOfDay = (timestamp: string | undefined) => timestamp !== undefined && !timestamp.endsWith('T00:00:00.000Z');

/** The same instant, however Python wrote it (`+00:00`, microseconds). */
const instant = (timestamp: string | null) => (timestamp === null ? null : new Date(timestamp).getTime());

const readDay = (day: string) => JSON.parse(fs.readFileSync(path.join(DAYS_DIR, `${day}.json`), 'utf8')) as DailyEntry[];

run("Hugging Face's Python client against a real server", () => {
  let server: RunningServer;
  let dataDir: string;
  let home: string;

  /**
   * Runs Python with the vendored client pointed at the server (asynchronously: the server answers from this same
   * process); resolves with its output, failing on a non-zero exit unless a failure is expected.
   */
  async function python(code: string, args: readonly string[] = [], expectFailure = false): Promise<{ stdout: string; stderr: string }> {
    const child = spawn(PYTHON, ['-c', code, ...args], {
      timeout: 60_000,
      env: {
        PATH: process.env.PATH,
        HOME: home,
        HF_HOME: path.join(home, 'hf'),
        PYTHONPATH: CLIENT_SRC,
        HF_ENDPOINT: server.url,
        HF_HUB_DISABLE_TELEMETRY: '1',
        HF_HUB_DISABLE_UPDATE_CHECK: '1',
        NO_COLOR: '1',
      },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
    if (!expectFailure && status !== 0) throw new Error(`python failed (${status}):\n${stderr}`);
    if (expectFailure && status === 0) throw new Error(`python succeeded but should have failed:\n${stdout}`);
    return { stdout, stderr };
  }

  /** Calls HfApi().<call> and returns the result as JSON (PaperInfo objects as their fields). */
  async function api<T>(call: string): Promise<T> {
    const code = `
import json, dataclasses, datetime
from huggingface_hub import HfApi
api = HfApi(token=False)
def plain(o):
    if isinstance(o, datetime.datetime): return o.isoformat()
    if hasattr(o, '__dict__'): return {k: plain(v) for k, v in vars(o).items()}
    if isinstance(o, list): return [plain(v) for v in o]
    return o
result = ${call}
if not isinstance(result, (str, dict)) and hasattr(result, '__iter__'): result = list(result)
print(json.dumps(plain(result)))`;
    return JSON.parse((await python(code)).stdout) as T;
  }

  /** The `hf` command line: `hf papers …`. */
  function hf(args: readonly string[], expectFailure = false) {
    return python('import sys\nfrom huggingface_hub.cli.hf import main\nsys.argv = ["hf"] + sys.argv[1:]\nmain()', args, expectFailure);
  }

  beforeAll(async () => {
    dataDir = tempDir();
    home = tempDir('paperboy-hf-home-');
    const env = { PAPERBOY_DATA_DIR: dataDir, PAPERBOY_DEMO: 'false', PAPERBOY_LOG: 'silent', PAPERBOY_SCHEDULER: 'off' };
    // The shared days and one paper that is not on the feed yet, through the real importers.
    const daysDir = path.join(dataDir, 'days');
    fs.mkdirSync(daysDir);
    for (const day of DAYS) fs.copyFileSync(path.join(DAYS_DIR, `${day}.json`), path.join(daysDir, `${day}.json`));
    const snapshot = path.join(dataDir, 'snapshot.jsonl');
    fs.writeFileSync(snapshot, `${snapshotLine({ id: '2608.00042', title: 'A Paper Submitted Here', update_date: '2026-08-21' })}\n`);
    const io = { out: () => {}, err: () => {} };
    expect(await runCli(['import', 'hf-daily', daysDir], io, env)).toBe(0);
    expect(await runCli(['import', 'arxiv-snapshot', snapshot], io, env)).toBe(0);

    // A Paperboy user submits it, so the feed entry records its submitter.
    const config = loadConfig({ ...env, PORT: '0', HOST: '127.0.0.1' });
    const store = await openMigratedStore(config);
    const deps = await buildDeps(config, store, silentLogger, { now: () => new Date('2026-08-22T09:00:00Z') });
    const signedUp = await deps.accounts.signUp({ username: 'ada', email: 'ada@example.org', password: 'correct horse battery staple' });
    if (!signedUp.ok) throw new Error('sign-up failed');
    await submitPaper({ ...deps, arxivApiUrl: config.arxivApiUrl }, actorOf(signedUp.value), { paper: '2608.00042' });
    await deps.search.flush();
    await store.close();

    server = await startServer(config, silentLogger);
    await fetch(`${server.url}/api/papers/search?q=warm`);
  }, 180_000);

  afterAll(async () => {
    await server?.close();
    for (const dir of [dataDir, home]) if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('list_daily_papers(date=…) returns the day in HF order: by upvotes, ties by arXiv time', async () => {
    for (const day of DAYS) {
      const ours = (await api<{ id: string; upvotes: number | null; published_at: string }[]>(`api.list_daily_papers(date="${day}")`)).map(
        // PaperInfo reads 0 upvotes as None (`upvotes or None`).
        (p) => ({ ...p, upvotes: p.upvotes ?? 0 }),
      );
      const theirs = readDay(day);
      expect(
        ours.map((p) => p.upvotes),
        day,
      ).toEqual(theirs.map((e) => e.paper.upvotes));
      for (let i = 1; i < ours.length; i++) {
        if (ours[i]!.upvotes === ours[i - 1]!.upvotes) expect(ours[i]!.published_at <= ours[i - 1]!.published_at, day).toBe(true);
      }
      if (EXACT_ORDER_DAYS.includes(day))
        expect(
          ours.map((p) => p.id),
          day,
        ).toEqual(theirs.map((e) => e.paper.id));
    }
    // The other orders stay available.
    const byDate = await api<{ published_at: string }[]>('api.list_daily_papers(date="2026-04-03", sort="publishedAt")');
    expect(byDate.map((p) => p.published_at)).toEqual([...byDate.map((p) => p.published_at)].sort().reverse());
    const trending = await api<{ id: string }[]>('api.list_daily_papers(date="2026-04-03", sort="trending", limit=3)');
    expect(trending).toHaveLength(3);
  });

  it('paper_info and list_papers agree on the trending score and counts', async () => {
    const info = await api<{ id: string; title: string; upvotes: number; trendingScore: number }>(`api.paper_info("${HERD}")`);
    expect(info).toMatchObject({ id: HERD, title: 'The Llama 3 Herd of Models', upvotes: 49 });
    expect(info.trendingScore).toBeGreaterThan(0);
    const hits = await api<{ id: string; upvotes: number }[]>('api.list_papers(query="llama")');
    const herd = hits.find((h) => h.id === HERD);
    expect(herd, 'The Llama 3 Herd of Models is among the results, as on Hugging Face').toBeDefined();
    expect(herd!.upvotes).toBe(info.upvotes);
    // PaperInfo drops the fields of a hit's nested paper it does not know, so the score is compared on the wire.
    const raw = (await (await fetch(`${server.url}/api/papers/search?q=llama`)).json()) as {
      paper: { id: string; trendingScore: number };
    }[];
    expect(raw.find((h) => h.paper.id === HERD)!.paper.trendingScore).toBe(info.trendingScore);
  });

  it('list_papers accepts HF limits up to 120 and refuses 121 with HF error text', async () => {
    const all = await api<unknown[]>('api.list_papers(query="model", limit=120)');
    expect(all.length).toBeGreaterThan(20);
    expect(all.length).toBeLessThanOrEqual(120);
    const refused = await python(
      'from huggingface_hub import HfApi\nlist(HfApi(token=False).list_papers(query="model", limit=121))',
      [],
      true,
    );
    // HF's client shows the server's {"error": "..."} text as is, never a Python dict.
    expect(refused.stderr).toContain('limit must be an integer between 1 and 120');
    expect(refused.stderr).not.toContain("{'code'");
  });

  it('list_papers() without a query lists the most trending featured papers, honouring limit', async () => {
    const popular = await api<{ id: string; title: string }[]>('api.list_papers()');
    expect(popular.length).toBeGreaterThan(0);
    expect(popular.length).toBeLessThanOrEqual(20);
    const scores: number[] = [];
    for (const paper of popular.slice(0, 5)) {
      const info = await api<{ title: string; trendingScore: number }>(`api.paper_info("${paper.id}")`);
      expect(paper.title).toBe(info.title);
      scores.push(info.trendingScore);
    }
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    expect(await api<unknown[]>('api.list_papers(limit=3)')).toHaveLength(3);
    const all = await api<{ id: string }[]>('api.list_papers(limit=120)');
    expect(all.length).toBe(Math.min(120, DAYS.reduce((n, day) => n + readDay(day).length, 0) + 1));
    expect(all.slice(0, popular.length).map((p) => p.id)).toEqual(popular.map((p) => p.id));
  });

  it('paper_info keeps the source values verbatim: times of day, organisation, thumbnail, project page', async () => {
    // Derived from the source JSON: an entry whose values an import could alter.
    const { day, entry } = findEntry(
      (e) =>
        hasTimeOfDay(e.paper.publishedAt) &&
        hasTimeOfDay(e.paper.submittedOnDailyAt) &&
        Boolean(e.paper.organization?.name && e.paper.organization.fullname) &&
        Boolean(e.thumbnail) &&
        Boolean(e.paper.projectPage?.endsWith('/')),
    );
    const source = entry.paper;
    const info = await api<{
      id: string;
      title: string;
      published_at: string;
      submitted_at: string;
      organization: { name: string; fullname: string };
      project_page: string;
      thumbnail: string;
    }>(`api.paper_info("${source.id}")`);
    expect(info.id).toBe(source.id);
    expect(info.title).toBe(source.title);
    expect(instant(info.published_at)).toBe(instant(source.publishedAt));
    expect(instant(info.submitted_at)).toBe(instant(source.submittedOnDailyAt!));
    expect(info.organization).toMatchObject({ name: source.organization!.name, fullname: source.organization!.fullname });
    expect(info.project_page).toBe(source.projectPage);
    expect(info.thumbnail).toBe(entry.thumbnail);
    // On the wire, the timestamps are the source's strings exactly.
    const raw = (await (await fetch(`${server.url}/api/papers/${source.id}`)).json()) as Record<string, unknown>;
    expect(raw).toMatchObject({
      publishedAt: source.publishedAt,
      submittedOnDailyAt: source.submittedOnDailyAt,
      projectPage: source.projectPage,
    });

    // list_daily_papers reads the entry: its publishedAt (when it was put on the feed) is submitted_at.
    const daily = await api<{ id: string; title: string; published_at: string; submitted_at: string }[]>(
      `api.list_daily_papers(date="${day}")`,
    );
    const listed = daily.find((p) => p.id === source.id)!;
    expect(listed.title).toBe(entry.title);
    expect(instant(listed.published_at)).toBe(instant(source.publishedAt));
    expect(instant(listed.submitted_at)).toBe(instant(entry.publishedAt));
  });

  it('keeps a TeX title as written: the entry title in list_daily_papers and read_paper, the paper title in paper_info', async () => {
    const { day, entry } = findEntry((e) => e.title.includes('$') && e.title !== e.paper.title);
    const id = entry.paper.id;
    const daily = await api<{ id: string; title: string }[]>(`api.list_daily_papers(date="${day}")`);
    expect(daily.find((p) => p.id === id)!.title).toBe(entry.title);
    // HF's paper object carries arXiv's title; paper_info shows it unaltered, line break included.
    expect((await api<{ title: string }>(`api.paper_info("${id}")`)).title).toBe(entry.paper.title);
    const markdown = await api<string>(`api.read_paper("${id}")`);
    // The title is a line of its own, TeX as written (`\times` is not a Markdown escape, so it stays).
    expect(markdown.split('\n')[0]).toBe(`# ${entry.title}`);
    const shown = (await hf(['papers', 'ls', '--date', day, '--format', 'json'])).stdout;
    expect((JSON.parse(shown) as { id: string; title: string }[]).find((p) => p.id === id)!.title).toBe(entry.title);
  });

  it('list_daily_papers entries have HF keys: the organisation stays inside the paper, where HF puts it', async () => {
    const { day, entry } = findEntry((e) => Boolean(e.paper.organization?.name));
    const ours = (await (await fetch(`${server.url}/api/daily_papers?date=${day}`)).json()) as Record<string, unknown>[];
    const served = ours.find((e) => (e.paper as { id: string }).id === entry.paper.id)!;
    // HF's entry keys (the shared files dropped submittedBy, which HF sends and so do we).
    expect(Object.keys(served).sort()).toEqual([...Object.keys(entry), 'submittedBy'].sort());
    expect((served.paper as { organization: unknown }).organization).toMatchObject(entry.paper.organization!);
  });

  it('list_daily_papers(submitter=…) lists what that user submitted', async () => {
    const mine = await api<{ id: string; submitted_by: { user: string } | null }[]>('api.list_daily_papers(submitter="ada")');
    expect(mine.map((p) => p.id)).toEqual(['2608.00042']);
    expect(await api<unknown[]>('api.list_daily_papers(submitter="nobody-here")')).toEqual([]);
    expect(await api<unknown[]>('api.list_daily_papers(date="2026-08-22", submitter="ada")')).toHaveLength(1);
  });

  it('read_paper returns the paper as Markdown', async () => {
    const markdown = await api<string>(`api.read_paper("${HERD}")`);
    expect(markdown.startsWith('# The Llama 3 Herd of Models\n')).toBe(true);
    expect(markdown).toContain('Abhimanyu Dubey');
    expect(markdown).toContain('## Abstract');
    expect(markdown).toContain('Modern artificial intelligence (AI) systems are powered by foundation models.');
    expect(markdown).toContain(`(https://arxiv.org/abs/${HERD})`);
  });

  it('a missing paper is a 404 the client reports with our message', async () => {
    const failed = await python('from huggingface_hub import HfApi\nHfApi(token=False).paper_info("2499.99999")', [], true);
    expect(failed.stderr).toContain('404');
    expect(failed.stderr).toContain('No paper with id 2499.99999.');
  });

  it('GET /api/papers pages with a cursor through the Link header, as the client follows it', async () => {
    const code = `
import json
from huggingface_hub.utils._pagination import paginate
from huggingface_hub import constants
print(json.dumps([p["id"] for p in paginate(constants.ENDPOINT + "/api/papers", {"limit": 7}, {})]))`;
    const ids = JSON.parse((await python(code)).stdout) as string[];
    const expected = DAYS.reduce((n, day) => n + readDay(day).length, 0) + 1;
    expect(ids).toHaveLength(expected);
    expect(new Set(ids).size).toBe(expected);
    expect(ids[0]).toBe('2608.00042');
    const bad = await fetch(`${server.url}/api/papers?cursor=not-a-cursor`);
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ error: 'cursor is not a cursor this API handed out', code: 'bad_request' });
  });

  it('the `hf papers` commands work', async () => {
    const listed = (await hf(['papers', 'ls', '--date', '2026-08-21', '--format', 'json'])).stdout;
    const rows = JSON.parse(listed) as { id: string; upvotes: number }[];
    expect(rows.map((r) => r.id)).toEqual(readDay('2026-08-21').map((e) => e.paper.id));
    const search = JSON.parse((await hf(['papers', 'search', 'llama', '--format', 'json'])).stdout) as { id: string }[];
    expect(search.map((r) => r.id)).toContain(HERD);
    expect((await hf(['papers', 'info', HERD])).stdout).toContain('The Llama 3 Herd of Models');
    expect((await hf(['papers', 'read', HERD])).stdout).toContain('# The Llama 3 Herd of Models');
    const mine = JSON.parse((await hf(['papers', 'ls', '--submitter', 'ada', '--format', 'json'])).stdout) as { id: string }[];
    expect(mine.map((r) => r.id)).toEqual(['2608.00042']);
    expect((await hf(['papers', 'info', '2499.99999'], true)).stderr).toContain("Paper '2499.99999' not found on the Hub.");
  });
});
