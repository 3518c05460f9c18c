import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { loadConfig } from '../../src/config.js';
import { OnnxEmbedder } from '../../src/search/embedders/onnx-embedder.js';
import { fetchModel, MANIFEST_FILE, type ModelManifest } from '../../src/search/model-fetch/fetch-model.js';
import { HubClient } from '../../src/search/model-fetch/hub-client.js';
import { captureIo } from '../ingest-network/replay-server.js';
import { tempDir } from '../helpers/stores.js';
import { FakeHub, repoFilesOf, type HubRepoFile } from './fake-hub.js';
import { expectedClsPooled, writeTinyOnnxModel } from './tiny-onnx-model.js';

const runtimeInstalled = await import('@huggingface/transformers' as string).then(
  () => true,
  () => false,
);
// CI installs the optional runtime, so there a missing runtime must fail the end-to-end test rather than skip it.
const runModelTests = runtimeInstalled || process.env.CI === 'true';

const root = tempDir('paperboy-model-fetch-');
const hub = new FakeHub();
let modelFiles: HubRepoFile[] = [];
/** The same model without sentence-transformers' pooling config, as ONNX exports often are. */
let meanModelFiles: HubRepoFile[] = [];
let weights: Buffer;

beforeAll(async () => {
  const source = path.join(root, 'source');
  writeTinyOnnxModel(source, { clsPooling: true });
  fs.writeFileSync(path.join(source, 'special_tokens_map.json'), JSON.stringify({ cls_token: '[CLS]', sep_token: '[SEP]' }));
  fs.writeFileSync(path.join(source, 'README.md'), '# tiny\n');
  modelFiles = repoFilesOf(source);
  weights = fs.readFileSync(path.join(source, 'onnx', 'model.onnx'));
  meanModelFiles = modelFiles.filter((file) => !file.path.startsWith('1_Pooling/'));
  await hub.start();
});
afterAll(async () => {
  await hub.stop();
  fs.rmSync(root, { recursive: true, force: true });
});

let repoCounter = 0;
/** A repository of the test's own on the fake hub (faults are armed per file path, so each test has its own). */
function newRepo(extra: HubRepoFile[] = [], options: { token?: string } = {}): { repo: string; commit: string } {
  const repo = `tests/tiny-bert-${++repoCounter}`;
  const commit = hub.addRepo(repo, [...modelFiles, ...extra], options);
  return { repo, commit };
}

function dataDir(): string {
  return fs.mkdtempSync(path.join(root, 'data-'));
}

function env(data: string, extra: Record<string, string> = {}): Record<string, string> {
  return { PAPERBOY_DATA_DIR: data, PAPERBOY_HF_URL: hub.url, PAPERBOY_DEMO: 'off', ...extra };
}

function modelDir(data: string, repo: string): string {
  return path.join(data, 'models', ...repo.split('/'));
}

function manifestOf(directory: string): ModelManifest {
  return JSON.parse(fs.readFileSync(path.join(directory, MANIFEST_FILE), 'utf8')) as ModelManifest;
}

function requestsFor(repo: string) {
  return hub.requests.filter((request) => request.path.includes(repo) || request.path.includes(encodeURIComponent(repo)));
}

function fastClient(options: { maxRetries?: number } = {}): HubClient {
  return new HubClient({ baseUrl: hub.url, token: null, userAgent: 'paperboy-tests', backoffMs: 10, ...options });
}

function partFiles(directory: string): string[] {
  return fs.existsSync(directory)
    ? fs.readdirSync(directory, { recursive: true, encoding: 'utf8' }).filter((name) => name.endsWith('.part'))
    : [];
}

