/**
 * Groups observations of the same object: positions within a matching
 * radius (1 arcsec) of a group's first member join that group.
 */
import { angularDistanceDeg } from "../../sky/angles.js";

export const SAME_OBJECT_ARCSEC = 1;

export function groupByPosition<T extends { raDeg: number; decDeg: number }>(items: T[], radiusArcsec = SAME_OBJECT_ARCSEC): T[][] {
  const groups: T[][] = [];
  for (const item of items) {
    const group = groups.find((g) => angularDistanceDeg(g[0].raDeg, g[0].decDeg, item.raDeg, item.decDeg) * 3600 <= radiusArcsec);
    if (group) group.push(item);
    else groups.push([item]);
  }
  return groups;
}
