/**
 * Loads the synthetic demo survey through the shared load stage
 * (../load.ts): batches of generated galaxies, each batch's catalogue rows
 * and cube shard committed together. Idempotent per seed (a galaxy's source
 * key is synthetic/<seed>/<n>); memory holds one batch.
 */
import type { CubeStore } from "../../cube/cube-store.js";
import type { Sql } from "../../db/database.js";
import { loadBatch, type LoadItem } from "../load.js";
import { observeGalaxy } from "./observe.js";
import { syntheticSurvey, type SyntheticGalaxy } from "./survey.js";

export interface DemoOptions {
  count: number;
  seed?: number;
  /** The cube to write images and spectra to; omitted: catalogue only. */
  cube?: CubeStore;
  onProgress?: (done: number) => void;
  /** Galaxies generated, observed and committed per batch (default 1000); bounds memory. */
  batchSize?: number;
}

export const DEMO_SEED = 1;
const BATCH = 1000;

export interface DemoReport {
  inserted: number;
  batches: number;
}

export async function loadDemo(sql: Sql, options: DemoOptions): Promise<number> {
  return (await loadDemoReport(sql, options)).inserted;
}

export async function loadDemoReport(sql: Sql, options: DemoOptions): Promise<DemoReport> {
  const report: DemoReport = { inserted: 0, batches: 0 };
  let done = 0;
  let batch: SyntheticGalaxy[] = [];
  const flush = async () => {
    const galaxies = batch;
    batch = [];
    const items: LoadItem[] = galaxies.map((galaxy) => ({ galaxy, observations: [] }));
    if (options.cube) {
      const result = await loadBatch(sql, options.cube, items, (_, resolutions) => galaxies.map((g, i) => (resolutions[i].kind === "new" ? observeGalaxy(g) : {})));
      report.inserted += result.inserted;
    } else {
      const { insertBatchReturning } = await import("../../catalog/bulk-load.js");
      report.inserted += (await insertBatchReturning(sql, galaxies)).length;
    }
    report.batches++;
    done += galaxies.length;
    options.onProgress?.(done);
  };
  for (const galaxy of syntheticSurvey(options.count, options.seed ?? DEMO_SEED)) {
    batch.push(galaxy);
    if (batch.length >= (options.batchSize ?? BATCH)) await flush();
  }
  if (batch.length > 0) await flush();
  return report;
}
