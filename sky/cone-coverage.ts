/**
 * Which order-29 index ranges can hold objects inside a cone.
 *
 * The disc is covered at an order chosen from its radius (cells about a quarter
 * of the radius across, so the covered area stays close to the disc's)
 * with the inclusive disc query of @hscmap/healpix, which is exact up to
 * order 15; each cell becomes a contiguous range of order-29 indices and
 * neighbouring ranges are merged. The covering is a superset: the exact
 * distance filter runs afterwards.
 */
import { query_disc_inclusive_nest } from "@hscmap/healpix";
import { unitVector } from "./angles.js";
import { cellRange29, cellSizeDeg } from "./healpix.js";

/** Deepest order the coverage uses (the limit of @hscmap/healpix's exactness). */
export const MAX_COVERAGE_ORDER = 15;

export interface IndexRanges {
  order: number;
  /** Half-open [first, last) ranges of order-29 indices, sorted, non-overlapping. */
  first: bigint[];
  last: bigint[];
}

/** Order whose cells are about a quarter of the radius across (0..15). */
export function coverageOrder(radiusDeg: number): number {
  const order = Math.floor(Math.log2((4 * cellSizeDeg(0)) / radiusDeg));
  return Math.max(0, Math.min(MAX_COVERAGE_ORDER, order));
}

/** Ranges of order-29 indices covering a disc; radius in degrees, below 90. */
export function coverDisc(raDeg: number, decDeg: number, radiusDeg: number, order = coverageOrder(radiusDeg)): IndexRanges {
  const cells: number[] = [];
  query_disc_inclusive_nest(2 ** order, unitVector(raDeg, decDeg), (radiusDeg * Math.PI) / 180, (cell) => {
    cells.push(cell);
  });
  cells.sort((a, b) => a - b);
  const first: bigint[] = [];
  const last: bigint[] = [];
  for (const cell of cells) {
    const [lo, hi] = cellRange29(order, cell);
    if (last.length > 0 && last[last.length - 1] >= lo) {
      if (hi > last[last.length - 1]) last[last.length - 1] = hi;
    } else {
      first.push(lo);
      last.push(hi);
    }
  }
  return { order, first, last };
}
