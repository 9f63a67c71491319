/**
 * Runs one queued training run in this process: claims it (QUEUED →
 * RUNNING), loads its galaxies, trains in a worker thread while relaying
 * progress, and saves the predictor, its predictions and the report in one
 * transaction — or marks the run FAILED with the reason. A heartbeat runs
 * from claim to save; a heartbeat that finds the run no longer RUNNING
 * (cancelled, or failed by a sweep) stops the worker.
 */
import { Worker } from "node:worker_threads";
import type { Database } from "../../db/database.js";
import { silentLog, type EventLog } from "../../types/event-log.js";
import { saveTrainedPredictor } from "../store/predictors.js";
import { claimRun, failRun, reportProgress } from "../store/runs.js";
import { loadTrainingGalaxies } from "../store/training-set.js";
import { sourceCounts } from "../store/source-counts.js";
import { openCube, type CubeStore } from "../../cube/cube-store.js";
import { manifestDigests } from "../../cube/manifest.js";
import { describeDataset } from "./dataset.js";
import { trainingFailureOf } from "./failure.js";
import { defaultPredictorName, type TrainInput } from "./input.js";
import type { IterationGate } from "./iteration-gate.js";
import { modelSpec, type LearningCurve, type Progress, type TrainingGalaxies, type TrainingOutcome } from "./pipeline.js";

const PROGRESS_EVERY_MS = 500;
export const HEARTBEAT_EVERY_MS = 3000;

/** A run this process has claimed: its last progress, and its worker thread while training. */
interface Claimed {
  last: Progress;
  worker?: Worker;
  backend?: string;
  /** Live learning curves per member and fold (of the grid point being fitted), written with the progress. */
  curves: Map<string, LearningCurve>;
}

/** Adds a progress message's curve point; a fold whose iterations restart (next grid point) starts a new curve. */
function addCurvePoint(claim: Claimed, point: NonNullable<Progress["point"]>): void {
  const key = `${point.member}/${point.fold}`;
  let curve = claim.curves.get(key);
  if (!curve || point.iteration <= (curve.iteration.at(-1) ?? -Infinity)) {
    curve = { member: point.member, fold: point.fold, iteration: [], train: [], validation: [] };
    claim.curves.set(key, curve);
  }
  curve.iteration.push(point.iteration);
  curve.train.push(point.train);
  curve.validation.push(point.validation);
}

export class TrainingExecutor {
  private readonly claimed = new Map<string, Claimed>();
  /**
   * This process's cube, checked against the manifest: a run's shards are
   * verified here before its worker thread reads them (the worker holds no
   * database), and the verdicts, kept per file while it is unchanged, serve
   * every later run instead of hashing the cube again for each.
   */
  private cube: Promise<CubeStore> | undefined;
  /** Tests only: runs started while it is set pause between iterations as it says (./iteration-gate.ts). */
  testGate: IterationGate | null = null;

  /** `threads`: cores a run may use (the server leaves one for serving). */
  constructor(
    private readonly db: Database,
    private readonly cubePath: string,
    readonly workerName: string,
    private readonly codeVersion: string,
    private readonly threads?: number,
    private readonly log: EventLog = silentLog,
  ) {}

  /** Runs this process has claimed and not finished. */
  get running(): string[] {
    return [...this.claimed.keys()];
  }

  async execute(runId: string): Promise<void> {
    const sql = this.db.sql;
    let input: TrainInput | null;
    try {
      input = await claimRun(sql, runId, this.workerName, this.codeVersion);
    } catch (error) {
      await failRun(sql, runId, `could not start: ${(error as Error).message}`).catch(() => {});
      return;
    }
    if (!input) return;
    const claim: Claimed = { last: { progress: 0, stage: "loading galaxies" }, curves: new Map() };
    this.claimed.set(runId, claim);
    const heartbeat = setInterval(() => void this.beat(runId, claim), HEARTBEAT_EVERY_MS);
    const started = Date.now();
    // One log line per run, however it ends.
    const ended: { status: string; error?: string; errorCode?: string } = { status: "FAILED" };
    try {
      const galaxies = await loadTrainingGalaxies(sql, input);
      // A damaged shard fails the run here with CUBE_UNREADABLE naming it, before anything is trained.
      await (await this.verifiedCube()).verify(galaxies.cubeShards);
      if (input.excludeBlended) await this.dropBlended(galaxies);
      const loaded = Date.now();
      const outcome = await this.inWorker(runId, claim, input, galaxies);
      const trained = Date.now();
      claim.last = { progress: 0.99, stage: "saving the predictor and its predictions" };
      const name = input.name ?? defaultPredictorName(input);
      const spec = { kind: input.kind, ...modelSpec(input), ...(outcome.classification ? { classes: outcome.classification.classes } : {}) };
      const saved = await saveTrainedPredictor(sql, runId, name, spec, { ...outcome, model: Buffer.from(outcome.model) }, galaxies.ids, () => ({
        loadSeconds: (loaded - started) / 1000,
        trainSeconds: (trained - loaded) / 1000,
        saveSeconds: (Date.now() - trained) / 1000,
        totalSeconds: (Date.now() - started) / 1000,
      }), { ...describeDataset(input, galaxies) });
      if (saved === null) console.error(`training run ${runId}: trained, but no longer RUNNING (cancelled or failed meanwhile); nothing saved`);
      Object.assign(ended, saved === null ? { status: "NOT_SAVED", error: "no longer RUNNING when saved (cancelled or failed meanwhile)" } : { status: "SUCCEEDED" });
    } catch (error) {
      const e = error as Error & { cancelled?: boolean; code?: unknown };
      // A cancelled run is already CANCELLED; failRun only touches unfinished runs.
      if (e.cancelled) ended.status = "CANCELLED";
      else {
        const failure = trainingFailureOf(e, claim.last.stage || "training", (details) => console.error(`training run ${runId}:`, details));
        Object.assign(ended, { error: failure.message, errorCode: failure.code });
        await failRun(sql, runId, failure.message, failure.code).catch(() => {});
      }
    } finally {
      clearInterval(heartbeat);
      this.claimed.delete(runId);
      const line = { event: "training run", runId, kind: input.kind, modality: input.modality, features: input.features, worker: this.workerName, durationS: (Date.now() - started) / 1000, ...ended };
      if (ended.status === "FAILED") this.log.warn(line, "training run");
      else this.log.info(line, "training run");
    }
  }

