/**
 * The `training_runs` table: a run's lifecycle (QUEUED → RUNNING →
 * SUCCEEDED | FAILED | CANCELLED, each transition a conditional UPDATE so two
 * processes never both take a run) and its report.
 */
import type { Sql } from "../../db/database.js";
import { decodeCursor, encodeCursor, isIdString } from "../../catalog/cursor.js";
import type { Page } from "../../catalog/page.js";
import type { TrainInput } from "../training/input.js";

export type RunStatus = "QUEUED" | "RUNNING" | "SUCCEEDED" | "FAILED" | "CANCELLED";
export const FINISHED: readonly RunStatus[] = ["SUCCEEDED", "FAILED", "CANCELLED"];

export interface RunRecord {
  id: string;
  status: RunStatus;
  input: TrainInput;
  progress: number;
  stage: string | null;
  iteration: number | null;
  backend: string | null;
  hyperparameters: Record<string, unknown> | null;
  grid: unknown[] | null;
  curves: unknown[] | null;
  metrics: Record<string, unknown> | null;
  cv: Record<string, unknown> | null;
  split: Record<string, unknown> | null;
  timings: Record<string, unknown> | null;
  /** Sky-aware test metrics (models/evaluation/sky-bins.ts); null before migration 006 and until SUCCEEDED. */
  evaluation: Record<string, unknown> | null;
  /** Dataset digest, counts and footprint (models/training/dataset.ts). */
  dataset: Record<string, unknown> | null;
  codeVersion: string | null;
  error: string | null;
  /** Why it FAILED, as a code (models/training/failure.ts); null otherwise. */
  errorCode: string | null;
  queuedAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  predictorId: string | null;
}

const columns = (sql: Sql) => sql`r.id, r.status, r.input, r.progress, r.stage, r.iteration, r.backend, r.hyperparameters,
  r.grid, r.curves, r.metrics, r.cv, r.split, r.timings, r.evaluation, r.dataset, r.code_version, r.error, r.error_code, r.queued_at, r.started_at, r.finished_at,
  (SELECT p.id FROM predictors p WHERE p.run_id = r.id) AS predictor_id`;

function toRun(row: Record<string, unknown>): RunRecord {
  return {
    id: String(row.id),
    status: row.status as RunStatus,
    input: row.input as TrainInput,
    progress: Number(row.progress),
    stage: (row.stage as string) ?? null,
    iteration: (row.iteration as number) ?? null,
    backend: (row.backend as string) ?? null,
    hyperparameters: (row.hyperparameters as RunRecord["hyperparameters"]) ?? null,
    grid: (row.grid as unknown[]) ?? null,
    curves: (row.curves as unknown[]) ?? null,
    metrics: (row.metrics as RunRecord["metrics"]) ?? null,
    cv: (row.cv as RunRecord["cv"]) ?? null,
    split: (row.split as RunRecord["split"]) ?? null,
    timings: (row.timings as RunRecord["timings"]) ?? null,
    evaluation: (row.evaluation as RunRecord["evaluation"]) ?? null,
    dataset: (row.dataset as RunRecord["dataset"]) ?? null,
    codeVersion: (row.code_version as string) ?? null,
    error: (row.error as string) ?? null,
    errorCode: (row.error_code as string) ?? null,
    queuedAt: row.queued_at as Date,
    startedAt: (row.started_at as Date) ?? null,
    finishedAt: (row.finished_at as Date) ?? null,
    predictorId: row.predictor_id === null || row.predictor_id === undefined ? null : String(row.predictor_id),
  };
}

export async function createRun(sql: Sql, input: TrainInput, codeVersion: string): Promise<RunRecord> {
  const [{ id }] = await sql`INSERT INTO training_runs (input, code_version) VALUES (${sql.json(input as never)}, ${codeVersion}) RETURNING id`;
  return (await runsByIds(sql, [String(id)]))[0]!;
}

export async function runsByIds(sql: Sql, ids: readonly string[]): Promise<(RunRecord | null)[]> {
  const rows = await sql`SELECT ${columns(sql)} FROM training_runs r WHERE r.id = ANY(${ids as string[]}::int8[])`;
  const byId = new Map(rows.map((row) => [String(row.id), toRun(row)]));
  return ids.map((id) => byId.get(id) ?? null);
}

