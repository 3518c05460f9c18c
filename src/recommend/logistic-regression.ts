import type { SparseVector } from './tfidf.js';

export interface LabelledExample {
  readonly vector: SparseVector;
  /** 1 for a paper the reader wants, 0 for one they do not. */
  readonly label: 0 | 1;
  /** Relative importance within its class (default 1). */
  readonly weight?: number;
}

export interface LogisticRegressionOptions {
  readonly dimensions: number;
  /** L2 penalty; strong regularisation suits a handful of positives. */
  readonly l2?: number;
  readonly epochs?: number;
  readonly learningRate?: number;
}

/**
 * Class-balanced L2-regularised logistic regression fitted by full-batch gradient descent. Each class carries half the
 * loss, so ten positives weigh as much as hundreds of sampled negatives. Returns the weights; the bias is left out
 * because it does not change a ranking.
 */
export function trainLogisticRegression(examples: readonly LabelledExample[], options: LogisticRegressionOptions): Float64Array {
  const l2 = options.l2 ?? 0.001;
  const epochs = options.epochs ?? 60;
  const rate = options.learningRate ?? 4;
  const classTotal = [0, 0];
  for (const example of examples) classTotal[example.label]! += example.weight ?? 1;
  const weights = new Float64Array(options.dimensions);
  const gradient = new Float64Array(options.dimensions);
  // Weights of terms no example has stay zero (their gradient and penalty are zero), so only these are updated.
  const touched = Int32Array.from(new Set(examples.flatMap((e) => Array.from(e.vector.indices))));
  let bias = 0;
  for (let epoch = 0; epoch < epochs; epoch++) {
    for (const d of touched) gradient[d] = 0;
    let biasGradient = 0;
    for (const { vector, label, weight = 1 } of examples) {
      const share = classTotal[label]! > 0 ? weight / (2 * classTotal[label]!) : 0;
      let margin = bias;
      for (let i = 0; i < vector.indices.length; i++) margin += vector.values[i]! * weights[vector.indices[i]!]!;
      const error = (1 / (1 + Math.exp(-margin)) - label) * share;
      biasGradient += error;
      for (let i = 0; i < vector.indices.length; i++) gradient[vector.indices[i]!]! += error * vector.values[i]!;
    }
    for (const d of touched) weights[d]! -= rate * (gradient[d]! + l2 * weights[d]!);
    bias -= rate * biasGradient;
  }
  return weights;
}
