/**
 * Sky-aware evaluation: the test metrics of a run per redshift bin, per
 * r-band magnitude bin and per coarse HEALPix cell, so a user can see in
 * which population and where on the sky a model is good. Per bin: count,
 * R², bias = mean(ŷ − y) and scatter = NMAD of ŷ − y (dex).
 */
import { degrade, nested29 } from "../../sky/healpix.js";
import { nmad } from "./metrics.js";

/** HEALPix order of the cells (order 3: 768 cells of ~7.3°). */
export const SKY_ORDER = 3;
export const REDSHIFT_EDGES = [0, 0.05, 0.1, 0.15, 0.2, 0.3, 0.5, 1, Infinity];
export const R_MAGNITUDE_EDGES = [-Infinity, 15, 16, 17, 17.77, 18.5, 19.5, 21, Infinity];

export interface BinMetrics {
  /** Bin edges (null = unbounded) or the HEALPix cell. */
  min: number | null;
  max: number | null;
  count: number;
  r2: number | null;
  bias: number;
  scatter: number;
}

export interface SkyEvaluation {
  redshift: BinMetrics[];
  /** Empty when the predictor reads no image (no r-band magnitude measured). */
  rMagnitude: BinMetrics[];
  healpixOrder: number;
  healpix: (BinMetrics & { cell: number })[];
}

export interface TestGalaxy {
  truth: number;
  predicted: number;
  redshift: number;
  rMagnitude: number;
  raDeg: number;
  decDeg: number;
}

function metricsOf(rows: TestGalaxy[]): Omit<BinMetrics, "min" | "max"> {
  const n = rows.length;
  const mean = rows.reduce((s, r) => s + r.truth, 0) / n;
  let ssRes = 0;
  let ssTot = 0;
  const errors = rows.map((r) => r.predicted - r.truth);
  rows.forEach((r, i) => {
    ssRes += errors[i] ** 2;
    ssTot += (r.truth - mean) ** 2;
  });
  return { count: n, r2: n > 1 && ssTot > 0 ? 1 - ssRes / ssTot : null, bias: errors.reduce((s, e) => s + e, 0) / n, scatter: nmad(errors) };
}

function binned(rows: TestGalaxy[], value: (r: TestGalaxy) => number, edges: number[]): BinMetrics[] {
  const out: BinMetrics[] = [];
  for (let b = 0; b + 1 < edges.length; b++) {
    const inside = rows.filter((r) => value(r) >= edges[b] && value(r) < edges[b + 1]);
    if (inside.length === 0) continue;
    out.push({ min: Number.isFinite(edges[b]) ? edges[b] : null, max: Number.isFinite(edges[b + 1]) ? edges[b + 1] : null, ...metricsOf(inside) });
  }
  return out;
}

export function skyEvaluation(rows: TestGalaxy[]): SkyEvaluation {
  const byCell = new Map<number, TestGalaxy[]>();
  for (const r of rows) {
    const cell = Number(degrade(nested29(r.raDeg, r.decDeg), SKY_ORDER));
    const list = byCell.get(cell);
    if (list) list.push(r);
    else byCell.set(cell, [r]);
  }
  return {
    redshift: binned(rows, (r) => r.redshift, REDSHIFT_EDGES),
    rMagnitude: binned(rows.filter((r) => Number.isFinite(r.rMagnitude)), (r) => r.rMagnitude, R_MAGNITUDE_EDGES),
    healpixOrder: SKY_ORDER,
    healpix: [...byCell.entries()].sort(([a], [b]) => a - b).map(([cell, list]) => ({ cell, min: null, max: null, ...metricsOf(list) })),
  };
}
