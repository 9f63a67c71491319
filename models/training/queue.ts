/**
 * Where queued runs wait. Two implementations of one interface:
 *
 * - LocalQueue: this process trains runs one at a time, in order. Used with
 *   the embedded PGlite (one session, one process). At start, runs left
 *   RUNNING are marked FAILED (their process is gone) and QUEUED runs resume.
 * - PgBossQueue: a pg-boss queue in the PostgreSQL database, so several
 *   server and `npm run worker` processes share the work. At start and then
 *   every few seconds, every process sweeps: RUNNING runs whose heartbeat is
 *   older than `staleSeconds` (TRAINING_STALE_S) are marked FAILED, and the
 *   pg-boss job of a finished run that is still `active` (its worker died
 *   with it) is failed, so no job outlives its run.
 *
 * Retry policy: a training job is never retried (retryLimit 0). A run whose
 * process died is FAILED with the reason and trained again on request: the
 * same input would likely kill the next worker the same way (memory), and a
 * run's report must describe one attempt.
 */
import PgBoss from "pg-boss";
import type { Database } from "../../db/database.js";
import { failAbandonedRuns, queuedRunIds } from "../store/runs.js";
import { HEARTBEAT_EVERY_MS, type TrainingExecutor } from "./executor.js";

export const TRAINING_QUEUE = "train-predictor";
/** The PostgreSQL schema of pg-boss's tables. */
const BOSS_SCHEMA = "pgboss";
/** A heartbeat older than this (20 missed beats) means the process training the run is gone (TRAINING_STALE_S). */
export const DEFAULT_STALE_SECONDS = Math.round((20 * HEARTBEAT_EVERY_MS) / 1000);
/** A job whose run finished this long ago and is still active has lost its worker (a live one completes it at once). */
const JOB_GRACE_SECONDS = 30;
/** pg-boss fails a job after this; a run may not train longer (pg-boss 10 caps expiry below 24 h). */
export const MAX_RUN_SECONDS = 23 * 3600;

export interface TrainingQueue {
  readonly kind: "local" | "pg-boss";
  /** Runs the jobs this process takes (tests reach its testGate through it). */
  readonly executor: TrainingExecutor;
  start(): Promise<void>;
  enqueue(runId: string): Promise<void>;
  /** Tells the process training `runId`, if it is this one, to stop. */
  cancel(runId: string): void;
  /** Resolves when every run queued so far in this process has finished (tests). */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

export class LocalQueue implements TrainingQueue {
  readonly kind = "local";
  private tail: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(private readonly db: Database, readonly executor: TrainingExecutor, private readonly staleSeconds = DEFAULT_STALE_SECONDS) {}

  async start(): Promise<void> {
    // PGlite has one process: every RUNNING run is abandoned. A PostgreSQL
    // database may be shared by other servers: only stale heartbeats are.
    await failAbandonedRuns(this.db.sql, this.db.kind === "pglite" ? 0 : this.staleSeconds);
    for (const id of await queuedRunIds(this.db.sql)) await this.enqueue(id);
  }

  async enqueue(runId: string): Promise<void> {
    this.tail = this.tail.then(async () => {
      if (!this.stopped) await this.executor.execute(runId).catch((e) => console.error(`training run ${runId}:`, e));
    });
  }

  cancel(runId: string): void {
    this.executor.cancel(runId);
  }

  idle(): Promise<void> {
    return this.tail;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.executor.stop();
  }
}



export class PgBossQueue implements TrainingQueue {
  readonly kind = "pg-boss";
  private readonly boss: PgBoss;
  private readonly inFlight = new Set<Promise<void>>();
  private sweep: NodeJS.Timeout | undefined;