export async function listRuns(sql: Sql, limit: number): Promise<RunRecord[]> {
  const rows = await sql`SELECT ${columns(sql)} FROM training_runs r ORDER BY r.id DESC LIMIT ${limit}`;
  return rows.map(toRun);
}

/**
 * One page of runs, newest first, keyset on id (a run queued while paging
 * shows up on the first page, never twice). `first` is checked by the caller.
 */
export async function pageRuns(sql: Sql, first: number, after: string | null): Promise<Page<RunRecord>> {
  const afterId = after === null ? null : (decodeCursor(after, "run", [isIdString])[0] as string);
  const keyset = afterId === null ? sql`TRUE` : sql`r.id < ${afterId}::int8`;
  const rows = await sql`SELECT ${columns(sql)} FROM training_runs r WHERE ${keyset} ORDER BY r.id DESC LIMIT ${first + 1}`;
  const nodes = rows.slice(0, first).map(toRun);
  return {
    nodes,
    cursorOf: (i) => encodeCursor("run", [nodes[i].id]),
    hasNextPage: rows.length > first,
    hasPreviousPage: afterId !== null,
    totalCount: async () => (await sql`SELECT count(*)::int AS count FROM training_runs`)[0].count as number,
  };
}

/** QUEUED → RUNNING; returns the input, or null when the run was cancelled or taken meanwhile. */
export async function claimRun(sql: Sql, id: string, worker: string, codeVersion: string): Promise<TrainInput | null> {
  const rows = await sql`
    UPDATE training_runs SET status = 'RUNNING', worker = ${worker}, code_version = ${codeVersion}, started_at = now(), heartbeat_at = now(), stage = 'starting'
    WHERE id = ${id} AND status = 'QUEUED' RETURNING input`;
  return rows.length ? (rows[0].input as TrainInput) : null;
}

/** Progress (and heartbeat) of a RUNNING run; null when it is no longer RUNNING (cancelled, or failed by a sweep): the worker stops. */
export async function reportProgress(sql: Sql, id: string, p: { progress: number; stage: string; iteration?: number; backend?: string; curves?: unknown }): Promise<RunStatus | null> {
  const rows = await sql`
    UPDATE training_runs SET progress = ${Math.min(1, Math.max(0, p.progress))}, stage = ${p.stage}, iteration = ${p.iteration ?? null},
      backend = coalesce(${p.backend ?? null}, backend), heartbeat_at = now(),
      curves = ${p.curves === undefined ? sql`curves` : sql`${sql.json(p.curves as never)}`}
    WHERE id = ${id} AND status = 'RUNNING' RETURNING status`;
  return rows.length ? (rows[0].status as RunStatus) : null;
}

export async function failRun(sql: Sql, id: string, error: string, errorCode = "TRAINING_FAILED"): Promise<void> {
  await sql`UPDATE training_runs SET status = 'FAILED', error = ${error}, error_code = ${errorCode}, finished_at = now()
    WHERE id = ${id} AND status IN ('QUEUED', 'RUNNING')`;
}

/** Cancels a run that has not finished; returns false when it had (then nothing changes). */
export async function cancelRun(sql: Sql, id: string): Promise<boolean> {
  const rows = await sql`UPDATE training_runs SET status = 'CANCELLED', finished_at = now(), stage = 'cancelled'
    WHERE id = ${id} AND status IN ('QUEUED', 'RUNNING') RETURNING id`;
  return rows.length > 0;
}

/**
 * After a restart: runs left RUNNING by a process that is gone are marked
 * FAILED with the reason (a run is never left looking alive). `staleSeconds`
 * = 0 fails every RUNNING run (one process owns the database); otherwise
 * only those whose heartbeat is older (several workers share it).
 */
export async function failAbandonedRuns(sql: Sql, staleSeconds: number): Promise<string[]> {
  const rows = await sql`
    UPDATE training_runs SET status = 'FAILED', finished_at = now(), error_code = 'ABANDONED',
      error = 'the process training it stopped (server restart or crash); train again'
    WHERE status = 'RUNNING' AND (${staleSeconds} = 0 OR heartbeat_at < now() - make_interval(secs => ${staleSeconds}))
    RETURNING id`;
  return rows.map((r) => String(r.id));
}

export async function queuedRunIds(sql: Sql): Promise<string[]> {
  const rows = await sql`SELECT id FROM training_runs WHERE status = 'QUEUED' ORDER BY id`;
  return rows.map((r) => String(r.id));
}
