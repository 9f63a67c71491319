/**
 * Runs ingest jobs in the server process, one at a time, in the order they
 * were queued. The server is the one writer of its data folder, so an
 * ingest sent to it (the ingestFiles mutation, or the CLI handing its work
 * over) writes through the same database session and cube it serves from:
 * nothing it writes is invisible to it or lost at its restart.
 *
 * Progress goes to the job's row (throttled to one write a second, and a
 * heartbeat every HEARTBEAT_MS while a stage is long). A job whose process
 * died is queued again at the next start (embedded) or once its heartbeat
 * is stale (PostgreSQL, where several servers share the jobs); the rerun
 * finds its committed batches present and does the rest. Stopping the
 * runner stops the job before its next batch and queues it again.
 */
import { hostname } from "node:os";
import { CubeError, type CubeStore } from "../../cube/cube-store.js";
import { systemCauseOf } from "../../errors/startup.js";
import type { Database } from "../../db/database.js";
import { ingestHisscube } from "../hisscube.js";
import { ingestSdss, type IngestReport } from "../sdss/ingest.js";
import type { IngestInput } from "./input.js";
import { claimIngestJob, createIngestJob, finishIngestJob, recordIngestProgress, releaseIngestJob, requeueAbandonedIngestJobs, type IngestJobRecord } from "./store.js";

export const HEARTBEAT_MS = 10_000;
/** A RUNNING job without a heartbeat for this long (shared PostgreSQL) is taken to have lost its process. */
const STALE_SECONDS = 120;
/** A job whose process died this many times is failed rather than run again. */
const MAX_ATTEMPTS = 3;
/** How often a server on a shared PostgreSQL looks for jobs queued elsewhere or abandoned. */
const POLL_MS = 30_000;

export interface IngestEvent {
  job: IngestJobRecord;
  outcome: "started" | "succeeded" | "failed" | "interrupted";
  report?: IngestReport;
  error?: { code: string; message: string };
  seconds?: number;
}

export interface IngestRunnerOptions {
  batchSize: number;
  /** Told of every job that starts and ends (the server logs them). */
  onEvent?: (event: IngestEvent) => void;
}

/** The code a failed job is reported with: what kind of failure, for scripts to switch on. */
export function ingestErrorCode(error: unknown): string {
  if (error instanceof CubeError && error.code === "CUBE_NO_SPACE") return "DISK_FULL";
  // node's fs, PGlite's file system and PostgreSQL's disk_full, through cause chains (errors/startup.ts).
  const cause = systemCauseOf(error)?.code;
  if (cause === "ENOSPC" || cause === "EDQUOT") return "DISK_FULL";
  if (cause === "EACCES" || cause === "EPERM" || cause === "EROFS") return "PERMISSION_DENIED";
  if (cause !== undefined) return "IO_ERROR";
  return "INGEST_FAILED";
}

export class IngestJobRunner {
  readonly runnerId = `${hostname()}:${process.pid}`;
  private readonly controller = new AbortController();
  private wanted = false;
  private draining: Promise<void> | null = null;
  private poll: NodeJS.Timeout | undefined;

  constructor(private readonly db: Database, private readonly cube: CubeStore, private readonly options: IngestRunnerOptions) {}

  /** Queues again what died with an earlier process, then runs what waits. */
  async start(): Promise<string[]> {
    const staleSeconds = this.db.kind === "pglite" ? 0 : STALE_SECONDS;
    const resumed = await requeueAbandonedIngestJobs(this.db.sql, staleSeconds, MAX_ATTEMPTS);
    if (this.db.kind !== "pglite") {
      this.poll = setInterval(() => {
        void requeueAbandonedIngestJobs(this.db.sql, STALE_SECONDS, MAX_ATTEMPTS).then(() => this.kick(), () => {});
      }, POLL_MS);
      this.poll.unref();
    }
    this.kick();
    return resumed;
  }

  /** Queues a job (its input already checked) and returns it, QUEUED. */
  async submit(input: IngestInput): Promise<IngestJobRecord> {
    const job = await createIngestJob(this.db.sql, input);
    this.kick();
    return job;
  }

  /** Resolves once no job is running or waiting in this process (tests). */
  async idle(): Promise<void> {
    while (this.draining) await this.draining;
  }

  /** Stops before the running job's next batch; the job is queued again and resumes at the next start. */
  async stop(): Promise<void> {
    clearInterval(this.poll);
    this.controller.abort(new Error("the server is stopping"));
    await this.draining;
  }

  private kick(): void {
    this.wanted = true;
    if (this.draining || this.controller.signal.aborted) return;
    this.draining = this.drain()
      .catch((error) => console.error("ingest jobs:", error))
      .finally(() => {
        this.draining = null;
      });
  }

  private async drain(): Promise<void> {
    while (this.wanted && !this.controller.signal.aborted) {
      this.wanted = false;
      for (;;) {
        if (this.controller.signal.aborted) return;
        const job = await claimIngestJob(this.db.sql, this.runnerId);
        if (!job) break;
        await this.run(job);
      }
    }
  }

  private async run(job: IngestJobRecord): Promise<void> {
    const { sql } = this.db;
    const started = Date.now();
    this.options.onEvent?.({ job, outcome: "started" });
    // Progress writes are chained (never two at once, never out of order) and throttled.
    let writes: Promise<void> = Promise.resolve();
    let last = { stage: "", done: 0, total: 0, at: 0 };
    const write = (stage: string, done: number, total: number) => {
      last = { stage, done, total, at: Date.now() };
      writes = writes.then(() => recordIngestProgress(sql, job.id, this.runnerId, stage, done, total)).catch(() => {});
    };
    const onProgress = (stage: string, done: number, total: number) => {
      if (stage !== last.stage || done === total || Date.now() - last.at >= 1000) write(stage, done, total);
    };
    const heartbeat = setInterval(() => write(last.stage || "starting", last.done, last.total), HEARTBEAT_MS);
    heartbeat.unref();
    const common = { cube: this.cube, batchSize: this.options.batchSize, onProgress, signal: this.controller.signal };
    try {
      const input = job.input;
      const report =
        input.source === "sdss"
          ? await ingestSdss(sql, { ...common, spectraDir: input.spectra, framesDir: input.frames, sfr: input.sfr })
          : await ingestHisscube(sql, { ...common, path: input.path });
      clearInterval(heartbeat);
      await writes;
      await finishIngestJob(sql, job.id, this.runnerId, { report });
      this.options.onEvent?.({ job, outcome: "succeeded", report, seconds: (Date.now() - started) / 1000 });
    } catch (error) {
      clearInterval(heartbeat);
      await writes;
      if (this.controller.signal.aborted) {
        // Back to the queue: the next server to start (or, on a shared PostgreSQL, to look) resumes it.
        await releaseIngestJob(sql, job.id, this.runnerId).catch(() => {});
        this.options.onEvent?.({ job, outcome: "interrupted", seconds: (Date.now() - started) / 1000 });
        return;
      }
      const failure = { code: ingestErrorCode(error), message: (error as Error)?.message || String(error) };
      await finishIngestJob(sql, job.id, this.runnerId, { errorCode: failure.code, error: failure.message });
      this.options.onEvent?.({ job, outcome: "failed", error: failure, seconds: (Date.now() - started) / 1000 });
    }
  }
}