  /** `work`: whether this process trains (the server may leave it to `npm run worker`). */
  constructor(
    private readonly db: Database,
    readonly executor: TrainingExecutor,
    private readonly work: boolean,
    private readonly staleSeconds = DEFAULT_STALE_SECONDS,
  ) {
    if (!db.url) throw new Error("the pg-boss queue needs a PostgreSQL URL");
    this.boss = new PgBoss({ connectionString: db.url, schema: BOSS_SCHEMA, max: 2, application_name: "skycube-jobs" } as PgBoss.ConstructorOptions);
    this.boss.on("error", (error) => console.error("job queue:", error.message));
  }

  async start(): Promise<void> {
    await this.boss.start();
    await this.boss.createQueue(TRAINING_QUEUE, { name: TRAINING_QUEUE, retryLimit: 0, expireInSeconds: MAX_RUN_SECONDS });
    await this.sweepOnce();
    // A worker may die while the others live on: every process sweeps now and then,
    // so a dead worker's run is FAILED within staleSeconds + a third of it.
    const every = Math.min(30_000, Math.max(1000, (this.staleSeconds * 1000) / 3));
    this.sweep = setInterval(() => void this.sweepOnce().catch((e) => console.error("job queue sweep:", (e as Error).message)), every);
    this.sweep.unref();
    if (this.work) {
      await this.boss.work<{ runId: string }>(TRAINING_QUEUE, { batchSize: 1, pollingIntervalSeconds: 1 }, async ([job]) => {
        const running = this.executor.execute(job.data.runId);
        this.inFlight.add(running);
        try {
          await running;
        } finally {
          this.inFlight.delete(running);
        }
      });
    }
  }

  /**
   * Fails RUNNING runs whose heartbeat is stale, then the pg-boss jobs still
   * `active` of finished runs: at once for the runs just failed (their worker
   * is gone), after JOB_GRACE_SECONDS for the others (a live worker completes
   * its job right after finishing the run). A job `active` for longer than
   * `staleSeconds` whose run is still QUEUED lost its worker between fetching
   * and claiming it (a live one claims at once): it is failed and the run
   * queued again, which is safe, since the run never started (claiming is
   * conditional, so a run is trained once even if two sweeps re-queue it).
   * Returns the runs failed.
   */
  async sweepOnce(): Promise<string[]> {
    const sql = this.db.sql;
    const failed = await failAbandonedRuns(sql, this.staleSeconds);
    const jobs = await sql`
      SELECT j.id, r.id AS run_id, r.status FROM ${sql(BOSS_SCHEMA)}.job j JOIN training_runs r ON r.id::text = j.data->>'runId'
      WHERE j.name = ${TRAINING_QUEUE} AND j.state = 'active' AND (
        (r.status IN ('SUCCEEDED', 'FAILED', 'CANCELLED')
          AND (r.id::text = ANY(${failed}::text[]) OR r.finished_at < now() - make_interval(secs => ${JOB_GRACE_SECONDS})))
        OR (r.status = 'QUEUED' AND j.started_on < now() - make_interval(secs => ${this.staleSeconds})))`;
    for (const job of jobs) {
      if (job.status === "QUEUED") {
        await this.boss.fail(TRAINING_QUEUE, String(job.id), { message: "the process that took it stopped before starting the run; the run is queued again" });
        await this.enqueue(String(job.run_id));
      } else {
        await this.boss.fail(TRAINING_QUEUE, String(job.id), { message: "the process working on it stopped; its run is finished (FAILED or CANCELLED)" });
      }
    }
    return failed;
  }

  async enqueue(runId: string): Promise<void> {
    await this.boss.send(TRAINING_QUEUE, { runId }, { retryLimit: 0, expireInSeconds: MAX_RUN_SECONDS });
  }

  cancel(runId: string): void {
    this.executor.cancel(runId);
  }

  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all(this.inFlight);
  }

  async stop(): Promise<void> {
    clearInterval(this.sweep);
    await this.executor.stop();
    await this.boss.stop({ graceful: false, close: true, wait: true, timeout: 5000 });
  }
}
