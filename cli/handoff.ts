/**
 * `skycube ingest` while a server holds the data folder: the work goes to
 * that server (it is the one writer), as the same ingestFiles job a script
 * would send, and this command follows the job's progress until it ends.
 * The server's port and token are in its lock file (db/data-dir-lock.ts).
 * Interrupting the command does not stop the job: the server finishes it.
 */
import type { LockInfo } from "../db/data-dir-lock.js";
import type { IngestInput } from "../ingest/jobs/input.js";
import type { IngestReport } from "../ingest/sdss/ingest.js";

const JOB_FIELDS = "id status stage done total attempts errorCode error report { spectraRead objects inserted merged alreadyPresent batches shards bytes withImage withSfrLabel skipped { file reason } }";

interface JobView {
  id: string;
  status: "QUEUED" | "RUNNING" | "SUCCEEDED" | "FAILED";
  stage: string | null;
  done: number;
  total: number;
  attempts: number;
  errorCode: string | null;
  error: string | null;
  report: IngestReport | null;
}

/** The server could not be reached or refused the job: the message says why. */
export class HandoffError extends Error {
  override name = "HandoffError";
}

export interface HandoffOptions {
  onProgress?: (stage: string, done: number, total: number) => void;
  /** Told once the job is queued (its id, to follow it elsewhere). */
  onQueued?: (jobId: string) => void;
  pollMs?: number;
}

export function canHandOff(holder: LockInfo): boolean {
  return holder.port !== undefined && holder.token !== undefined;
}

async function call<T>(holder: LockInfo, query: string, variables: Record<string, unknown>): Promise<T> {
  const url = `http://127.0.0.1:${holder.port}/graphql`;
  let response: Response;
  try {
    response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${holder.token}` },
      body: JSON.stringify({ query, variables }),
    });
  } catch (error) {
    throw new HandoffError(`the server holding the data folder (pid ${holder.pid}) does not answer at ${url}: ${(error as Error).message}`);
  }
  const body = (await response.json().catch(() => null)) as { data?: T; errors?: { message: string; extensions?: { code?: string } }[] } | null;
  if (!body || body.errors?.length || !body.data) {
    const errors = body?.errors?.map((e) => `${e.extensions?.code ?? "ERROR"}: ${e.message}`).join("; ");
    throw new HandoffError(`the server (pid ${holder.pid}, port ${holder.port}) refused the ingest: ${errors ?? `HTTP ${response.status}`}`);
  }
  return body.data;
}

/** Sends the ingest to the server and follows it; resolves with its report, or throws with the job's error. */
export async function ingestViaServer(holder: LockInfo, input: IngestInput, options: HandoffOptions = {}): Promise<IngestReport> {
  const graphqlInput =
    input.source === "sdss"
      ? { source: "SDSS", spectra: input.spectra, frames: input.frames, sfr: input.sfr }
      : { source: "HISSCUBE", path: input.path };
  const { ingestFiles } = await call<{ ingestFiles: JobView }>(
    holder,
    `mutation Ingest($input: IngestFilesInput!) { ingestFiles(input: $input) { ${JOB_FIELDS} } }`,
    { input: graphqlInput },
  );
  options.onQueued?.(ingestFiles.id);
  let job = ingestFiles;
  for (;;) {
    if (job.stage) options.onProgress?.(job.stage, job.done, job.total);
    if (job.status === "SUCCEEDED") return job.report!;
    if (job.status === "FAILED") throw new HandoffError(`ingest job ${job.id} failed in the server: ${job.errorCode}: ${job.error}`);
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 500));
    job = (await call<{ ingestJob: JobView }>(holder, `query Job($id: ID!) { ingestJob(id: $id) { ${JOB_FIELDS} } }`, { id: job.id })).ingestJob;
  }
}
