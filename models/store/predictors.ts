/**
 * The `predictors` table: a trained predictor's spec and model bytes, saved
 * together with its predictions and its run's report in one transaction —
 * so a predictor exists whole or not at all.
 */
import type { Sql } from "../../db/database.js";
import { decodeCursor, encodeCursor, isIdString } from "../../catalog/cursor.js";
import type { Page } from "../../catalog/page.js";
import type { TrainingOutcome } from "../training/pipeline.js";
import type { FeatureKind, LearnerKind, Modality } from "../training/input.js";
import type { ApplicabilityDomain } from "../training/domain.js";
import type { Target } from "../training/target.js";
import { insertPredictions } from "./predictions.js";
import { nextVersion } from "./registry.js";

export interface PredictorSpec {
  kind: LearnerKind;
  modality: Modality;
  features: FeatureKind;
  imageZoom: number;
  spectrumZoom: number;
  /** Absent: SFR (predictors saved before targets). */
  target?: Target;
  /** A classifier's class names, in the order of its stored probabilities. */
  classes?: string[];
}

export interface PredictorRecord {
  id: string;
  runId: string;
  name: string;
  /** 1, 2, … per name. */
  version: number;
  spec: PredictorSpec;
  /** Null for predictors saved before the registry (migration 006). */
  domain: ApplicabilityDomain | null;
  createdAt: Date;
}

function toPredictor(row: Record<string, unknown>): PredictorRecord {
  return {
    id: String(row.id),
    runId: String(row.run_id),
    name: row.name as string,
    version: Number(row.version),
    spec: row.spec as PredictorSpec,
    domain: (row.domain as ApplicabilityDomain | null) ?? null,
    createdAt: row.created_at as Date,
  };
}

export async function predictorsByIds(sql: Sql, ids: readonly string[]): Promise<(PredictorRecord | null)[]> {
  const rows = await sql`SELECT id, run_id, name, version, spec, domain, created_at FROM predictors WHERE id = ANY(${ids as string[]}::int8[])`;
  const byId = new Map(rows.map((row) => [String(row.id), toPredictor(row)]));
  return ids.map((id) => byId.get(id) ?? null);
}

export async function listPredictors(sql: Sql): Promise<PredictorRecord[]> {
  return (await sql`SELECT id, run_id, name, version, spec, domain, created_at FROM predictors ORDER BY id`).map(toPredictor);
}

/** One page of predictors, oldest first, keyset on id. `first` is checked by the caller. */
export async function pagePredictors(sql: Sql, first: number, after: string | null): Promise<Page<PredictorRecord>> {
  const afterId = after === null ? null : (decodeCursor(after, "predictor", [isIdString])[0] as string);
  const keyset = afterId === null ? sql`TRUE` : sql`id > ${afterId}::int8`;
  const rows = await sql`SELECT id, run_id, name, version, spec, domain, created_at FROM predictors WHERE ${keyset} ORDER BY id LIMIT ${first + 1}`;
  const nodes = rows.slice(0, first).map(toPredictor);
  return {
    nodes,
    cursorOf: (i) => encodeCursor("predictor", [nodes[i].id]),
    hasNextPage: rows.length > first,
    hasPreviousPage: afterId !== null,
    totalCount: async () => (await sql`SELECT count(*)::int AS count FROM predictors`)[0].count as number,
  };
}

export async function predictorModel(sql: Sql, id: string): Promise<Buffer | null> {
  const rows = await sql`SELECT model FROM predictors WHERE id = ${id}`;
  return rows.length ? (rows[0].model as Buffer) : null;
}

export async function deletePredictor(sql: Sql, id: string): Promise<boolean> {
  return (await sql`DELETE FROM predictors WHERE id = ${id} RETURNING id`).length > 0;
}

export async function countPredictions(sql: Sql, id: string): Promise<number> {
  const [{ count }] = await sql`SELECT count(*)::int AS count FROM predictions WHERE predictor_id = ${id}`;
  return count as number;
}

/**
 * RUNNING → SUCCEEDED with everything the run produced. Returns the new
 * predictor's id, or null when the run was cancelled meanwhile (then
 * nothing is written).
 */
export async function saveTrainedPredictor(
  sql: Sql,
  runId: string,
  name: string,
  spec: PredictorSpec,
  outcome: TrainingOutcome,
  galaxyIds: string[],
  timings: () => Record<string, number>,
  dataset: Record<string, unknown> = {},
): Promise<string | null> {
  return sql.begin(async (tx) => {
    const t = tx as unknown as Sql;
    const [run] = await t`SELECT status FROM training_runs WHERE id = ${runId} FOR UPDATE`;
    if (!run || run.status !== "RUNNING") return null;
    const version = await nextVersion(t, name);
    const [{ id }] = await t`INSERT INTO predictors (run_id, name, version, spec, domain, model)
      VALUES (${runId}, ${name}, ${version}, ${t.json(spec as never)}, ${t.json(jsonSafe(outcome.domain) as never)}, ${outcome.model}) RETURNING id`;
    const predictorId = String(id);
    const probabilities = outcome.classification && { values: outcome.classification.probabilities, classCount: outcome.classification.classes.length };
    await insertPredictions(t, predictorId, galaxyIds, outcome.predictions.value, outcome.predictions.sigma, outcome.predictions.notes, probabilities);
    const report = {
      hyperparameters: outcome.hyperparameters,
      grid: outcome.grid,
      curves: outcome.curves,
      metrics: { ...outcome.metrics, ...(outcome.classification ? { classification: outcome.classification.metrics } : {}), members: outcome.members, noiseVariance: outcome.noiseVariance, protocol: outcome.protocol, ...(outcome.fusionWeights ? { fusionWeights: outcome.fusionWeights } : {}) },
      cv: outcome.classification?.cv ?? outcome.cv,
      split: outcome.split,
    };
    await t`UPDATE training_runs SET status = 'SUCCEEDED', progress = 1, stage = 'done', finished_at = now(), backend = ${outcome.backend},
        hyperparameters = ${t.json(report.hyperparameters as never)}, grid = ${t.json(jsonSafe(report.grid) as never)}, curves = ${t.json(report.curves as never)},
        metrics = ${t.json(jsonSafe(report.metrics) as never)}, cv = ${t.json(jsonSafe(report.cv) as never)}, split = ${t.json(report.split as never)},
        timings = ${t.json(timings() as never)}, evaluation = ${t.json(jsonSafe(outcome.evaluation) as never)}, dataset = ${t.json(jsonSafe(dataset) as never)}
      WHERE id = ${runId}`;
    return predictorId;
  });
}

/** NaN and ±Infinity are not JSON: they become null. */
function jsonSafe(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value, (_k, v) => (typeof v === "number" && !Number.isFinite(v) ? null : v)));
}
