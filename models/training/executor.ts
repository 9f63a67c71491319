/**
 * Runs one queued training run in this process: claims it (QUEUED →
 * RUNNING), loads its galaxies, trains in a worker thread while relaying
 * progress (which doubles as the heartbeat and the cancellation check), and
 * saves the predictor, its predictions and the report in one transaction —
 * or marks the run FAILED with the reason.
 */
import { Worker } from "node:worker_threads";
import type { Database } from "../../db/database.js";
import { saveTrainedPredictor } from "../store/predictors.js";
import { claimRun, failRun, reportProgress } from "../store/runs.js";
import { loadTrainingGalaxies } from "../store/training-set.js";
import type { TrainInput } from "./input.js";
import type { Progress, TrainingGalaxies, TrainingOutcome } from "./pipeline.js";

const PROGRESS_EVERY_MS = 500;
const HEARTBEAT_EVERY_MS = 3000;

export class TrainingExecutor {
  private readonly active = new Map<string, Worker>();

  /** `threads`: cores a run may use (the server leaves one for serving). */
  constructor(private readonly db: Database, private readonly cubePath: string, readonly workerName: string, private readonly threads?: number) {}

  /** Runs currently training in this process. */
  get running(): string[] {
    return [...this.active.keys()];
  }

  async execute(runId: string): Promise<void> {
    const sql = this.db.sql;
    const input = await claimRun(sql, runId, this.workerName);
    if (!input) return;
    const started = Date.now();
    try {
      const galaxies = await loadTrainingGalaxies(sql, input);
      const loaded = Date.now();
      const outcome = await this.inWorker(runId, input, galaxies);
      const trained = Date.now();
      const name = input.name ?? `${input.kind} ${input.modality} ${input.features} (run ${runId})`;
      const spec = { kind: input.kind, modality: input.modality, features: input.features, imageZoom: input.imageZoom, spectrumZoom: input.spectrumZoom };
      await saveTrainedPredictor(sql, runId, name, spec, { ...outcome, model: Buffer.from(outcome.model) }, galaxies.ids, {
        loadSeconds: (loaded - started) / 1000,
        trainSeconds: (trained - loaded) / 1000,
        saveSeconds: (Date.now() - trained) / 1000,
        totalSeconds: (Date.now() - started) / 1000,
      });
    } catch (error) {
      const e = error as Error & { cancelled?: boolean };
      // A cancelled run is already CANCELLED; failRun only touches unfinished runs.
      if (!e.cancelled) await failRun(sql, runId, e.message || String(e)).catch(() => {});
    }
  }

  /** Asks a run training here to stop (it has been marked CANCELLED). */
  cancel(runId: string): void {
    this.active.get(runId)?.postMessage({ type: "cancel" });
  }

  /** Stops every run training here, marking it FAILED with the reason. */
  async stop(reason = "the server stopped during training; train again"): Promise<void> {
    const ids = this.running;
    await Promise.all(ids.map(async (id) => {
      await this.active.get(id)?.terminate();
      await failRun(this.db.sql, id, reason).catch(() => {});
    }));
  }

  private inWorker(runId: string, input: TrainInput, galaxies: TrainingGalaxies): Promise<TrainingOutcome> {
    const worker = new Worker(new URL("./worker.js", import.meta.url), { workerData: { input, galaxies, cubePath: this.cubePath, threads: this.threads } });
    this.active.set(runId, worker);
    let last: Progress & { backend?: string } = { progress: 0, stage: "starting" };
    let lastWrite = 0;
    const write = async () => {
      lastWrite = Date.now();
      const status = await reportProgress(this.db.sql, runId, last).catch(() => null);
      if (status === "CANCELLED") worker.postMessage({ type: "cancel" });
    };
    const heartbeat = setInterval(() => void write(), HEARTBEAT_EVERY_MS);
    return new Promise<TrainingOutcome>((resolve, reject) => {
      let settled = false;
      const finish = (f: () => void) => {
        if (settled) return;
        settled = true;
        clearInterval(heartbeat);
        this.active.delete(runId);
        f();
      };
      worker.on("message", (message: { type: string } & Record<string, unknown>) => {
        if (message.type === "progress") {
          last = message as unknown as Progress;
          if (Date.now() - lastWrite >= PROGRESS_EVERY_MS) void write();
        } else if (message.type === "done") {
          finish(() => resolve(message.outcome as TrainingOutcome));
        } else if (message.type === "failed") {
          finish(() => reject(Object.assign(new Error(String(message.message)), { cancelled: Boolean(message.cancelled) })));
        }
      });
      worker.on("error", (error) => finish(() => reject(error)));
      worker.on("exit", (code) => finish(() => reject(Object.assign(new Error(`the training worker exited (code ${code})`), { cancelled: false }))));
    }).finally(() => void worker.terminate());
  }
}
