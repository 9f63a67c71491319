/**
 * The `ingest_jobs` table: an ingest the server runs (QUEUED → RUNNING →
 * SUCCEEDED | FAILED). A job is taken with a conditional UPDATE over
 * `FOR UPDATE SKIP LOCKED`, so two servers on one PostgreSQL never both run
 * it. A RUNNING job whose heartbeat stopped (its process died) is queued
 * again: ingest is idempotent and resumable, so the rerun does the rest.
 */
import type { Sql } from "../../db/database.js";
import type { IngestReport } from "../sdss/ingest.js";
import type { IngestInput } from "./input.js";

export type IngestJobStatus = "QUEUED" | "RUNNING" | "SUCCEEDED" | "FAILED";

export interface IngestJobRecord {
  id: string;
  status: IngestJobStatus;
  input: IngestInput;
  stage: string | null;
  done: number;
  total: number;
  report: IngestReport | null;
  errorCode: string | null;
  error: string | null;
  attempts: number;
  runner: string | null;
  queuedAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  heartbeatAt: Date | null;
}

function toJob(row: Record<string, unknown>): IngestJobRecord {
  return {
    id: String(row.id),
    status: row.status as IngestJobStatus,
    input: row.input as IngestInput,
    stage: (row.stage as string) ?? null,
    done: Number(row.done),
    total: Number(row.total),
    report: (row.report as IngestReport) ?? null,
    errorCode: (row.error_code as string) ?? null,
    error: (row.error as string) ?? null,
    attempts: Number(row.attempts),
    runner: (row.runner as string) ?? null,
    queuedAt: row.queued_at as Date,
    startedAt: (row.started_at as Date) ?? null,
    finishedAt: (row.finished_at as Date) ?? null,
    heartbeatAt: (row.heartbeat_at as Date) ?? null,
  };
}

export async function createIngestJob(sql: Sql, input: IngestInput): Promise<IngestJobRecord> {
  const [row] = await sql`INSERT INTO ingest_jobs (input) VALUES (${sql.json(input as never)}) RETURNING *`;
  return toJob(row);
}

export async function ingestJobsByIds(sql: Sql, ids: readonly string[]): Promise<(IngestJobRecord | null)[]> {
  const rows = await sql`SELECT * FROM ingest_jobs WHERE id = ANY(${ids as string[]}::int8[])`;
  const byId = new Map(rows.map((row) => [String(row.id), toJob(row)]));
  return ids.map((id) => byId.get(id) ?? null);
}

/** The newest jobs first. */
export async function recentIngestJobs(sql: Sql, limit: number): Promise<IngestJobRecord[]> {
  const rows = await sql`SELECT * FROM ingest_jobs ORDER BY id DESC LIMIT ${limit}`;
  return rows.map(toJob);
}

/** Takes the oldest QUEUED job for `runner`, or null when none waits. */
export async function claimIngestJob(sql: Sql, runner: string): Promise<IngestJobRecord | null> {
  const rows = await sql`
    UPDATE ingest_jobs SET status = 'RUNNING', runner = ${runner}, attempts = attempts + 1,
           started_at = now(), heartbeat_at = now(), stage = NULL, done = 0, total = 0
     WHERE id = (SELECT id FROM ingest_jobs WHERE status = 'QUEUED' ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED)
    RETURNING *`;
  return rows.length > 0 ? toJob(rows[0]) : null;
}

/** Progress of a RUNNING job (and its heartbeat). */
export async function recordIngestProgress(sql: Sql, id: string, runner: string, stage: string, done: number, total: number): Promise<void> {
  await sql`UPDATE ingest_jobs SET stage = ${stage}, done = ${done}, total = ${total}, heartbeat_at = now()
             WHERE id = ${id} AND status = 'RUNNING' AND runner = ${runner}`;
}

export async function finishIngestJob(
  sql: Sql,
  id: string,
  runner: string,
  outcome: { report: IngestReport } | { errorCode: string; error: string },
): Promise<void> {
  if ("report" in outcome) {
    await sql`UPDATE ingest_jobs SET status = 'SUCCEEDED', report = ${sql.json(outcome.report as never)}, finished_at = now(), heartbeat_at = now()
               WHERE id = ${id} AND status = 'RUNNING' AND runner = ${runner}`;
  } else {
    await sql`UPDATE ingest_jobs SET status = 'FAILED', error_code = ${outcome.errorCode}, error = ${outcome.error}, finished_at = now(), heartbeat_at = now()
               WHERE id = ${id} AND status = 'RUNNING' AND runner = ${runner}`;
  }
}

/** Gives a RUNNING job back to the queue (its server is stopping): the next server to look resumes it. */
export async function releaseIngestJob(sql: Sql, id: string, runner: string): Promise<void> {
  await sql`UPDATE ingest_jobs SET status = 'QUEUED', runner = NULL WHERE id = ${id} AND status = 'RUNNING' AND runner = ${runner}`;
}

/**
 * Queues again every RUNNING job whose heartbeat is older than
 * `staleSeconds` (0: every RUNNING job — the embedded database has one
 * process, so none of them is running). A job that died `maxAttempts` times
 * is failed instead, with its last state kept. Returns the ids queued again.
 */
export async function requeueAbandonedIngestJobs(sql: Sql, staleSeconds: number, maxAttempts: number): Promise<string[]> {
  await sql`UPDATE ingest_jobs SET status = 'FAILED', error_code = 'INGEST_ABANDONED', finished_at = now(),
                   error = 'the process running this ingest stopped ' || attempts || ' times; run it again once the cause is fixed'
             WHERE status = 'RUNNING' AND attempts >= ${maxAttempts}
               AND (${staleSeconds}::int = 0 OR heartbeat_at < now() - make_interval(secs => ${staleSeconds}))`;
  const rows = await sql`
    UPDATE ingest_jobs SET status = 'QUEUED', runner = NULL
     WHERE status = 'RUNNING' AND (${staleSeconds}::int = 0 OR heartbeat_at < now() - make_interval(secs => ${staleSeconds}))
    RETURNING id`;
  return rows.map((row) => String(row.id));
}
