/** Loads the synthetic demo survey into the catalogue (idempotent per seed). */
import { insertGalaxies } from "../../catalog/bulk-load.js";
import type { Sql } from "../../db/database.js";
import { syntheticSurvey } from "./survey.js";

export interface DemoOptions {
  count: number;
  seed?: number;
  onProgress?: (done: number) => void;
}

export const DEMO_SEED = 1;

export async function loadDemo(sql: Sql, options: DemoOptions): Promise<number> {
  return insertGalaxies(sql, syntheticSurvey(options.count, options.seed ?? DEMO_SEED), options.onProgress);
}
