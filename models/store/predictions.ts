/** The `predictions` table: one row per (predictor, galaxy), looked up in batches. */
import type { Sql } from "../../db/database.js";

export interface PredictionRecord {
  predictorId: string;
  galaxyId: string;
  /** log10 SFR, Msun/yr. */
  value: number;
  /** 1-sigma predictive uncertainty, dex. */
  sigma: number;
}

const BATCH = 10_000;

/** Inserts predictions; existing (predictor, galaxy) rows are kept. */
export async function insertPredictions(sql: Sql, predictorId: string, galaxyIds: readonly string[], values: ArrayLike<number>, sigmas: ArrayLike<number>): Promise<number> {
  let inserted = 0;
  for (let start = 0; start < galaxyIds.length; start += BATCH) {
    const ids: string[] = [];
    const v: number[] = [];
    const s: number[] = [];
    for (let i = start; i < Math.min(galaxyIds.length, start + BATCH); i++) {
      if (!Number.isFinite(values[i]) || !Number.isFinite(sigmas[i])) continue;
      ids.push(galaxyIds[i]);
      v.push(values[i]);
      s.push(sigmas[i]);
    }
    if (ids.length === 0) continue;
    const rows = await sql`
      INSERT INTO predictions (predictor_id, galaxy_id, value, sigma)
      SELECT ${predictorId}::int8, * FROM unnest(${ids}::int8[], ${v}::float8[], ${s}::float8[])
      ON CONFLICT DO NOTHING RETURNING galaxy_id`;
    inserted += rows.length;
  }
  return inserted;
}

/** One query for a batch of (predictor, galaxy) keys, in the order asked. */
export async function predictionsByKeys(sql: Sql, keys: readonly { predictorId: string; galaxyId: string }[]): Promise<(PredictionRecord | null)[]> {
  const rows = await sql`
    SELECT p.predictor_id, p.galaxy_id, p.value, p.sigma
    FROM unnest(${keys.map((k) => k.predictorId)}::int8[], ${keys.map((k) => k.galaxyId)}::int8[]) AS k(predictor_id, galaxy_id)
    JOIN predictions p USING (predictor_id, galaxy_id)`;
  const byKey = new Map(rows.map((r) => [`${r.predictor_id}/${r.galaxy_id}`, toPrediction(r)]));
  return keys.map((k) => byKey.get(`${k.predictorId}/${k.galaxyId}`) ?? null);
}

/** Every predictor's prediction for each galaxy, one query per batch. */
export async function predictionsByGalaxyIds(sql: Sql, galaxyIds: readonly string[]): Promise<PredictionRecord[][]> {
  const rows = await sql`SELECT predictor_id, galaxy_id, value, sigma FROM predictions WHERE galaxy_id = ANY(${galaxyIds as string[]}::int8[]) ORDER BY predictor_id`;
  const byGalaxy = new Map<string, PredictionRecord[]>();
  for (const r of rows) {
    const p = toPrediction(r);
    const list = byGalaxy.get(p.galaxyId);
    if (list) list.push(p);
    else byGalaxy.set(p.galaxyId, [p]);
  }
  return galaxyIds.map((id) => byGalaxy.get(id) ?? []);
}

function toPrediction(r: Record<string, unknown>): PredictionRecord {
  return { predictorId: String(r.predictor_id), galaxyId: String(r.galaxy_id), value: Number(r.value), sigma: Number(r.sigma) };
}
