import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { REPO_ID, type HubClient, type HubFile } from './hub-client.js';
import { planModelFiles, type OnnxVariant, type PlannedFile } from './model-files.js';

/**
 * `paperboy model fetch`: downloads a sentence-embedding model from the Hugging Face hub into
 * `<data dir>/models/<owner>/<name>/`, pinned to one commit, each file into a `.part` file that a later run
 * continues, checked against the hub's checksums before it takes its place, and recorded in a manifest.
 */

export const MANIFEST_FILE = 'paperboy-model.json';

export interface ManifestFile {
  readonly path: string;
  /** The file in the repository it came from. */
  readonly source: string;
  readonly size: number;
  readonly sha256: string;
}

/** How token vectors become one sentence vector: as the repository's pooling config says, or as asked for. */
export type PoolingChoice = 'cls' | 'mean';

export interface ModelManifest {
  readonly repo: string;
  readonly revision: string;
  /** The commit `revision` resolved to when the files were fetched. */
  readonly commit: string;
  readonly hub: string;
  readonly variant: OnnxVariant;
  /** `cls` or `mean` when given on the command line, `repository` when the repository's pooling config is used, `none`. */
  readonly pooling: PoolingChoice | 'repository' | 'none';
  readonly fetchedAt: string;
  readonly files: readonly ManifestFile[];
}

export interface FetchModelInput {
  readonly repo: string;
  readonly revision: string;
  readonly variant: OnnxVariant;
  /**
   * Writes sentence-transformers' `1_Pooling/config.json` selecting this pooling, in place of the repository's (ONNX
   * exports often lack it, and the embedder then mean-pools, while bge models are trained for CLS).
   */
  readonly pooling: PoolingChoice | null;
  /** Where the model directories live (`<data dir>/models`). */
  readonly modelsDir: string;
}

export interface FetchModelDeps {
  readonly hub: HubClient;
  readonly hubUrl: string;
  /** One line of progress for a person watching. */
  readonly progress: (line: string) => void;
  readonly now?: () => Date;
  /** Least time between two progress lines of one file. */
  readonly progressIntervalMs?: number;
}

export interface FetchModelResult {
  readonly directory: string;
  readonly manifest: ModelManifest;
  /** Files that were downloaded (the others were already there at the same commit's content). */
  readonly downloaded: readonly string[];
}

export class ModelFetchError extends Error {
  override readonly name = 'ModelFetchError';
}

/**
 * `Xenova/bge-small-en-v1.5` → `Xenova/bge-small-en-v1.5`, the model's directory under the models folder. The ONNX
 * runtime's loader takes the last part for a model id and reads a name holding `--` as a relative path instead, so
 * such runs of dashes become one.
 */
export function modelDirectoryName(repo: string): string {
  const [owner, name] = repo.split('/') as [string, string];
  return path.join(owner, name.replace(/-{2,}/g, '-'));
}

export function parseRepoId(raw: string): string | null {
  return REPO_ID.test(raw) && !raw.includes('..') ? raw : null;
}

function readManifest(directory: string): ModelManifest | null {
  try {
    return JSON.parse(fs.readFileSync(path.join(directory, MANIFEST_FILE), 'utf8')) as ModelManifest;
  } catch {
    return null;
  }
}

