import { describe, expect, it } from 'vitest';
import { gaussianSource, gramSchmidtColumns, orthonormalizeColumns } from '../../src/search/embedders/linear-algebra.js';
import { LsaFolder, lsaDocumentTerms, lsaQueryTerms, lsaVectorOfTerms, trainLsa } from '../../src/search/embedders/lsa-model.js';
import { TOPIC_PAPERS } from './corpus.js';

const noPause = () => undefined;

function maxOrthogonalityError(m: Float64Array, rows: number, width: number): number {
  let worst = 0;
  for (let i = 0; i < width; i++) {
    for (let j = i; j < width; j++) {
      let dot = 0;
      for (let r = 0; r < rows; r++) dot += m[r * width + i]! * m[r * width + j]!;
      worst = Math.max(worst, Math.abs(dot - (i === j ? 1 : 0)));
    }
  }
  return worst;
}

describe('builtin LSA model', () => {
  it('orthonormalises columns spanning the same space as Gram–Schmidt does', async () => {
    const rows = 400;
    const width = 24;
    const gaussian = gaussianSource(11);
    const m = new Float64Array(rows * width).map(() => gaussian());
    // Columns of very different scales, as after a product with a TF-IDF matrix.
    for (let r = 0; r < rows; r++) for (let j = 0; j < width; j++) m[r * width + j]! *= 0.7 ** j;
    const cholesky = await orthonormalizeColumns(Float64Array.from(m), rows, width, noPause);
    const reference = await gramSchmidtColumns(Float64Array.from(m), rows, width, noPause);
    expect(maxOrthogonalityError(cholesky, rows, width)).toBeLessThan(1e-10);
    // Both are the Q of a QR factorisation with a positive diagonal, which is unique.
    for (let i = 0; i < m.length; i++) expect(cholesky[i]!).toBeCloseTo(reference[i]!, 8);
  });

  it('falls back to Gram–Schmidt when the columns are linearly dependent', async () => {
    const rows = 50;
    const width = 4;
    const gaussian = gaussianSource(3);
    const m = new Float64Array(rows * width);
    for (let r = 0; r < rows; r++) {
      const x = gaussian();
      const y = gaussian();
      m.set([x, y, x + y, gaussian()], r * width);
    }
    const q = await orthonormalizeColumns(m, rows, width, noPause);
    expect(q.every(Number.isFinite)).toBe(true);
    let third = 0;
    for (let r = 0; r < rows; r++) third += q[r * width + 2]! ** 2;
    expect(third).toBeLessThan(1e-12);
    let fourth = 0;
    for (let r = 0; r < rows; r++) fourth += q[r * width + 3]! ** 2;
    expect(fourth).toBeCloseTo(1, 10);
  });

  it('folds papers and queries exactly as the plain TF-IDF projection does', async () => {
    const model = await trainLsa(TOPIC_PAPERS, { dimensions: 8 });
    const folder = new LsaFolder(model);
    const index = new Map(model.terms.map((term, i) => [term, i]));
    for (const paper of TOPIC_PAPERS) {
      const expected = lsaVectorOfTerms(model, index, lsaDocumentTerms(paper));
      const actual = folder.document(paper);
      expected.forEach((x, k) => expect(actual[k]!).toBeCloseTo(x, 5));
    }
    for (const query of ['Protein folding, proteins FOLDED!', 'robots robot robotic language', 'the of and', 'Ünïcödé galaxies']) {
      const expected = lsaVectorOfTerms(model, index, lsaQueryTerms(query));
      // Twice: the second answer comes from the word cache.
      for (let round = 0; round < 2; round++) {
        const actual = folder.query(query);
        expected.forEach((x, k) => expect(actual[k]!).toBeCloseTo(x, 5));
      }
    }
  });
});
