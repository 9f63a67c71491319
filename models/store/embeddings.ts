/**
 * The `embeddings` table: one row per (input, dataset digest), its status
 * and, once SUCCEEDED, its coordinates. Claiming is a conditional UPDATE, so
 * one process computes a row however many ask.
 */
import type { Sql } from "../../db/database.js";

export type EmbeddingStatus = "QUEUED" | "RUNNING" | "SUCCEEDED" | "FAILED";

export interface EmbeddingResultRecord {
  galaxyIds: string[];
  x: number[];
  y: number[];
  label: number[];
  correlation: { x: number | null; y: number | null };
  explainedVariance: [number, number] | null;
  columns: number;
  seconds: number;
}

export interface EmbeddingRecord {
  id: string;
  inputKey: string;
  datasetDigest: string;
  input: Record<string, unknown>;
  status: EmbeddingStatus;
  result: EmbeddingResultRecord | null;
  error: string | null;
  queuedAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
}

function toEmbedding(row: Record<string, unknown>): EmbeddingRecord {
  return {
    id: String(row.id),
    inputKey: row.input_key as string,
    datasetDigest: row.dataset_digest as string,
    input: row.input as Record<string, unknown>,
    status: row.status as EmbeddingStatus,
    result: (row.result as EmbeddingResultRecord | null) ?? null,
    error: (row.error as string | null) ?? null,
    queuedAt: row.queued_at as Date,
    startedAt: (row.started_at as Date | null) ?? null,
    finishedAt: (row.finished_at as Date | null) ?? null,
  };
}

/** The row of (key, digest), inserted QUEUED when there is none. `created`: whether this call inserted it. */
export async function findOrQueueEmbedding(sql: Sql, inputKey: string, digest: string, input: Record<string, unknown>): Promise<{ record: EmbeddingRecord; created: boolean }> {
  const inserted = await sql`INSERT INTO embeddings (input_key, dataset_digest, input) VALUES (${inputKey}, ${digest}, ${sql.json(input as never)})
    ON CONFLICT (input_key, dataset_digest) DO NOTHING RETURNING *`;
  if (inserted.length > 0) return { record: toEmbedding(inserted[0]), created: true };
  const [row] = await sql`SELECT * FROM embeddings WHERE input_key = ${inputKey} AND dataset_digest = ${digest}`;
  return { record: toEmbedding(row), created: false };
}

export async function embeddingById(sql: Sql, id: string): Promise<EmbeddingRecord | null> {
  const rows = await sql`SELECT * FROM embeddings WHERE id = ${id}`;
  return rows.length ? toEmbedding(rows[0]) : null;
}

/** A FAILED row, or one left RUNNING longer than `staleSeconds` by a process that is gone, back to QUEUED; true when it was. */
export async function requeueEmbedding(sql: Sql, id: string, staleSeconds: number): Promise<boolean> {
  const rows = await sql`UPDATE embeddings SET status = 'QUEUED', error = NULL, started_at = NULL, finished_at = NULL
    WHERE id = ${id} AND (status = 'FAILED' OR (status = 'RUNNING' AND started_at < now() - make_interval(secs => ${staleSeconds}))) RETURNING id`;
  return rows.length > 0;
}

/** QUEUED → RUNNING; false when another process took it. */
export async function claimEmbedding(sql: Sql, id: string): Promise<boolean> {
  return (await sql`UPDATE embeddings SET status = 'RUNNING', started_at = now() WHERE id = ${id} AND status = 'QUEUED' RETURNING id`).length > 0;
}

export async function finishEmbedding(sql: Sql, id: string, result: EmbeddingResultRecord): Promise<void> {
  await sql`UPDATE embeddings SET status = 'SUCCEEDED', result = ${sql.json(result as never)}, finished_at = now() WHERE id = ${id} AND status = 'RUNNING'`;
}

export async function failEmbedding(sql: Sql, id: string, error: string): Promise<void> {
  await sql`UPDATE embeddings SET status = 'FAILED', error = ${error}, finished_at = now() WHERE id = ${id} AND status IN ('QUEUED', 'RUNNING')`;
}
