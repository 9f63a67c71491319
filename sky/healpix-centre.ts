/**
 * Centre of a nested HEALPix cell (Górski et al. 2005, ApJ 622, 759, §4:
 * face and (x, y) within it from the interleaved bits, then the ring index
 * and the position along the ring). Orders 0..26 (indices below 2^53);
 * degrees out. No imports, so the explorer (web/) uses it as well.
 */
const FACE_RING = [2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4];
const FACE_PHI = [1, 3, 5, 7, 0, 2, 4, 6, 1, 3, 5, 7];

/** Every other bit of `value`, starting at bit 0, packed together. */
function compactBits(value: number, bits: number): number {
  let out = 0;
  for (let k = 0; k < bits; k++) out += Math.floor(value / 2 ** (2 * k)) % 2 * 2 ** k;
  return out;
}

export function cellCentreDeg(order: number, index: number): { raDeg: number; decDeg: number } {
  if (!Number.isInteger(order) || order < 0 || order > 26) throw new RangeError(`order ${order} not in 0..26`);
  const nside = 2 ** order;
  const perFace = nside * nside;
  const face = Math.floor(index / perFace);
  if (!Number.isInteger(index) || face < 0 || face > 11) throw new RangeError(`index ${index} not a cell of order ${order}`);
  const within = index - face * perFace;
  const ix = compactBits(within, order);
  const iy = compactBits(Math.floor(within / 2), order);
  const ring = FACE_RING[face] * nside - ix - iy - 1; // 1 .. 4 nside − 1
  let ringSize: number;
  let z: number;
  let shift: number;
  if (ring < nside) {
    ringSize = ring;
    z = 1 - (ringSize * ringSize) / (3 * perFace);
    shift = 0;
  } else if (ring > 3 * nside) {
    ringSize = 4 * nside - ring;
    z = (ringSize * ringSize) / (3 * perFace) - 1;
    shift = 0;
  } else {
    ringSize = nside;
    z = ((2 * nside - ring) * 2) / (3 * nside);
    shift = (ring - nside) % 2;
  }
  let alongRing = (FACE_PHI[face] * ringSize + ix - iy + 1 + shift) / 2;
  if (alongRing > 4 * nside) alongRing -= 4 * nside;
  if (alongRing < 1) alongRing += 4 * nside;
  const phi = (alongRing - (shift + 1) / 2) * (Math.PI / 2 / ringSize);
  return { raDeg: ((phi * 180) / Math.PI + 360) % 360, decDeg: (Math.asin(Math.max(-1, Math.min(1, z))) * 180) / Math.PI };
}
