/**
 * The `experiments` table and its cells (training runs with an
 * `experiment_id`). An experiment and all its runs are written in one
 * transaction, so an experiment exists whole or not at all. Its status and
 * progress follow from its cells: `refreshExperiment` writes them (a
 * conditional UPDATE, only while the experiment is unfinished).
 */
import type { Sql } from "../../db/database.js";
import { CLASS_NAMES, type Target } from "../training/target.js";
import type { TrainInput } from "../training/input.js";
import { FINISHED, runsByIds, type RunRecord, type RunStatus } from "./runs.js";
import type { Page } from "../../catalog/page.js";
import { decodeCursor, encodeCursor, isIdString } from "../../catalog/cursor.js";

/** What one cell varies; `reference` marks the two cells every experiment adds. */
export interface CellDescription {
  learner: TrainInput["kind"];
  modality: TrainInput["modality"];
  features: TrainInput["features"];
  /** null where the modality reads no image (resp. spectrum). */
  imageZoom: number | null;
  spectrumZoom: number | null;
  reference: "BASELINE" | "LINEAR" | null;
  /** The parts of the study the cell belongs to (e.g. "modality", "image quality"). */
  studies: string[];
  /** CNN EARLY_FUSION cells with a learned gate; absent = CONCAT (and for every other cell). */
  fusion?: "GATED";
}

export interface ExperimentSplit {
  seed: number;
  train: string[];
  validation: string[];
  test: string[];
  /** Whether every finished cell's split is this one (always true unless something is broken). */
  sameForEveryCell: boolean;
}

export interface ExperimentRecord {
  id: string;
  status: RunStatus;
  input: Record<string, unknown>;
  seed: number;
  split: ExperimentSplit | null;
  progress: number;
  error: string | null;
  queuedAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
}

export interface CellRecord {
  cell: CellDescription;
  run: RunRecord;
}

function toExperiment(row: Record<string, unknown>): ExperimentRecord {
  return {
    id: String(row.id),
    status: row.status as RunStatus,
    input: row.input as Record<string, unknown>,
    seed: Number(row.seed),
    split: (row.split as ExperimentSplit) ?? null,
    progress: Number(row.progress),
    error: (row.error as string) ?? null,
    queuedAt: row.queued_at as Date,
    startedAt: (row.started_at as Date) ?? null,
    finishedAt: (row.finished_at as Date) ?? null,
  };
}

/** Writes the experiment and one QUEUED run per cell in one transaction; returns the experiment id and the run ids in cell order. */
export async function createExperiment(
  sql: Sql,
  input: Record<string, unknown>,
  seed: number,
  cells: { cell: CellDescription; train: TrainInput }[],
  codeVersion: string,
): Promise<{ id: string; runIds: string[] }> {
  return sql.begin(async (tx) => {
    const t = tx as unknown as Sql;
    const [{ id }] = await t`INSERT INTO experiments (input, seed) VALUES (${t.json(input as never)}, ${seed}) RETURNING id`;
    const runIds: string[] = [];
    // One statement per cell: the cap on cells (MAX_EXPERIMENT_CELLS) bounds them.
    for (const { cell, train } of cells) {
      const [run] = await t`INSERT INTO training_runs (input, code_version, experiment_id, experiment_cell)
        VALUES (${t.json(train as never)}, ${codeVersion}, ${id}, ${t.json(cell as never)}) RETURNING id`;
      runIds.push(String(run.id));
    }
    return { id: String(id), runIds };
  });
}

export async function experimentsByIds(sql: Sql, ids: readonly string[]): Promise<(ExperimentRecord | null)[]> {
  const rows = await sql`SELECT * FROM experiments WHERE id = ANY(${ids as string[]}::int8[])`;
  const byId = new Map(rows.map((row) => [String(row.id), toExperiment(row)]));
  return ids.map((id) => byId.get(id) ?? null);
}

export async function listExperiments(sql: Sql, limit: number): Promise<ExperimentRecord[]> {
  const rows = await sql`SELECT * FROM experiments ORDER BY id DESC LIMIT ${limit}`;
  return rows.map(toExperiment);
}

/**
 * One page of experiments, newest first, keyset on id (one queued while
 * paging shows up on the first page, never twice). `first` is checked by the caller.
 */
export async function pageExperiments(sql: Sql, first: number, after: string | null): Promise<Page<ExperimentRecord>> {
  const afterId = after === null ? null : (decodeCursor(after, "experiment", [isIdString])[0] as string);
  const keyset = afterId === null ? sql`TRUE` : sql`id < ${afterId}::int8`;
  const rows = await sql`SELECT * FROM experiments WHERE ${keyset} ORDER BY id DESC LIMIT ${first + 1}`;
  const nodes = rows.slice(0, first).map(toExperiment);
  return {
    nodes,
    cursorOf: (i) => encodeCursor("experiment", [nodes[i].id]),
    hasNextPage: rows.length > first,
    hasPreviousPage: afterId !== null,
    totalCount: async () => (await sql`SELECT count(*)::int AS count FROM experiments`)[0].count as number,
  };
}

/** The cells of an experiment, in the order they were queued. */
export async function experimentCells(sql: Sql, experimentId: string): Promise<CellRecord[]> {
  const rows = await sql`SELECT id, experiment_cell FROM training_runs WHERE experiment_id = ${experimentId} ORDER BY id`;
  const runs = await runsByIds(sql, rows.map((r) => String(r.id)));
  return rows.map((r, i) => ({ cell: r.experiment_cell as CellDescription, run: runs[i]! }));
}

