import type { FusionMethod } from '../fusion.js';
import { NEURAL_MODEL_FUSION } from './fusion-settings.js';

/** The text of a paper an embedder sees. */
export interface EmbeddableDocument {
  readonly title: string;
  readonly abstract: string;
}

/** Turns papers and queries into L2-normalised vectors comparable by cosine similarity. */
export interface Embedder {
  /** Names the model and its version; vectors of different ids are never mixed. */
  readonly id: string;
  readonly dimensions: number;
  /** How hybrid search weighs this model's similarities against keyword scores (fusion-settings.ts). */
  readonly fusion: FusionMethod;
  embedDocuments(documents: readonly EmbeddableDocument[]): Promise<Float32Array[]>;
  embedQuery(text: string): Promise<Float32Array>;
}

export class EmbedderError extends Error {
  override name = 'EmbedderError';
}

export function l2Normalize(vector: Float32Array): Float32Array {
  let sum = 0;
  for (let i = 0; i < vector.length; i++) sum += vector[i]! * vector[i]!;
  if (sum === 0) return vector;
  const scale = 1 / Math.sqrt(sum);
  for (let i = 0; i < vector.length; i++) vector[i]! *= scale;
  return vector;
}

/** Dot product; the cosine similarity of two normalised vectors. */
export function dot(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i]! * b[i]!;
  return sum;
}

export function isZeroVector(vector: Float32Array): boolean {
  for (let i = 0; i < vector.length; i++) if (vector[i] !== 0) return false;
  return true;
}

export function documentText(doc: EmbeddableDocument): string {
  return `${doc.title}. ${doc.abstract}`;
}

/** An embedder over a text model: papers are embedded as "title. abstract", queries as they are. */
export abstract class TextEmbedder implements Embedder {
  abstract readonly id: string;
  abstract readonly dimensions: number;
  readonly fusion: FusionMethod = NEURAL_MODEL_FUSION;

  protected abstract embedTexts(texts: readonly string[]): Promise<Float32Array[]>;

  embedDocuments(documents: readonly EmbeddableDocument[]): Promise<Float32Array[]> {
    return this.embedTexts(documents.map(documentText));
  }

  async embedQuery(text: string): Promise<Float32Array> {
    const [vector] = await this.embedTexts([text]);
    return vector!;
  }
}
