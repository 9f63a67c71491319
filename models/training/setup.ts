/** Builds the model side of a process: executor, queue and service, as the settings say. */
import { availableParallelism, hostname } from "node:os";
import type { Settings } from "../../config/settings.js";
import { codeVersion } from "../../config/version.js";
import type { CubeStore } from "../../cube/cube-store.js";
import type { Database } from "../../db/database.js";
import { silentLog, type EventLog } from "../../types/event-log.js";
import { TrainingExecutor } from "./executor.js";
import { LocalQueue, PgBossQueue, type TrainingQueue } from "./queue.js";
import { TrainingService } from "./service.js";

export function queueKind(settings: Settings, db: Database): "local" | "pg-boss" {
  if (settings.trainingQueue === "pg-boss" && db.kind !== "postgres") {
    throw new Error("TRAINING_QUEUE=pg-boss needs DATABASE_URL (a PostgreSQL server); the embedded PGlite trains in the server process (TRAINING_QUEUE=local)");
  }
  if (settings.trainingQueue === "auto") return db.kind === "postgres" ? "pg-boss" : "local";
  return settings.trainingQueue as "local" | "pg-boss";
}

/**
 * `serving`: the process also answers HTTP, so training leaves it one core
 * (training must not starve serving); a standalone worker uses them all.
 */
export function makeQueue(settings: Settings, db: Database, cubePath: string, work: boolean, serving: boolean, version = codeVersion(), log: EventLog = silentLog): TrainingQueue {
  const cores = availableParallelism();
  const threads = settings.trainingThreads || (serving ? Math.max(1, cores - 1) : cores);
  const executor = new TrainingExecutor(db, cubePath, `${hostname()}:${process.pid}`, version, threads, log);
  const stale = settings.trainingStaleS;
  return queueKind(settings, db) === "pg-boss" ? new PgBossQueue(db, executor, work, stale) : new LocalQueue(db, executor, stale);
}

export async function startTraining(settings: Settings, db: Database, cube: CubeStore, cubePath: string, log: EventLog = silentLog): Promise<TrainingService> {
  const version = codeVersion();
  const queue = makeQueue(settings, db, cubePath, settings.trainInServer === "true", true, version, log);
  try {
    await queue.start();
  } catch (error) {
    await queue.stop().catch(() => {});
    throw error;
  }
  return new TrainingService(db, cube, queue, { maxGridPoints: settings.maxGridPoints }, version);
}
