/**
 * Loads the synthetic demo survey: catalogue rows plus, when a cube path is
 * given, each new galaxy's image and spectrum in the cube. Idempotent per
 * seed (existing source keys are skipped). All or nothing: one database
 * transaction wraps the inserts and cube_row updates, and one cube write
 * session (a private copy, renamed into place) the images and spectra; the
 * cube is committed just before the database. If that last commit fails,
 * the cube keeps unreferenced rows, which nothing reads.
 */
import { insertBatchReturning } from "../../catalog/bulk-load.js";
import { CubeWriter } from "../../cube/store.js";
import { lockCubeWrites } from "../cube-lock.js";
import type { Sql } from "../../db/database.js";
import { observeGalaxy } from "./observe.js";
import { syntheticSurvey, type SyntheticGalaxy } from "./survey.js";

export interface DemoOptions {
  count: number;
  seed?: number;
  /** HDF5 cube to append images and spectra to; omitted: catalogue only. */
  cubePath?: string;
  onProgress?: (done: number) => void;
  /** Galaxies generated, inserted and written per step (default 500); bounds memory. */
  batchSize?: number;
}

export const DEMO_SEED = 1;
const BATCH = 500;

export async function loadDemo(sql: Sql, options: DemoOptions): Promise<number> {
  return sql.begin(async (tx) => {
    if (options.cubePath) await lockCubeWrites(tx as unknown as Sql);
    const writer = options.cubePath ? await CubeWriter.begin(options.cubePath) : null;
    try {
      let inserted = 0;
      let done = 0;
      let batch: SyntheticGalaxy[] = [];
      const flush = async () => {
        const galaxies = batch;
        batch = [];
        const fresh = await insertBatchReturning(tx as unknown as Sql, galaxies);
        if (fresh.length > 0 && writer) {
          const byKey = new Map(galaxies.map((g) => [g.sourceKey, g]));
          const first = writer.append(fresh.map((row) => observeGalaxy(byKey.get(row.sourceKey)!)));
          await tx`
            UPDATE galaxies SET cube_row = u.row, has_image = true, has_spectrum = true
            FROM unnest(${fresh.map((r) => r.id)}::int8[], ${fresh.map((_, i) => first + i)}::int4[]) AS u(id, row)
            WHERE galaxies.id = u.id`;
        }
        inserted += fresh.length;
        done += galaxies.length;
        options.onProgress?.(done);
      };
      for (const galaxy of syntheticSurvey(options.count, options.seed ?? DEMO_SEED)) {
        batch.push(galaxy);
        if (batch.length >= (options.batchSize ?? BATCH)) await flush();
      }
      if (batch.length > 0) await flush();
      writer?.commit();
      return inserted;
    } catch (error) {
      writer?.abort();
      throw error;
    }
  });
}