async function hashFile(file: string, algorithm: 'sha256' | 'sha1', prefix?: Buffer): Promise<string> {
  const hash = createHash(algorithm);
  if (prefix) hash.update(prefix);
  for await (const chunk of fs.createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Git's id of a blob: sha1 over `blob <size>\0` and the content. */
async function gitBlobId(file: string): Promise<string> {
  return hashFile(file, 'sha1', Buffer.from(`blob ${fs.statSync(file).size}\0`));
}

function megabytes(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

/** Prints a file's progress at most once per interval, and always at its end. */
function progressPrinter(deps: FetchModelDeps, target: string) {
  const interval = deps.progressIntervalMs ?? 1000;
  const started = performance.now();
  let lastPrinted = Number.NEGATIVE_INFINITY;
  return (received: number, total: number | null, resumedFrom: number, done = false) => {
    const now = performance.now();
    if (!done && now - lastPrinted < interval) return;
    lastPrinted = now;
    const seconds = Math.max((now - started) / 1000, 1e-3);
    const rate = `${megabytes((received - resumedFrom) / seconds)}/s`;
    const share = total !== null && total > 0 ? ` (${Math.floor((received / total) * 100)}%)` : '';
    const resumed = resumedFrom > 0 ? `, resumed at ${megabytes(resumedFrom)}` : '';
    deps.progress(`${target}: ${megabytes(received)}${total !== null ? ` of ${megabytes(total)}` : ''}${share}, ${rate}${resumed}`);
  };
}

/** The content id a file is checked against: sha256 for LFS files, git's blob id for the others. */
function expectedIdOf(file: HubFile): { kind: 'sha256' | 'git-blob'; value: string } | null {
  if (file.lfsSha256 !== null) return { kind: 'sha256', value: file.lfsSha256 };
  if (file.blobId !== null) return { kind: 'git-blob', value: file.blobId };
  return null;
}

/** The part file of one version of a file: a different version never continues another's bytes. */
function partPathOf(directory: string, planned: PlannedFile): string {
  const id = expectedIdOf(planned.source)?.value.slice(0, 16) ?? 'unchecked';
  return path.join(directory, `${planned.target}.${id}.part`);
}

function removeStaleParts(directory: string, planned: PlannedFile, keep: string): void {
  const folder = path.dirname(path.join(directory, planned.target));
  const prefix = `${path.basename(planned.target)}.`;
  for (const name of fs.readdirSync(folder)) {
    const file = path.join(folder, name);
    if (name.startsWith(prefix) && name.endsWith('.part') && file !== keep) fs.rmSync(file, { force: true });
  }
}

async function verify(partPath: string, planned: PlannedFile, repo: string): Promise<string> {
  const sha256 = await hashFile(partPath, 'sha256');
  const expected = expectedIdOf(planned.source);
  const actual = expected?.kind === 'git-blob' ? await gitBlobId(partPath) : sha256;
  if (expected !== null && actual !== expected.value) {
    fs.rmSync(partPath, { force: true });
    throw new ModelFetchError(
      `${repo}/${planned.source.path} failed its checksum (${expected.kind} ${actual}, expected ${expected.value}); ` +
        'the partial download was deleted, run the command again to download it afresh',
    );
  }
  return sha256;
}

function isUpToDate(directory: string, previous: ModelManifest | null, planned: PlannedFile): ManifestFile | null {
  const entry = previous?.files.find((file) => file.path === planned.target && file.source === planned.source.path);
  if (!entry) return null;
  const expected = expectedIdOf(planned.source);
  if (expected?.kind !== 'sha256' || entry.sha256 !== expected.value) return null;
  const file = path.join(directory, planned.target);
  return fs.existsSync(file) && fs.statSync(file).size === entry.size ? entry : null;
}

const POOLING_CONFIG = '1_Pooling/config.json';

function writePoolingConfig(directory: string, pooling: PoolingChoice): ManifestFile {
  const file = path.join(directory, POOLING_CONFIG);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const content = `${JSON.stringify({ pooling_mode_cls_token: pooling === 'cls', pooling_mode_mean_tokens: pooling === 'mean' }, null, 2)}\n`;
  fs.writeFileSync(file, content);
  return {
    path: POOLING_CONFIG,
    source: `--pooling ${pooling}`,
    size: Buffer.byteLength(content),
    sha256: createHash('sha256').update(content).digest('hex'),
  };
}

function writeManifest(directory: string, manifest: ModelManifest): void {
  const temporary = path.join(directory, `${MANIFEST_FILE}.tmp`);
  fs.writeFileSync(temporary, `${JSON.stringify(manifest, null, 2)}\n`);
  fs.renameSync(temporary, path.join(directory, MANIFEST_FILE));
}

export async function fetchModel(deps: FetchModelDeps, input: FetchModelInput): Promise<FetchModelResult> {
  const repo = parseRepoId(input.repo);
  if (repo === null) throw new ModelFetchError(`"${input.repo}" is not a model repository id like Xenova/bge-small-en-v1.5`);
  const info = await deps.hub.modelInfo(repo, input.revision);
  const plan = planModelFiles(repo, info.files, input.variant).filter((file) => input.pooling === null || file.target !== POOLING_CONFIG);
  const directory = path.join(input.modelsDir, modelDirectoryName(repo));
  fs.mkdirSync(path.join(directory, 'onnx'), { recursive: true });
  const previous = readManifest(directory);
  deps.progress(`${repo}@${input.revision} is commit ${info.commit}; ${plan.length} files into ${directory}`);

  const files: ManifestFile[] = [];
  const downloaded: string[] = [];
  for (const planned of plan) {
    const upToDate = isUpToDate(directory, previous, planned);
    if (upToDate) {
      deps.progress(`${planned.target}: already fetched`);
      files.push(upToDate);
      continue;
    }
    const target = path.join(directory, planned.target);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    const partPath = partPathOf(directory, planned);
    removeStaleParts(directory, planned, partPath);
    const print = progressPrinter(deps, planned.target);
    let last = { received: 0, total: planned.source.size, resumedFrom: 0 };
    await deps.hub.download(repo, info.commit, planned.source, partPath, (progress) => {
      last = progress;
      print(progress.received, progress.total, progress.resumedFrom);
    });
    print(last.received, last.total, last.resumedFrom, true);
    const sha256 = await verify(partPath, planned, repo);
    fs.renameSync(partPath, target);
    files.push({ path: planned.target, source: planned.source.path, size: fs.statSync(target).size, sha256 });
    downloaded.push(planned.target);
  }

  if (input.pooling !== null) files.push(writePoolingConfig(directory, input.pooling));
  const pooling = input.pooling ?? (files.some((file) => file.path === POOLING_CONFIG) ? 'repository' : 'none');
  if (pooling === 'none') {
    deps.progress(`${repo} has no ${POOLING_CONFIG}: the embedder will mean-pool (bge models want --pooling cls)`);
  }

  for (const stale of previous?.files ?? []) {
    if (!files.some((file) => file.path === stale.path)) fs.rmSync(path.join(directory, stale.path), { force: true });
  }
  const manifest: ModelManifest = {
    repo,
    revision: input.revision,
    commit: info.commit,
    hub: deps.hubUrl,
    variant: input.variant,
    pooling,
    fetchedAt: (deps.now?.() ?? new Date()).toISOString(),
    files,
  };
  writeManifest(directory, manifest);
  return { directory, manifest, downloaded };
}
