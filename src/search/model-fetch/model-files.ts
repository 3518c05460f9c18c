import type { HubFile } from './hub-client.js';

/**
 * Which files of a hub repository make a model directory the ONNX embedder can load: the config and tokenizer files,
 * sentence-transformers' pooling config when there is one, and one ONNX weights file, always stored as
 * `onnx/model.onnx` (the name the embedder loads), whichever variant it was.
 */

/** Weight variants that take token ids and return float32 hidden states, as the embedder expects. */
export const ONNX_VARIANTS = ['fp32', 'quantized', 'int8', 'uint8'] as const;
export type OnnxVariant = (typeof ONNX_VARIANTS)[number];

export const REQUIRED_FILES = ['config.json', 'tokenizer.json', 'tokenizer_config.json'] as const;
export const OPTIONAL_FILES = ['special_tokens_map.json', 'vocab.txt', 'modules.json', '1_Pooling/config.json'] as const;
export const WEIGHTS_TARGET = 'onnx/model.onnx';

export interface PlannedFile {
  /** Path in the repository. */
  readonly source: HubFile;
  /** Path in the model directory. */
  readonly target: string;
}

export class ModelFilesError extends Error {
  override readonly name = 'ModelFilesError';
}

function weightsNameOf(variant: OnnxVariant): string {
  return variant === 'fp32' ? 'model.onnx' : `model_${variant}.onnx`;
}

/** The ONNX weight files a repository offers, by path. */
function onnxFilesOf(files: readonly HubFile[]): string[] {
  return files.map((file) => file.path).filter((file) => /^(?:onnx\/)?model(?:_\w+)?\.onnx$/.test(file));
}

export function planModelFiles(repo: string, files: readonly HubFile[], variant: OnnxVariant): PlannedFile[] {
  const byPath = new Map(files.map((file) => [file.path, file]));
  const missing = REQUIRED_FILES.filter((file) => !byPath.has(file));
  if (missing.length > 0) {
    throw new ModelFilesError(`${repo} has no ${missing.join(', ')}: it is not a model with a Hugging Face tokenizer`);
  }
  const name = weightsNameOf(variant);
  const weights = byPath.get(`onnx/${name}`) ?? byPath.get(name);
  if (weights === undefined) {
    const offered = onnxFilesOf(files);
    throw new ModelFilesError(
      offered.length === 0
        ? `${repo} has no ONNX weights (onnx/model.onnx); look for an ONNX export of it, such as the Xenova/ models`
        : `${repo} has no ${variant} weights (onnx/${name}); it offers ${offered.join(', ')}`,
    );
  }
  if (byPath.has(`${weights.path}_data`) || byPath.has(`${weights.path.replace(/\.onnx$/, '')}.onnx_data`)) {
    throw new ModelFilesError(`${repo} keeps ${weights.path}'s weights in a separate data file, which the ONNX embedder does not load`);
  }
  const plain = [...REQUIRED_FILES, ...OPTIONAL_FILES].filter((file) => byPath.has(file));
  return [...plain.map((file) => ({ source: byPath.get(file)!, target: file })), { source: weights, target: WEIGHTS_TARGET }];
}
