/** The `predictions` table: one row per (predictor, galaxy), looked up in batches. */
import type { Sql } from "../../db/database.js";

export interface PredictionRecord {
  predictorId: string;
  galaxyId: string;
  /** log10 SFR, Msun/yr. */
  value: number;
  /** 1-sigma predictive uncertainty, dex. */
  sigma: number;
  /** In the predictor's applicability domain (models/training/domain.ts); null: predicted before the registry, not assessed. */
  inDomain: boolean | null;
  /** Why not, when out of the domain. */
  domainNotes: string[];
  /** A classifier's class probabilities (its predictor's `spec.classes` order); null for a regression. */
  classProbabilities: number[] | null;
}

const BATCH = 10_000;

/** Separates the notes of one prediction in the batch insert (a note never holds a newline). */
const NOTE_SEPARATOR = "\n";

/**
 * Inserts predictions with their applicability (`notes[i]` empty = in the
 * domain); existing (predictor, galaxy) rows are kept.
 */
export async function insertPredictions(
  sql: Sql,
  predictorId: string,
  galaxyIds: readonly string[],
  values: ArrayLike<number>,
  sigmas: ArrayLike<number>,
  notes: readonly string[][],
  probabilities?: { values: ArrayLike<number>; classCount: number },
): Promise<number> {
  let inserted = 0;
  for (let start = 0; start < galaxyIds.length; start += BATCH) {
    const ids: string[] = [];
    const v: number[] = [];
    const s: number[] = [];
    const n: string[] = [];
    /** Array literals ('{0.1,0.9}'), cast to real[] in SQL; null for a regression. */
    const c: (string | null)[] = [];
    for (let i = start; i < Math.min(galaxyIds.length, start + BATCH); i++) {
      if (!Number.isFinite(values[i]) || !Number.isFinite(sigmas[i])) continue;
      ids.push(galaxyIds[i]);
      v.push(values[i]);
      s.push(sigmas[i]);
      n.push(notes[i].map((note) => note.replaceAll(NOTE_SEPARATOR, " ")).join(NOTE_SEPARATOR));
      c.push(probabilities ? `{${Array.from({ length: probabilities.classCount }, (_, k) => probabilities.values[i * probabilities.classCount + k]).join(",")}}` : null);
    }
    if (ids.length === 0) continue;
    const rows = await sql`
      INSERT INTO predictions (predictor_id, galaxy_id, value, sigma, in_domain, domain_notes, class_probabilities)
      SELECT ${predictorId}::int8, k.g, k.v, k.s, k.n = '', CASE WHEN k.n = '' THEN '{}'::text[] ELSE string_to_array(k.n, ${NOTE_SEPARATOR}) END, k.c::real[]
      FROM unnest(${ids}::int8[], ${v}::float8[], ${s}::float8[], ${n}::text[], ${c}::text[]) AS k(g, v, s, n, c)
      ON CONFLICT DO NOTHING RETURNING galaxy_id`;
    inserted += rows.length;
  }
  return inserted;
}

/** One query for a batch of (predictor, galaxy) keys, in the order asked. */
export async function predictionsByKeys(sql: Sql, keys: readonly { predictorId: string; galaxyId: string }[]): Promise<(PredictionRecord | null)[]> {
  const rows = await sql`
    SELECT p.predictor_id, p.galaxy_id, p.value, p.sigma, p.in_domain, p.domain_notes, p.class_probabilities
    FROM unnest(${keys.map((k) => k.predictorId)}::int8[], ${keys.map((k) => k.galaxyId)}::int8[]) AS k(predictor_id, galaxy_id)
    JOIN predictions p USING (predictor_id, galaxy_id)`;
  const byKey = new Map(rows.map((r) => [`${r.predictor_id}/${r.galaxy_id}`, toPrediction(r)]));
  return keys.map((k) => byKey.get(`${k.predictorId}/${k.galaxyId}`) ?? null);
}

/** Every predictor's prediction for each galaxy, one query per batch. */
export async function predictionsByGalaxyIds(sql: Sql, galaxyIds: readonly string[]): Promise<PredictionRecord[][]> {
  const rows = await sql`SELECT predictor_id, galaxy_id, value, sigma, in_domain, domain_notes, class_probabilities FROM predictions WHERE galaxy_id = ANY(${galaxyIds as string[]}::int8[]) ORDER BY predictor_id`;
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
  return {
    predictorId: String(r.predictor_id),
    galaxyId: String(r.galaxy_id),
    value: Number(r.value),
    sigma: Number(r.sigma),
    inDomain: (r.in_domain as boolean | null) ?? null,
    domainNotes: (r.domain_notes as string[] | null) ?? [],
    classProbabilities: r.class_probabilities ? (r.class_probabilities as unknown[]).map(Number) : null,
  };
}

export interface PredictionChange {
  galaxyId: string;
  from: PredictionRecord;
  to: PredictionRecord;
  /** |to − from| / sqrt(σ_from² + σ_to²). */
  combinedSigmas: number;
}

/**
 * Galaxies whose stored predictions by two predictors differ by more than
 * `minSigma` combined sigmas, largest change first (then galaxy id), at most
 * `limit`, after the keyset `after` ([combinedSigmas, galaxyId]). One query
 * on the predictions primary key.
 */
export async function predictionChanges(sql: Sql, fromId: string, toId: string, minSigma: number, limit: number, after: [number, string] | null): Promise<PredictionChange[]> {
  const rows = await sql`
    SELECT * FROM (
      SELECT a.galaxy_id, a.value AS a_value, a.sigma AS a_sigma, a.in_domain AS a_in, a.domain_notes AS a_notes,
             b.value AS b_value, b.sigma AS b_sigma, b.in_domain AS b_in, b.domain_notes AS b_notes,
             abs(b.value - a.value) / greatest(sqrt(a.sigma * a.sigma + b.sigma * b.sigma), 1e-300) AS z
      FROM predictions a JOIN predictions b ON b.galaxy_id = a.galaxy_id AND b.predictor_id = ${toId}::int8
      WHERE a.predictor_id = ${fromId}::int8) c
    WHERE c.z > ${minSigma}::float8 ${after === null ? sql`` : sql`AND (c.z < ${after[0]}::float8 OR (c.z = ${after[0]}::float8 AND c.galaxy_id > ${after[1]}::int8))`}
    ORDER BY c.z DESC, c.galaxy_id LIMIT ${limit}`;
  return rows.map((r) => ({
    galaxyId: String(r.galaxy_id),
    from: toPrediction({ predictor_id: fromId, galaxy_id: r.galaxy_id, value: r.a_value, sigma: r.a_sigma, in_domain: r.a_in, domain_notes: r.a_notes }),
    to: toPrediction({ predictor_id: toId, galaxy_id: r.galaxy_id, value: r.b_value, sigma: r.b_sigma, in_domain: r.b_in, domain_notes: r.b_notes }),
    combinedSigmas: Number(r.z),
  }));
}
