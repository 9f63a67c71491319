/**
 * CRC-32 (the zip and zlib one: reflected polynomial 0xEDB88320, initial
 * and final XOR 0xFFFFFFFF) of a concatenation from the CRCs of its parts,
 * without reading their bytes again: what zlib's `crc32_combine` does
 * (zlib 1.2.12+, crc32.c: `multmodp`, `x2nmodp`), here because Node has
 * `zlib.crc32` but not the combine. crc(A‖B) = crc(A)·x^(8·|B|) mod P ⊕
 * crc(B): the pre- and post-conditioning cancel, so only A's CRC is
 * shifted by B's length.
 */

const POLY = 0xedb88320;

/** a·b modulo P, both in the reflected bit order (bit 31 is x^0). */
function multmodp(a: number, b: number): number {
  if (a === 0) return 0;
  let m = 0x80000000;
  let p = 0;
  for (;;) {
    if (a & m) {
      p ^= b;
      if ((a & (m - 1)) === 0) break;
    }
    m >>>= 1;
    b = b & 1 ? (b >>> 1) ^ POLY : b >>> 1;
  }
  return p >>> 0;
}

/** X2N[k] = x^(2^k) mod P. */
const X2N = (() => {
  const table = new Uint32Array(32);
  let p = 0x40000000; // x^1
  table[0] = p;
  for (let k = 1; k < 32; k++) table[k] = p = multmodp(p, p);
  return table;
})();

/** x^(n·2^k) mod P. */
function x2nmodp(n: number, k: number): number {
  let p = 0x80000000; // x^0
  while (n > 0) {
    if (n % 2 === 1) p = multmodp(X2N[k & 31], p);
    n = Math.floor(n / 2);
    k++;
  }
  return p;
}

/** The CRC-32 of A‖B from crc(A), crc(B) and B's length in bytes (any length ≥ 0, up to 2^53). */
export function crc32Combine(crcA: number, crcB: number, bytesB: number): number {
  return (multmodp(x2nmodp(bytesB, 3), crcA >>> 0) ^ crcB) >>> 0;
}

/**
 * A combine for parts that all have `bytes` bytes (rows of one dataset):
 * the shift by x^(8·bytes) is computed once, so each call is one multmodp.
 */
export function crc32Appender(bytes: number): (crcA: number, crcB: number) => number {
  const shift = x2nmodp(bytes, 3);
  return (crcA, crcB) => (multmodp(shift, crcA >>> 0) ^ crcB) >>> 0;
}
