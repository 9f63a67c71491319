/**
 * Where queued runs wait. Two implementations of one interface:
 *
 * - LocalQueue: this process trains runs one at a time, in order. Used with
 *   the embedded PGlite (one session, one process). At start, runs left
 *   RUNNING are marked FAILED (their process is gone) and QUEUED runs resume.
 * - PgBossQueue: a pg-boss queue in the PostgreSQL database, so several
 *   server and `npm run worker` processes share the work. At start, RUNNING
 *   runs whose heartbeat is stale are marked FAILED.
 */
import PgBoss from "pg-boss";
import type { Database } from "../../db/database.js";
import { failAbandonedRuns, queuedRunIds } from "../store/runs.js";
import { HEARTBEAT_EVERY_MS, type TrainingExecutor } from "./executor.js";

export const TRAINING_QUEUE = "train-predictor";
/** A heartbeat older than this (20 missed beats) means the process training the run is gone. */
const STALE_SECONDS = Math.round((20 * HEARTBEAT_EVERY_MS) / 1000);
/** How often every pg-boss process looks for runs whose process is gone. */
const SWEEP_EVERY_MS = 30_000;
/** pg-boss fails a job after this; a run may not train longer (pg-boss 10 caps expiry below 24 h). */
export const MAX_RUN_SECONDS = 23 * 3600;

export interface TrainingQueue {
  readonly kind: "local" | "pg-boss";
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

  constructor(private readonly db: Database, private readonly executor: TrainingExecutor) {}

  async start(): Promise<void> {
    // PGlite has one process: every RUNNING run is abandoned. A PostgreSQL
    // database may be shared by other servers: only stale heartbeats are.
    await failAbandonedRuns(this.db.sql, this.db.kind === "pglite" ? 0 : STALE_SECONDS);
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
  constructor(private readonly db: Database, private readonly executor: TrainingExecutor, private readonly work: boolean) {
    if (!db.url) throw new Error("the pg-boss queue needs a PostgreSQL URL");
    this.boss = new PgBoss({ connectionString: db.url, schema: "pgboss", max: 2, application_name: "skycube-jobs" } as PgBoss.ConstructorOptions);
    this.boss.on("error", (error) => console.error("job queue:", error.message));
  }

  async start(): Promise<void> {
    await this.boss.start();
    await this.boss.createQueue(TRAINING_QUEUE, { name: TRAINING_QUEUE, retryLimit: 0, expireInSeconds: MAX_RUN_SECONDS });
    await failAbandonedRuns(this.db.sql, STALE_SECONDS);
    // A worker may die while the others live on: every process sweeps now and then.
    this.sweep = setInterval(() => void failAbandonedRuns(this.db.sql, STALE_SECONDS).catch(() => {}), SWEEP_EVERY_MS);
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
