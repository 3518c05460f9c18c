import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { EmbedderError, l2Normalize, TextEmbedder } from './embedder.js';

/** The parts of @huggingface/transformers this embedder uses. */
interface TransformersModule {
  env: { allowRemoteModels: boolean; allowLocalModels: boolean; localModelPath: string };
  pipeline(
    task: 'feature-extraction',
    model: string,
    options: Record<string, unknown>,
  ): Promise<
    (texts: string[], options: { pooling: 'mean' | 'cls'; normalize: boolean }) => Promise<{ data: Float32Array; dims: number[] }>
  >;
}

const PACKAGE = '@huggingface/transformers';

async function loadTransformers(): Promise<TransformersModule> {
  try {
    // A variable specifier keeps the optional dependency out of the type-check and the default install.
    const name = PACKAGE;
    return (await import(name)) as TransformersModule;
  } catch (error) {
    throw new EmbedderError(
      `PAPERBOY_EMBEDDER=onnx:… needs the optional package ${PACKAGE}, which is not installed (${String(error)}). ` +
        `Install it with: ONNXRUNTIME_NODE_INSTALL=skip ONNXRUNTIME_NODE_INSTALL_CUDA=skip npm install ${PACKAGE}@3 ` +
        `(the CPU runtime is bundled; the variables stop onnxruntime-node's install script from downloading GPU binaries).`,
    );
  }
}

/** Mean pooling unless the model's sentence-transformers config says CLS (as bge models do). */
function poolingOf(directory: string): 'mean' | 'cls' {
  const file = path.join(directory, '1_Pooling', 'config.json');
  if (!fs.existsSync(file)) return 'mean';
  const config = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  return config.pooling_mode_cls_token === true ? 'cls' : 'mean';
}

/**
 * Changes whenever the weights, tokenizer, config or pooling change (a fine-tuned model keeps its size and config),
 * so vectors of a replaced model are never mixed with new ones.
 */
async function fingerprintOf(directory: string, pooling: 'mean' | 'cls'): Promise<string> {
  const hash = createHash('sha256');
  for (const file of ['config.json', 'tokenizer.json', path.join('onnx', 'model.onnx')]) {
    for await (const chunk of fs.createReadStream(path.join(directory, file))) hash.update(chunk as Buffer);
  }
  return hash.update(pooling).digest('hex').slice(0, 10);
}

/**
 * A sentence-transformers model exported to ONNX, loaded from a local directory (config.json, tokenizer.json,
 * tokenizer_config.json and onnx/model.onnx), never downloaded.
 */
export class OnnxEmbedder extends TextEmbedder {
  readonly id: string;
  private constructor(
    private readonly extract: Awaited<ReturnType<TransformersModule['pipeline']>>,
    readonly dimensions: number,
    private readonly pooling: 'mean' | 'cls',
    directory: string,
    fingerprint: string,
    private readonly batchSize: number,
  ) {
    super();
    this.id = `onnx:${path.basename(directory)}-${fingerprint}`;
  }

  static async load(directory: string, batchSize = 32): Promise<OnnxEmbedder> {
    const absolute = path.resolve(directory);
    for (const required of ['config.json', 'tokenizer.json']) {
      if (!fs.existsSync(path.join(absolute, required))) {
        throw new EmbedderError(`ONNX model directory ${absolute} has no ${required} (see README: getting an ONNX model)`);
      }
    }
    if (!fs.existsSync(path.join(absolute, 'onnx', 'model.onnx'))) {
      throw new EmbedderError(`ONNX model directory ${absolute} has no onnx/model.onnx (see README: getting an ONNX model)`);
    }
    const transformers = await loadTransformers();
    transformers.env.allowRemoteModels = false;
    transformers.env.allowLocalModels = true;
    transformers.env.localModelPath = path.dirname(absolute);
    const extract = await transformers.pipeline('feature-extraction', path.basename(absolute), { dtype: 'fp32', local_files_only: true });
    const pooling = poolingOf(absolute);
    const probe = await extract(['dimension probe'], { pooling, normalize: true });
    const dimensions = probe.dims[probe.dims.length - 1]!;
    return new OnnxEmbedder(extract, dimensions, pooling, absolute, await fingerprintOf(absolute, pooling), batchSize);
  }

  protected async embedTexts(texts: readonly string[]): Promise<Float32Array[]> {
    const out: Float32Array[] = [];
    for (let i = 0; i < texts.length; i += this.batchSize) {
      const batch = texts.slice(i, i + this.batchSize);
      const tensor = await this.extract(batch, { pooling: this.pooling, normalize: true });
      for (let row = 0; row < batch.length; row++) {
        out.push(l2Normalize(tensor.data.slice(row * this.dimensions, (row + 1) * this.dimensions)));
      }
    }
    return out;
  }
}
