/**
 * IEEE 754 half-precision (16-bit) floats held as their bits in Uint16Arrays, for vectors kept in memory at half the
 * size of 32-bit floats. (Node's own Float16Array arrives after the Node versions this project supports; the
 * polyfill on npm reads an element in about ten times the time this table does.)
 */

const single = new Float32Array(1);
const singleBits = new Uint32Array(single.buffer);

/** The half-precision bits nearest to the value (ties to even); beyond the range, infinity. */
export function toHalfBits(value: number): number {
  single[0] = value;
  const bits = singleBits[0]!;
  const sign = (bits >>> 16) & 0x8000;
  const exponent = (bits >>> 23) & 0xff;
  const mantissa = bits & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa !== 0 ? 0x200 : 0);
  const halfExponent = exponent - 127 + 15;
  if (halfExponent >= 0x1f) return sign | 0x7c00;
  if (halfExponent <= 0) {
    // Subnormal in half precision: the implicit leading one becomes explicit and is shifted down.
    if (halfExponent < -10) return sign;
    return sign | roundShifted(mantissa | 0x800000, 14 - halfExponent);
  }
  // A carry out of the mantissa rounds up into the exponent, which is the right answer (up to infinity).
  return sign | ((halfExponent << 10) + roundShifted(mantissa, 13));
}

/** value >> shift, rounded to the nearest integer with ties to even. */
function roundShifted(value: number, shift: number): number {
  const kept = value >>> shift;
  const rest = value & ((1 << shift) - 1);
  const half = 1 << (shift - 1);
  return rest > half || (rest === half && (kept & 1) === 1) ? kept + 1 : kept;
}

const HALF_TO_SINGLE = (() => {
  const table = new Float32Array(1 << 16);
  for (let bits = 0; bits < table.length; bits++) {
    const sign = bits & 0x8000 ? -1 : 1;
    const exponent = (bits >>> 10) & 0x1f;
    const mantissa = bits & 0x3ff;
    if (exponent === 0) table[bits] = sign * mantissa * 2 ** -24;
    else if (exponent === 0x1f) table[bits] = mantissa !== 0 ? NaN : sign * Infinity;
    else table[bits] = sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
  }
  return table;
})();

export function fromHalfBits(bits: number): number {
  return HALF_TO_SINGLE[bits]!;
}

/** Writes the values as half-precision bits into `target` from `at`. */
export function writeHalves(values: ArrayLike<number>, target: Uint16Array, at: number): void {
  for (let i = 0; i < values.length; i++) target[at + i] = toHalfBits(values[i]!);
}

/** The `length` half-precision values of `source` from `at`, as 32-bit floats. */
export function readHalves(source: Uint16Array, at: number, length: number): Float32Array {
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) out[i] = HALF_TO_SINGLE[source[at + i]!]!;
  return out;
}