describe('paperboy model fetch', () => {
  it('downloads config, tokenizer, pooling config and weights pinned to one commit, and prints the next two commands', async () => {
    const { repo, commit } = newRepo();
    const data = dataDir();
    const io = captureIo();
    expect(await runCli(['model', 'fetch', repo], io.io, env(data))).toBe(0);

    const directory = modelDir(data, repo);
    for (const file of ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json', '1_Pooling/config.json']) {
      const served = modelFiles.find((candidate) => candidate.path === file)!;
      expect(fs.readFileSync(path.join(directory, file))).toEqual(served.content);
    }
    expect(fs.readFileSync(path.join(directory, 'onnx', 'model.onnx'))).toEqual(weights);
    expect(fs.existsSync(path.join(directory, 'README.md'))).toBe(false);
    expect(partFiles(directory)).toEqual([]);

    const manifest = manifestOf(directory);
    expect(manifest).toMatchObject({ repo, revision: 'main', commit, hub: hub.url, variant: 'fp32', pooling: 'repository' });
    expect(manifest.files.find((file) => file.path === 'onnx/model.onnx')).toMatchObject({
      source: 'onnx/model.onnx',
      size: weights.length,
    });

    const downloads = requestsFor(repo).filter((request) => request.path.includes('/resolve/'));
    expect(downloads.length).toBeGreaterThan(0);
    expect(downloads.every((request) => request.path.includes(`/resolve/${commit}/`))).toBe(true);

    expect(io.stdout()).toContain(`export PAPERBOY_EMBEDDER=onnx:${directory}`);
    expect(io.stdout()).toContain('paperboy index rebuild');
    expect(io.stderr()).toMatch(/onnx\/model\.onnx: .* \(100%\)/);
  });

  it('waits as long as Retry-After asks when the hub answers 503, then succeeds', async () => {
    const { repo } = newRepo();
    hub.unavailable(repo, 'tokenizer.json', 1, '1');
    const data = dataDir();
    const io = captureIo();
    const started = hub.requests.length;
    expect(await runCli(['model', 'fetch', repo], io.io, env(data))).toBe(0);
    expect(io.stderr()).toMatch(/tokenizer\.json: HTTP 503; retry 1 of \d+ in 1\.0 s/);
    const tries = hub.requests.slice(started).filter((request) => request.path.endsWith('/tokenizer.json'));
    expect(tries).toHaveLength(2);
    expect(fs.readFileSync(path.join(modelDir(data, repo), 'tokenizer.json'))).toEqual(
      modelFiles.find((file) => file.path === 'tokenizer.json')!.content,
    );
  });

  it('continues a download cut off mid-file with a Range request for the missing bytes', async () => {
    const { repo } = newRepo();
    hub.cutAfter(repo, 'onnx/model.onnx', 100);
    const data = dataDir();
    const io = captureIo();
    expect(await runCli(['model', 'fetch', repo], io.io, env(data))).toBe(0);
    const cdn = requestsFor(repo).filter((request) => request.path.startsWith('/cdn/'));
    expect(cdn.map((request) => request.range)).toEqual([null, 'bytes=100-']);
    expect(io.stderr()).toMatch(/broke off after 100 bytes/);
    expect(io.stderr()).toMatch(/resumed at/);
    expect(fs.readFileSync(path.join(modelDir(data, repo), 'onnx', 'model.onnx'))).toEqual(weights);
  });

  it('keeps the partial file of a failed run and the next run continues it', async () => {
    const { repo, commit } = newRepo();
    hub.cutAfter(repo, 'onnx/model.onnx', 64);
    const modelsDir = path.join(dataDir(), 'models');
    const lines: string[] = [];
    const deps = (client: HubClient) => ({ hub: client, hubUrl: hub.url, progress: (line: string) => lines.push(line) });
    const input = { repo, revision: 'main', variant: 'fp32' as const, pooling: null, modelsDir };
    await expect(fetchModel(deps(fastClient({ maxRetries: 0 })), input)).rejects.toThrow(
      /failed after 1 attempt.*broke off after 64 bytes/,
    );
    const directory = path.join(modelsDir, ...repo.split('/'));
    const [part] = partFiles(directory);
    expect(part).toMatch(/^onnx\/model\.onnx\.[0-9a-f]{16}\.part$/);
    expect(fs.readFileSync(path.join(directory, part!))).toEqual(weights.subarray(0, 64));

    const result = await fetchModel(deps(fastClient()), input);
    expect(result.manifest.commit).toBe(commit);
    expect(
      requestsFor(repo)
        .filter((request) => request.path.startsWith('/cdn/'))
        .at(-1)!.range,
    ).toBe('bytes=64-');
    expect(fs.readFileSync(path.join(directory, 'onnx', 'model.onnx'))).toEqual(weights);
    expect(partFiles(directory)).toEqual([]);
  });

  it('deletes the partial file and fails clearly when the weights do not match their sha256', async () => {
    const { repo } = newRepo();
    hub.corrupt(repo, 'onnx/model.onnx');
    const data = dataDir();
    const io = captureIo();
    expect(await runCli(['model', 'fetch', repo], io.io, env(data))).toBe(1);
    expect(io.stderr()).toMatch(/onnx\/model\.onnx failed its checksum \(sha256 [0-9a-f]{64}, expected [0-9a-f]{64}\)/);
    expect(io.stderr()).not.toMatch(/\n\s+at /);
    const directory = modelDir(data, repo);
    expect(partFiles(directory)).toEqual([]);
    expect(fs.existsSync(path.join(directory, 'onnx', 'model.onnx'))).toBe(false);
    expect(fs.existsSync(path.join(directory, MANIFEST_FILE))).toBe(false);
  });

  it('names a missing repository and exits with 1, without a stack trace', async () => {
    const data = dataDir();
    const io = captureIo();
    expect(await runCli(['model', 'fetch', 'nobody/no-such-model'], io.io, env(data))).toBe(1);
    expect(io.stderr()).toMatch(/nobody\/no-such-model@main was not found on http:\/\/127\.0\.0\.1:\d+ \(HTTP 401 RepoNotFound\)/);
    expect(io.stderr()).not.toMatch(/\n\s+at /);
    expect(fs.existsSync(modelDir(data, 'nobody/no-such-model'))).toBe(false);
  });

  it('sends HF_TOKEN to the hub for a private repository', async () => {
    const { repo } = newRepo([], { token: 'hf_secret123' });
    const data = dataDir();
    expect(await runCli(['model', 'fetch', repo], captureIo().io, env(data))).toBe(1);
    expect(await runCli(['model', 'fetch', repo], captureIo().io, env(data, { HF_TOKEN: 'hf_secret123' }))).toBe(0);
    const withToken = requestsFor(repo).filter((request) => request.authorization !== null);
    expect(withToken.length).toBeGreaterThan(0);
    expect(withToken.every((request) => request.authorization === 'Bearer hf_secret123' && !request.path.startsWith('/cdn/'))).toBe(true);
    expect(() => loadConfig({ HF_TOKEN: 'two words' })).toThrow(/HF_TOKEN/);
  });

  it('stores the chosen weight variant as onnx/model.onnx and lists the variants a repository offers', async () => {
    const quantized = Buffer.concat([weights]);
    const { repo } = newRepo([{ path: 'onnx/model_quantized.onnx', content: quantized, lfs: true }]);
    const data = dataDir();
    expect(await runCli(['model', 'fetch', repo, '--variant', 'quantized'], captureIo().io, env(data))).toBe(0);
    const manifest = manifestOf(modelDir(data, repo));
    expect(manifest.variant).toBe('quantized');
    expect(manifest.files.find((file) => file.path === 'onnx/model.onnx')!.source).toBe('onnx/model_quantized.onnx');
    expect(requestsFor(repo).some((request) => request.path.endsWith('/onnx/model_quantized.onnx'))).toBe(true);

    const io = captureIo();
    expect(await runCli(['model', 'fetch', repo, '--variant', 'int8'], io.io, env(data))).toBe(1);
    expect(io.stderr()).toMatch(/has no int8 weights \(onnx\/model_int8\.onnx\); it offers onnx\/model\.onnx, onnx\/model_quantized\.onnx/);
    const usage = captureIo();
    expect(await runCli(['model', 'fetch', repo, '--variant', 'fp64'], usage.io, env(data))).toBe(2);
    expect(await runCli(['model', 'fetch', '../etc'], usage.io, env(data))).toBe(2);
  });

  it('does not download the weights again when they are already there at the same content', async () => {
    const { repo } = newRepo();
    const data = dataDir();
    expect(await runCli(['model', 'fetch', repo], captureIo().io, env(data))).toBe(0);
    const before = requestsFor(repo).filter((request) => request.path.startsWith('/cdn/')).length;
    const io = captureIo();
    expect(await runCli(['model', 'fetch', repo], io.io, env(data))).toBe(0);
    expect(requestsFor(repo).filter((request) => request.path.startsWith('/cdn/')).length).toBe(before);
    expect(io.stderr()).toContain('onnx/model.onnx: already fetched');
  });

  it.runIf(runModelTests)('fetches a model the ONNX embedder then loads and embeds with', async () => {
    const { repo } = newRepo();
    const data = dataDir();
    expect(await runCli(['model', 'fetch', repo], captureIo().io, env(data))).toBe(0);
    const directory = modelDir(data, repo);
    expect(loadConfig(env(data, { PAPERBOY_EMBEDDER: `onnx:${directory}` })).embedder).toMatchObject({ kind: 'onnx' });
    const embedder = await OnnxEmbedder.load(directory);
    const vector = await embedder.embedQuery('graph neural networks');
    // The pooling config came along: the fetched model pools by [CLS], as the served one says.
    expectedClsPooled().forEach((value, i) => expect(vector[i]).toBeCloseTo(value, 5));
  });

  it('writes the pooling config asked for when the repository has none, and says so when none is asked for', async () => {
    const repo = `tests/no-pooling-${++repoCounter}`;
    hub.addRepo(repo, meanModelFiles);
    const data = dataDir();
    const plain = captureIo();
    expect(await runCli(['model', 'fetch', repo], plain.io, env(data))).toBe(0);
    expect(plain.stderr()).toContain('has no 1_Pooling/config.json: the embedder will mean-pool (bge models want --pooling cls)');
    const directory = modelDir(data, repo);
    expect(manifestOf(directory).pooling).toBe('none');
    expect(fs.existsSync(path.join(directory, '1_Pooling', 'config.json'))).toBe(false);

    expect(await runCli(['model', 'fetch', repo, '--pooling', 'cls'], captureIo().io, env(data))).toBe(0);
    const config = JSON.parse(fs.readFileSync(path.join(directory, '1_Pooling', 'config.json'), 'utf8')) as Record<string, unknown>;
    expect(config).toEqual({ pooling_mode_cls_token: true, pooling_mode_mean_tokens: false });
    expect(manifestOf(directory).pooling).toBe('cls');
    expect(await runCli(['model', 'fetch', repo, '--pooling', 'max'], captureIo().io, env(data))).toBe(2);
    if (runModelTests) {
      const vector = await (await OnnxEmbedder.load(directory)).embedQuery('graph neural networks');
      expectedClsPooled().forEach((value, i) => expect(vector[i]).toBeCloseTo(value, 5));
    }
  });
});
