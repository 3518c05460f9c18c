import fs from 'node:fs';
import path from 'node:path';
import { openLineFile } from '../../ingest/line-reader.js';
import type { Judgements } from '../../search/eval/metrics.js';
import type { TfidfDocument } from '../tfidf.js';
import type { Profile } from '../rank.js';

export interface UserProfile extends Profile {
  readonly user: string;
}

/** A corpus document: TF-IDF reads `text` (title and abstract), an embedder reads the two apart. */
export interface CorpusDocument extends TfidfDocument {
  readonly title: string;
  readonly abstract: string;
}

export interface RecommendationDataset {
  readonly corpus: readonly CorpusDocument[];
  /** Profiles with judgements in the split, in file order. */
  readonly profiles: readonly UserProfile[];
  readonly qrels: ReadonlyMap<string, Judgements>;
}

export class RecommendationDatasetError extends Error {
  override name = 'RecommendationDatasetError';
}

function parseJsonObject(line: string, file: string, lineNumber: number): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(line);
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw new RecommendationDatasetError(`${file}:${lineNumber}: not a JSON object`);
}

function idList(value: unknown, file: string, lineNumber: number, key: string): string[] {
  if (value === undefined && key === 'negatives') return [];
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string'))
    throw new RecommendationDatasetError(`${file}:${lineNumber}: "${key}" must be a list of document ids`);
  return value as string[];
}

function corpusFile(directory: string): string {
  for (const name of ['corpus.jsonl', 'corpus.jsonl.gz']) {
    const file = path.join(directory, name);
    if (fs.existsSync(file)) return file;
  }
  throw new RecommendationDatasetError(`missing ${path.join(directory, 'corpus.jsonl')} (or corpus.jsonl.gz)`);
}

function requireFile(file: string): string {
  if (!fs.existsSync(file)) throw new RecommendationDatasetError(`missing ${file}`);
  return file;
}

function readQrels(file: string): Map<string, Map<string, number>> {
  const qrels = new Map<string, Map<string, number>>();
  fs.readFileSync(file, 'utf8')
    .split(/\r?\n/)
    .forEach((line, i) => {
      if (line.trim() === '' || i === 0) return;
      const [user, doc, grade] = line.split('\t');
      if (!user || !doc || grade === undefined || !Number.isFinite(Number(grade)))
        throw new RecommendationDatasetError(`${file}:${i + 1}: expected user-id<TAB>doc-id<TAB>grade`);
      let judgements = qrels.get(user);
      if (!judgements) qrels.set(user, (judgements = new Map()));
      judgements.set(doc, Number(grade));
    });
  return qrels;
}

/** Reads corpus.jsonl(.gz), profiles.jsonl and qrels/<split>.tsv; keeps the profiles judged in the split. */
export async function readRecommendationDataset(directory: string, split: string): Promise<RecommendationDataset> {
  const qrels = readQrels(requireFile(path.join(directory, 'qrels', `${split}.tsv`)));
  const profilesFile = requireFile(path.join(directory, 'profiles.jsonl'));
  const profiles: UserProfile[] = [];
  let n = 0;
  for await (const line of openLineFile(profilesFile).lines()) {
    n++;
    if (line.trim() === '') continue;
    const record = parseJsonObject(line, profilesFile, n);
    const user = String(record._id ?? '');
    if (!qrels.has(user)) continue;
    profiles.push({
      user,
      positives: idList(record.positives, profilesFile, n, 'positives'),
      negatives: idList(record.negatives, profilesFile, n, 'negatives'),
    });
  }
  const file = corpusFile(directory);
  const corpus: CorpusDocument[] = [];
  n = 0;
  for await (const line of openLineFile(file).lines()) {
    n++;
    if (line.trim() === '') continue;
    const record = parseJsonObject(line, file, n);
    const id = String(record._id ?? '');
    if (id === '') throw new RecommendationDatasetError(`${file}:${n}: document without _id`);
    const title = typeof record.title === 'string' ? record.title : '';
    const text = typeof record.text === 'string' ? record.text : '';
    corpus.push({ id, text: `${title}\n${text}`, title, abstract: text });
  }
  return { corpus, profiles, qrels };
}
