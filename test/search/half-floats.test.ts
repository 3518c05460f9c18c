import { describe, expect, it } from 'vitest';
import { fromHalfBits, readHalves, toHalfBits, writeHalves } from '../../src/search/half-floats.js';

describe('half-precision floats', () => {
  it('encodes known values to their standard bits', () => {
    expect(toHalfBits(0)).toBe(0x0000);
    expect(toHalfBits(-0)).toBe(0x8000);
    expect(toHalfBits(1)).toBe(0x3c00);
    expect(toHalfBits(-2)).toBe(0xc000);
    expect(toHalfBits(0.5)).toBe(0x3800);
    expect(toHalfBits(65504)).toBe(0x7bff); // the largest finite half
    expect(toHalfBits(2 ** -14)).toBe(0x0400); // the smallest normal
    expect(toHalfBits(2 ** -24)).toBe(0x0001); // the smallest subnormal
    expect(toHalfBits(1e6)).toBe(0x7c00);
    expect(toHalfBits(-Infinity)).toBe(0xfc00);
    expect(Number.isNaN(fromHalfBits(toHalfBits(NaN)))).toBe(true);
  });

  it('rounds to the nearest half, ties to even, carrying into the exponent', () => {
    const step = 2 ** -10; // between 1 and 2
    expect(toHalfBits(1 + step / 2)).toBe(0x3c00); // a tie goes to the even mantissa 0
    expect(toHalfBits(1 + step * 1.5)).toBe(0x3c02); // a tie goes to the even mantissa 2
    expect(toHalfBits(1 + step * 0.51)).toBe(0x3c01);
    expect(toHalfBits(2 - step / 4)).toBe(0x4000); // rounds up into the next exponent
    expect(toHalfBits(65520)).toBe(0x7c00); // half way past the largest finite: infinity
    expect(toHalfBits(2 ** -25)).toBe(0x0000); // a tie between zero and the smallest subnormal
    expect(toHalfBits(2 ** -25 * 1.01)).toBe(0x0001);
    expect(toHalfBits(3 * 2 ** -25)).toBe(0x0002); // a subnormal tie to even
  });

  it('gives back every finite half exactly, and a vector within half-precision error', () => {
    for (let bits = 0; bits < 1 << 16; bits++) {
      const value = fromHalfBits(bits);
      if (Number.isFinite(value)) expect(toHalfBits(value)).toBe(bits);
    }
    const vector = Float32Array.from({ length: 256 }, (_, i) => Math.sin(i * 1.7) / 16);
    const halves = new Uint16Array(300);
    writeHalves(vector, halves, 10);
    const back = readHalves(halves, 10, 256);
    for (let i = 0; i < 256; i++) expect(Math.abs(back[i]! - vector[i]!)).toBeLessThanOrEqual(Math.abs(vector[i]!) * 2 ** -11 + 2 ** -25);
    expect(halves[9]).toBe(0);
    expect(halves[266]).toBe(0);
  });
});
