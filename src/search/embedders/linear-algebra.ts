/**
 * The few dense and sparse matrix routines randomized truncated SVD needs. Dense matrices are row-major
 * Float64Arrays with an explicit column count.
 */

export interface SparseRows {
  /** CSR layout: row r's entries are [rowStart[r], rowStart[r + 1]). */
  readonly rowStart: Uint32Array;
  readonly columns: Uint32Array;
  readonly values: Float32Array;
  readonly rows: number;
  readonly cols: number;
}

/**
 * Lets other work run during a long computation: resolves on the next turn of the event loop once `budgetMs` of
 * uninterrupted work has passed, immediately otherwise. Training runs in the server process and must not stall it.
 */
export function cooperativeYield(budgetMs = 20): () => Promise<void> | undefined {
  let last = performance.now();
  return () => {
    if (performance.now() - last < budgetMs) return undefined;
    return new Promise((resolve) =>
      setImmediate(() => {
        last = performance.now();
        resolve();
      }),
    );
  };
}

export type Pause = () => Promise<void> | undefined;

/** A (rows × cols, sparse) · X (cols × width) → rows × width. */
export async function sparseTimesDense(a: SparseRows, x: Float64Array, width: number, pause: Pause): Promise<Float64Array> {
  const out = new Float64Array(a.rows * width);
  for (let r = 0; r < a.rows; r++) {
    if (r % 256 === 0) await pause();
    const base = r * width;
    for (let e = a.rowStart[r]!; e < a.rowStart[r + 1]!; e++) {
      const value = a.values[e]!;
      const xBase = a.columns[e]! * width;
      for (let j = 0; j < width; j++) out[base + j]! += value * x[xBase + j]!;
    }
  }
  return out;
}

/** Aᵀ (cols × rows) · Y (rows × width) → cols × width. */
export async function sparseTransposeTimesDense(a: SparseRows, y: Float64Array, width: number, pause: Pause): Promise<Float64Array> {
  const out = new Float64Array(a.cols * width);
  for (let r = 0; r < a.rows; r++) {
    if (r % 256 === 0) await pause();
    const yBase = r * width;
    for (let e = a.rowStart[r]!; e < a.rowStart[r + 1]!; e++) {
      const value = a.values[e]!;
      const base = a.columns[e]! * width;
      for (let j = 0; j < width; j++) out[base + j]! += value * y[yBase + j]!;
    }
  }
  return out;
}

/**
 * Orthonormalises the columns of a (rows × width) row-major matrix in place. Cholesky QR: the Gram matrix MᵀM = RᵀR,
 * then M ← M R⁻¹ — two row-major sweeps over M instead of Gram–Schmidt's column passes, about half the arithmetic.
 * It squares the condition number, harmless here because the SVD re-orthonormalises after every product; a Gram
 * matrix that is numerically rank-deficient falls back to modified Gram–Schmidt.
 */
export async function orthonormalizeColumns(m: Float64Array, rows: number, width: number, pause: Pause): Promise<Float64Array> {
  const gram = new Float64Array(width * width);
  for (let r = 0; r < rows; r++) {
    if (r % 256 === 0) await pause();
    const base = r * width;
    for (let i = 0; i < width; i++) {
      const mi = m[base + i]!;
      if (mi === 0) continue;
      const g = i * width;
      for (let j = i; j < width; j++) gram[g + j]! += mi * m[base + j]!;
    }
  }
  const inverse = upperCholeskyInverse(gram, width);
  if (!inverse) return gramSchmidtColumns(m, rows, width, pause);
  const row = new Float64Array(width);
  for (let r = 0; r < rows; r++) {
    if (r % 256 === 0) await pause();
    const base = r * width;
    row.fill(0);
    for (let i = 0; i < width; i++) {
      const mi = m[base + i]!;
      if (mi === 0) continue;
      const g = i * width;
      for (let j = i; j < width; j++) row[j]! += mi * inverse[g + j]!;
    }
    m.set(row, base);
  }
  return m;
}

/**
 * R⁻¹ for the upper-triangular Cholesky factor R of a symmetric positive-definite matrix (upper triangle given),
 * or null when a pivot is too small relative to the diagonal for the factorisation to be trusted.
 */
