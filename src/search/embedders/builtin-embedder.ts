import type { Embedder, EmbeddableDocument } from './embedder.js';
import { lsaDocumentTerms, lsaQueryTerms, lsaVectorOfTerms, type LsaModel } from './lsa-model.js';

/** The default embedder: the LSA model trained on this database's papers. Runs in-process, offline. */
export class BuiltinEmbedder implements Embedder {
  readonly dimensions: number;
  private readonly index: Map<string, number>;

  constructor(
    readonly id: string,
    readonly model: LsaModel,
  ) {
    this.dimensions = model.dimensions;
    this.index = new Map(model.terms.map((term, i) => [term, i]));
  }

  embedDocuments(documents: readonly EmbeddableDocument[]): Promise<Float32Array[]> {
    return Promise.resolve(documents.map((doc) => lsaVectorOfTerms(this.model, this.index, lsaDocumentTerms(doc))));
  }

  embedQuery(text: string): Promise<Float32Array> {
    return Promise.resolve(lsaVectorOfTerms(this.model, this.index, lsaQueryTerms(text)));
  }
}