  /**
   * excludeBlended: labelled galaxies whose cutout holds more than one source
   * lose their label for this run (not trained or evaluated on; still
   * predicted). Counts missing in the catalogue are computed and stored first.
   */
  private async dropBlended(galaxies: TrainingGalaxies): Promise<void> {
    const labelled = galaxies.ids.filter((_, i) => Number.isFinite(galaxies.label[i]));
    const counts = await sourceCounts(this.db.sql, await this.verifiedCube(), labelled);
    galaxies.ids.forEach((id, i) => {
      if ((counts.get(id) ?? 0) > 1) galaxies.label[i] = NaN;
    });
  }

  private verifiedCube(): Promise<CubeStore> {
    return (this.cube ??= openCube(this.cubePath, { digests: manifestDigests(this.db.sql) }));
  }

  /** Writes progress and the heartbeat; a run no longer RUNNING is told to stop. */
  private async beat(runId: string, claim: Claimed): Promise<void> {
    const { progress, stage, iteration } = claim.last;
    const curves = claim.curves.size > 0 ? [...claim.curves.values()] : undefined;
    const status = await reportProgress(this.db.sql, runId, { progress, stage, iteration, backend: claim.backend, curves }).catch(() => "unknown" as const);
    if (status === null) claim.worker?.postMessage({ type: "cancel" });
  }

  /** Asks a run training here to stop (it has been marked CANCELLED). */
  cancel(runId: string): void {
    this.claimed.get(runId)?.worker?.postMessage({ type: "cancel" });
  }

  /** Stops every run claimed here (loading, training or saving), marking it FAILED with the reason. */
  async stop(reason = "the server stopped during training; train again"): Promise<void> {
    await Promise.all(
      this.running.map(async (id) => {
        await this.claimed.get(id)?.worker?.terminate();
        await failRun(this.db.sql, id, reason, "STOPPED").catch(() => {});
      }),
    );
    const cube = this.cube;
    this.cube = undefined;
    (await cube?.catch(() => undefined))?.close();
  }

  private inWorker(runId: string, claim: Claimed, input: TrainInput, galaxies: TrainingGalaxies): Promise<TrainingOutcome> {
    const worker = new Worker(new URL("./worker.js", import.meta.url), { workerData: { input, galaxies, cubePath: this.cubePath, threads: this.threads, gate: this.testGate?.buffer } });
    claim.worker = worker;
    let lastWrite = 0;
    return new Promise<TrainingOutcome>((resolve, reject) => {
      let settled = false;
      const finish = (f: () => void) => {
        if (settled) return;
        settled = true;
        claim.worker = undefined;
        f();
      };
      worker.on("message", (message: { type: string } & Record<string, unknown>) => {
        if (message.type === "progress") {
          const p = message as unknown as Progress;
          claim.last = p;
          if (p.backend) claim.backend = p.backend;
          if (p.point) addCurvePoint(claim, p.point);
          if (Date.now() - lastWrite >= PROGRESS_EVERY_MS) {
            lastWrite = Date.now();
            void this.beat(runId, claim);
          }
        } else if (message.type === "done") {
          finish(() => resolve(message.outcome as TrainingOutcome));
        } else if (message.type === "failed") {
          const code = typeof message.code === "string" ? { code: message.code } : {};
          finish(() => reject(Object.assign(new Error(String(message.message)), { cancelled: Boolean(message.cancelled), ...code })));
        }
      });
      worker.on("error", (error) => finish(() => reject(error)));
      worker.on("exit", (code) => finish(() => reject(Object.assign(new Error(`the training worker exited (code ${code})`), { cancelled: false }))));
    }).finally(() => void worker.terminate());
  }
}
