/**
 * Why a training run FAILED, as a code (`TrainingRun.errorCode`) and a
 * sentence safe to show anyone (`TrainingRun.error`):
 *
 * - `DISK_FULL`: a write found no space — PostgreSQL's SQLSTATE 53100
 *   disk_full (its data disk) or ENOSPC/EDQUOT from the file system. Training
 *   writes only to the database (the model, the predictions and the report,
 *   saved in one transaction), so nothing of the run was kept.
 * - `ABANDONED`: the process training it died (the heartbeat sweep).
 * - `STOPPED`: the process training it was stopped (SIGTERM: drain).
 * - `CUBE_UNREADABLE`: a shard of its galaxies does not hold the bytes the
 *   manifest recorded (or cannot be read); the message names the shard.
 *   Checked before training reads anything, as the server checks before it
 *   serves.
 * - `THREAD_CRASHED`: one of the worker threads a CNN trained on
 *   (TRAINING_THREADS > 1, data-parallel) died or threw, e.g. out of memory.
 * - `TRAINING_FAILED`: anything else (a bad input, a bug, a lost database
 *   connection — then the FAILED mark itself waits for the sweep: details
 *   in the log).
 */
import { systemCauseOf } from "../../errors/startup.js";
import { THREAD_CRASHED } from "../cnn/index.js";

export type TrainingFailureCode = "DISK_FULL" | "ABANDONED" | "STOPPED" | "CUBE_UNREADABLE" | "THREAD_CRASHED" | "TRAINING_FAILED";

export interface TrainingFailure {
  code: TrainingFailureCode;
  message: string;
}

/**
 * `stage`: what the run was doing ("saving the predictor and its
 * predictions"). Errors that carry a code (database and system errors) may
 * quote SQL or paths: `logDetails` gets them, the message does not.
 */
export function trainingFailureOf(error: Error & { code?: unknown }, stage: string, logDetails: (error: unknown) => void): TrainingFailure {
  // A crashed CNN thread (passed on from the worker thread, ./worker.ts) or a damaged shard (CubeError, found by the executor's check): their messages name a thread or a shard, never a path.
  if (error.code === THREAD_CRASHED || error.code === "CUBE_UNREADABLE") return { code: error.code as TrainingFailureCode, message: error.message };
  const cause = systemCauseOf(error);
  if (cause && (cause.code === "ENOSPC" || cause.code === "EDQUOT")) {
    logDetails(error);
    const where = cause.databaseServer ? "on the database server's disk (SQLSTATE 53100 disk_full)" : `(${cause.code})`;
    return { code: "DISK_FULL", message: `no space left ${where} while ${stage}; nothing of this run was saved; free some space and train again` };
  }
  if (error.code === undefined) return { code: "TRAINING_FAILED", message: error.message || String(error) };
  logDetails(error);
  return { code: "TRAINING_FAILED", message: "an internal error stopped the run (details in the server log); train again" };
}
