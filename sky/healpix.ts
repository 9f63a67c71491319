/**
 * Nested HEALPix indices at order 29, the deepest order a signed 64-bit
 * integer holds (12 * 4^29 < 2^63), as used by MOC 2.0 and Gaia source_id.
 *
 * References:
 *  - Górski K. M. et al. 2005, ApJ 622, 759, "HEALPix: a framework for
 *    high-resolution discretization…", eqs. (4)-(9) for the projection.
 *  - IVOA MOC 2.0 (2022), §2: an order-k cell is `index29 >> 2*(29-k)`.
 *
 * Units: right ascension and declination in degrees (ICRS) at the edges,
 * `order` in 0..29, `nside = 2^order`. Indices are bigint because they
 * exceed 2^53.
 */

export const MAX_ORDER = 29;
const NSIDE_29 = 2 ** MAX_ORDER;
const DEG = Math.PI / 180;

/** spread8[b] puts the 8 bits of b on the even bit positions of a 16-bit word. */
const spread8 = new Uint16Array(256);
for (let b = 0; b < 256; b++) {
  let word = 0;
  for (let bit = 0; bit < 8; bit++) if (b & (1 << bit)) word |= 1 << (2 * bit);
  spread8[b] = word;
}

/** Interleaves two 16-bit integers, x on even bits, y on odd bits (unsigned 32-bit result). */
function interleave16(x: number, y: number): number {
  const even = spread8[x & 0xff] | (spread8[(x >>> 8) & 0xff] << 16);
  const odd = spread8[y & 0xff] | (spread8[(y >>> 8) & 0xff] << 16);
  return (even | (odd << 1)) >>> 0;
}

/**
 * Base pixel (face 0..11) and integer coordinates (x north-east, y
 * north-west, both in [0, nside)) of a sky position at a given nside.
 * Follows Górski et al. 2005 §4 (ang2pix_nest in the HEALPix C library).
 */
export function faceXY(raDeg: number, decDeg: number, nside: number): { face: number; x: number; y: number } {
  const tt = (((raDeg % 360) + 360) % 360) / 90; // longitude in units of pi/2, [0, 4)
  const z = Math.sin(decDeg * DEG);
  const za = Math.abs(z);
  if (za <= 2 / 3) {
    // Equatorial belt.
    const temp1 = nside * (0.5 + tt);
    const temp2 = nside * z * 0.75;
    const jp = Math.floor(temp1 - temp2); // index of ascending edge line
    const jm = Math.floor(temp1 + temp2); // index of descending edge line
    const ifp = Math.floor(jp / nside);
    const ifm = Math.floor(jm / nside);
    const face = ifp === ifm ? (ifp % 4) + 4 : ifp < ifm ? ifp % 4 : (ifm % 4) + 8;
    const x = jm % nside;
    const y = nside - (jp % nside) - 1;
    return { face, x, y };
  }
  // Polar caps. sqrt(3 (1 - |z|)) written with the colatitude from the nearer
  // pole, 1 - |z| = 2 sin^2(theta/2), so that it keeps full precision at the poles.
  const ntt = Math.min(3, Math.floor(tt));
  const tp = tt - ntt;
  const halfColatitude = ((90 - Math.abs(decDeg)) * DEG) / 2;
  const tmp = nside * Math.sqrt(6) * Math.sin(halfColatitude);
  const jp = Math.min(nside - 1, Math.floor(tp * tmp));
  const jm = Math.min(nside - 1, Math.floor((1 - tp) * tmp));
  return z > 0 ? { face: ntt, x: nside - jm - 1, y: nside - jp - 1 } : { face: ntt + 8, x: jp, y: jm };
}

/** Nested HEALPix index at order 29 of a sky position (degrees). */
export function nested29(raDeg: number, decDeg: number): bigint {
  const { face, x, y } = faceXY(raDeg, decDeg, NSIDE_29);
  // 29-bit x and y: low 16 bits interleave into 32 bits, high 13 bits into 26.
  const low = interleave16(x & 0xffff, y & 0xffff);
  const high = interleave16(Math.floor(x / 65536), Math.floor(y / 65536));
  return (BigInt(face * 2 ** 26 + high) << 32n) | BigInt(low);
}

/** Nested index at `order` of a cell that contains the given order-29 index. */
export function degrade(index29: bigint, order: number): bigint {
  return index29 >> BigInt(2 * (MAX_ORDER - order));
}

/** The half-open range [first, last + 1) of order-29 indices inside an order-k cell. */
export function cellRange29(order: number, index: number): [bigint, bigint] {
  const shift = BigInt(2 * (MAX_ORDER - order));
  const first = BigInt(index) << shift;
  return [first, first + (1n << shift)];
}

/** Number of cells over the sphere at an order: 12 * 4^order. */
export function cellCount(order: number): bigint {
  return 12n << BigInt(2 * order);
}

/** Mean cell size at an order (square root of the cell area), in degrees. */
export function cellSizeDeg(order: number): number {
  return Math.sqrt((4 * Math.PI) / (12 * 4 ** order)) / DEG;
}

export function isValidOrder(order: number): boolean {
  return Number.isInteger(order) && order >= 0 && order <= MAX_ORDER;
}
