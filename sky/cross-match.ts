/**
 * Cross-match: which positions are the same object. Two positions are the
 * same object when they lie within `radiusArcsec` of each other
 * (transitively): a sweep in declination with union–find, O(n log n) for
 * survey-like densities. Ingest uses it to combine repeat observations;
 * evaluation, to keep the repeats of one object on one side of a split.
 */
import { angularDistanceDeg } from "./angles.js";

/** Matching radius for "the same object", arcseconds (SDSS fibres are 3″, positions good to ~0.1″). */
export const SAME_OBJECT_ARCSEC = 1;

/** Returns, for each position, the index of its group (0..groups-1, in order of first appearance). */
export function sameObjectGroups(raDeg: ArrayLike<number>, decDeg: ArrayLike<number>, radiusArcsec = SAME_OBJECT_ARCSEC): Int32Array {
  const n = raDeg.length;
  const parent = Int32Array.from({ length: n }, (_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i]];
      i = parent[i];
    }
    return i;
  };
  const radiusDeg = radiusArcsec / 3600;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => decDeg[a] - decDeg[b]);
  for (let a = 0; a < n; a++) {
    const i = order[a];
    for (let b = a + 1; b < n; b++) {
      const j = order[b];
      if (decDeg[j] - decDeg[i] > radiusDeg) break;
      if (angularDistanceDeg(raDeg[i], decDeg[i], raDeg[j], decDeg[j]) <= radiusDeg) {
        const ri = find(i);
        const rj = find(j);
        if (ri !== rj) parent[Math.max(ri, rj)] = Math.min(ri, rj);
      }
    }
  }
  const groupOfRoot = new Map<number, number>();
  const groups = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const root = find(i);
    let g = groupOfRoot.get(root);
    if (g === undefined) groupOfRoot.set(root, (g = groupOfRoot.size));
    groups[i] = g;
  }
  return groups;
}

/** Items grouped by `sameObjectGroups`, groups in order of first appearance, items in input order. */
export function groupByPosition<T extends { raDeg: number; decDeg: number }>(items: readonly T[], radiusArcsec = SAME_OBJECT_ARCSEC): T[][] {
  const group = sameObjectGroups(items.map((i) => i.raDeg), items.map((i) => i.decDeg), radiusArcsec);
  const groups: T[][] = [];
  items.forEach((item, i) => (groups[group[i]] ??= []).push(item));
  return groups;
}