/** Status and progress of an experiment from its cells (CANCELLED stays CANCELLED). */
export function summarise(cells: readonly CellRecord[]): { status: RunStatus; progress: number; error: string | null } {
  const statuses = cells.map((c) => c.run.status);
  const progress = cells.length === 0 ? 1 : cells.reduce((s, c) => s + (FINISHED.includes(c.run.status) ? 1 : c.run.progress), 0) / cells.length;
  if (statuses.every((s) => FINISHED.includes(s))) {
    const failed = cells.filter((c) => c.run.status !== "SUCCEEDED");
    if (failed.length === 0) return { status: "SUCCEEDED", progress: 1, error: null };
    const first = failed[0];
    return {
      status: "FAILED",
      progress: 1,
      error: `${failed.length} of ${cells.length} cells did not succeed (first: run ${first.run.id}, ${first.run.status}${first.run.error ? `: ${first.run.error}` : ""}); the table holds the others`,
    };
  }
  return { status: statuses.some((s) => s !== "QUEUED") ? "RUNNING" : "QUEUED", progress, error: null };
}

/** The split the finished cells share (null before any cell has one). */
export function sharedSplit(cells: readonly CellRecord[], seed: number): ExperimentSplit | null {
  const splits = cells.map((c) => c.run.split as { train: string[]; validation: string[]; test: string[] } | null).filter((s) => s !== null);
  if (splits.length === 0) return null;
  const key = (s: { train: string[]; validation: string[]; test: string[] }) => JSON.stringify([s.train, s.validation, s.test]);
  const first = splits[0]!;
  return { seed, train: first.train, validation: first.validation, test: first.test, sameForEveryCell: splits.every((s) => key(s!) === key(first)) };
}

/** Writes the status, progress, split and times that follow from the cells, while the experiment is unfinished; returns it as stored. */
export async function refreshExperiment(sql: Sql, id: string): Promise<{ experiment: ExperimentRecord; cells: CellRecord[] } | null> {
  const [current] = await experimentsByIds(sql, [id]);
  if (!current) return null;
  const cells = await experimentCells(sql, id);
  if (FINISHED.includes(current.status)) return { experiment: current, cells };
  const { status, progress, error } = summarise(cells);
  const split = sharedSplit(cells, current.seed);
  const started = cells.map((c) => c.run.startedAt).filter((d): d is Date => d !== null).sort((a, b) => a.getTime() - b.getTime())[0] ?? null;
  await sql`UPDATE experiments SET status = ${status}, progress = ${Math.min(1, Math.max(0, progress))}, error = ${error},
      split = ${split === null ? null : sql.json(split as never)}, started_at = coalesce(started_at, ${started}::timestamptz),
      finished_at = ${FINISHED.includes(status) ? sql`now()` : null}
    WHERE id = ${id} AND status IN ('QUEUED', 'RUNNING')`;
  const [after] = await experimentsByIds(sql, [id]);
  return { experiment: after!, cells };
}

/** Marks an unfinished experiment CANCELLED; false when it had finished. */
export async function cancelExperimentRow(sql: Sql, id: string): Promise<boolean> {
  const rows = await sql`UPDATE experiments SET status = 'CANCELLED', finished_at = now(), error = 'cancelled'
    WHERE id = ${id} AND status IN ('QUEUED', 'RUNNING') RETURNING id`;
  return rows.length > 0;
}

/** ra, dec (degrees) of the galaxies among `ids` that exist. */
export async function galaxyPositions(sql: Sql, ids: readonly string[]): Promise<Map<string, { ra: number; dec: number }>> {
  const rows = await sql`SELECT id, ra, dec FROM galaxies WHERE id = ANY(${ids as string[]}::int8[])`;
  return new Map(rows.map((r) => [String(r.id), { ra: Number(r.ra), dec: Number(r.dec) }]));
}

/** A predictor's stored predictions of the galaxies among `ids`, with their labels (as float32, as training reads them), in id order. */
/**
 * A predictor's stored predictions of the given galaxies with their labels
 * for the run's target (SFR AVG as float32, as the learners saw it; the
 * redshift likewise; a class's index in CLASS_NAMES) and, for a classifier,
 * the stored class probabilities.
 */
export async function storedPredictionsWithLabels(sql: Sql, predictorId: string, ids: readonly string[], target: Target = "SFR"): Promise<{ id: string; label: number; value: number; classProbabilities: number[] | null }[]> {
  const rows = await sql`SELECT g.id, g.sfr_avg, g.redshift, g.class, p.value, p.class_probabilities FROM predictions p JOIN galaxies g ON g.id = p.galaxy_id
    WHERE p.predictor_id = ${predictorId} AND p.galaxy_id = ANY(${ids as string[]}::int8[]) ORDER BY g.id`;
  const labelOf = (r: Record<string, unknown>) =>
    target === "CLASS" ? (CLASS_NAMES as readonly string[]).indexOf(r.class as string) : Math.fround(Number(target === "REDSHIFT" ? r.redshift : r.sfr_avg));
  return rows.map((r) => ({ id: String(r.id), label: labelOf(r), value: Number(r.value), classProbabilities: r.class_probabilities ? (r.class_probabilities as unknown[]).map(Number) : null }));
}