function upperCholeskyInverse(gram: Float64Array, n: number): Float64Array | null {
  const r = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    let diagonal = gram[i * n + i]!;
    for (let k = 0; k < i; k++) diagonal -= r[k * n + i]! * r[k * n + i]!;
    if (!(diagonal > 1e-10 * Math.max(gram[i * n + i]!, 1e-300))) return null;
    const rii = Math.sqrt(diagonal);
    r[i * n + i] = rii;
    for (let j = i + 1; j < n; j++) {
      let sum = gram[i * n + j]!;
      for (let k = 0; k < i; k++) sum -= r[k * n + i]! * r[k * n + j]!;
      r[i * n + j] = sum / rii;
    }
  }
  // Back substitution, one column of the inverse at a time: R X = I with X upper triangular.
  const inverse = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    inverse[j * n + j] = 1 / r[j * n + j]!;
    for (let i = j - 1; i >= 0; i--) {
      let sum = 0;
      for (let k = i + 1; k <= j; k++) sum += r[i * n + k]! * inverse[k * n + j]!;
      inverse[i * n + j] = -sum / r[i * n + i]!;
    }
  }
  return inverse;
}

/** Modified Gram–Schmidt with re-orthogonalisation (column-major copy); robust for rank-deficient matrices. */
export async function gramSchmidtColumns(m: Float64Array, rows: number, width: number, pause: Pause): Promise<Float64Array> {
  const cols: Float64Array[] = [];
  for (let j = 0; j < width; j++) {
    const col = new Float64Array(rows);
    for (let i = 0; i < rows; i++) col[i] = m[i * width + j]!;
    cols.push(col);
  }
  for (let j = 0; j < width; j++) {
    const cj = cols[j]!;
    await pause();
    for (let pass = 0; pass < 2; pass++) {
      for (let p = 0; p < j; p++) {
        const cp = cols[p]!;
        let dot = 0;
        for (let i = 0; i < rows; i++) dot += cp[i]! * cj[i]!;
        for (let i = 0; i < rows; i++) cj[i]! -= dot * cp[i]!;
      }
    }
    let norm = 0;
    for (let i = 0; i < rows; i++) norm += cj[i]! * cj[i]!;
    norm = Math.sqrt(norm);
    if (norm < 1e-12) cj.fill(0);
    else for (let i = 0; i < rows; i++) cj[i]! /= norm;
  }
  for (let j = 0; j < width; j++) {
    const col = cols[j]!;
    for (let i = 0; i < rows; i++) m[i * width + j] = col[i]!;
  }
  return m;
}

/** Eigen-decomposition of a symmetric n × n matrix by cyclic Jacobi rotations; eigenvalues sorted descending. */
export async function symmetricEigen(
  input: Float64Array,
  n: number,
  pause: Pause,
): Promise<{ values: Float64Array; vectors: Float64Array }> {
  const a = Float64Array.from(input);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  for (let sweep = 0; sweep < 60; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += a[p * n + q]! * a[p * n + q]!;
    if (off < 1e-22) break;
    for (let p = 0; p < n; p++) {
      await pause();
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q]!;
        if (Math.abs(apq) < 1e-300) continue;
        const theta = (a[q * n + q]! - a[p * n + p]!) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p]!;
          const akq = a[k * n + q]!;
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k]!;
          const aqk = a[q * n + k]!;
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p]!;
          const vkq = v[k * n + q]!;
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = [...Array(n).keys()].sort((x, y) => a[y * n + y]! - a[x * n + x]!);
  const values = new Float64Array(n);
  const vectors = new Float64Array(n * n);
  order.forEach((from, to) => {
    values[to] = a[from * n + from]!;
    for (let k = 0; k < n; k++) vectors[k * n + to] = v[k * n + from]!;
  });
  return { values, vectors };
}

/** A deterministic standard-normal generator (so retraining on the same papers gives the same model). */
export function gaussianSource(seed: number): () => number {
  let state = seed >>> 0 || 1;
  const uniform = () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return (state + 0.5) / 4294967296;
  };
  return () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
}
