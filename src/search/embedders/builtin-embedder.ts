import type { Embedder, EmbeddableDocument } from './embedder.js';
import { LsaFolder, type LsaModel } from './lsa-model.js';

/** The default embedder: the LSA model trained on this database's papers. Runs in-process, offline. */
export class BuiltinEmbedder implements Embedder {
  readonly dimensions: number;
  private readonly folder: LsaFolder;

  constructor(
    readonly id: string,
    readonly model: LsaModel,
  ) {
    this.dimensions = model.dimensions;
    this.folder = new LsaFolder(model);
  }

  embedDocuments(documents: readonly EmbeddableDocument[]): Promise<Float32Array[]> {
    return Promise.resolve(documents.map((doc) => this.folder.document(doc)));
  }

  embedQuery(text: string): Promise<Float32Array> {
    return Promise.resolve(this.folder.query(text));
  }
}
