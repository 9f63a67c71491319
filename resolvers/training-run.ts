/** A stored run as the GraphQL TrainingRun type presents it. */
import type { RunRecord } from "../models/store/runs.js";
import type { TrainingRun } from "../schema/TrainingRun.js";
import { toPredictorSpec } from "./predictor.js";
import type { LearnerKind } from "../models/learner.js";
import { memberHyperparameters, typedHyperparameters } from "../schema/Hyperparameters.js";

export function toTrainingRun(run: RunRecord): TrainingRun {
  const input = run.input;
  const kind = input.kind as LearnerKind;
  const split = run.split as { seed: number; train: string[]; validation: string[]; test: string[] } | null;
  const stored = run.metrics as (TrainingRun["metrics"] & { members?: TrainingRun["members"]; noiseVariance?: number; fusionWeights?: TrainingRun["fusionWeights"]; classification?: TrainingRun["classification"] }) | null;
  // A classifier's report holds its classification metrics and no regression metrics.
  const classification = stored?.classification ?? null;
  const metrics = classification ? null : stored;
  const timings = (run.timings ?? {}) as Record<string, number>;
  return {
    id: run.id,
    status: run.status as TrainingRun["status"],
    progress: run.progress,
    stage: run.stage,
    iteration: run.iteration,
    spec: toPredictorSpec(input),
    kind: input.kind as TrainingRun["kind"],
    modality: input.modality as TrainingRun["modality"],
    features: input.features as TrainingRun["features"],
    imageZoom: input.imageZoom,
    spectrumZoom: input.spectrumZoom,
    folds: input.folds,
    seed: input.seed,
    fusionWeighting: input.fusionWeighting as TrainingRun["fusionWeighting"],
    fusion: input.kind === "CNN" && input.modality === "EARLY_FUSION" ? ((input.fusion ?? "CONCAT") as TrainingRun["fusion"]) : null,
    fusionWeights: run.status === "SUCCEEDED" ? (stored?.fusionWeights ?? null) : null,
    input: input as unknown as Record<string, unknown>,
    backend: run.backend,
    hyperparameters: run.hyperparameters,
    chosenHyperparameters: memberHyperparameters(kind, run.hyperparameters),
    grid:
      (run.grid as { member: string; hyperparameters: Record<string, unknown>; cv: never }[] | null)?.map((g) => ({
        ...g,
        parameters: typedHyperparameters(kind, g.hyperparameters),
        cv: classification ? ({ folds: (g.cv as { folds: number }).folds } as never) : g.cv,
        classificationCv: classification ? g.cv : null,
      })) ?? null,
    curves: run.curves as TrainingRun["curves"],
    metrics: metrics,
    cv: classification ? null : (run.cv as TrainingRun["cv"]),
    classification,
    classificationCv: classification ? (run.cv as unknown as TrainingRun["classificationCv"]) : null,
    members: metrics?.members ?? null,
    noiseVariance: metrics?.noiseVariance ?? null,
    evaluation: run.evaluation as unknown as TrainingRun["evaluation"],
    dataset: run.dataset as unknown as TrainingRun["dataset"],
    split: split && { ...split, trainCount: split.train.length, validationCount: split.validation.length, testCount: split.test.length },
    timings: {
      loadSeconds: timings.loadSeconds ?? null,
      trainSeconds: timings.trainSeconds ?? null,
      saveSeconds: timings.saveSeconds ?? null,
      totalSeconds: timings.totalSeconds ?? null,
      queuedAt: run.queuedAt,
      startedAt: run.startedAt,
      finishedAt: run.finishedAt,
    },
    codeVersion: run.codeVersion,
    error: run.error,
    errorCode: run.status === "FAILED" ? (run.errorCode ?? "TRAINING_FAILED") : null,
    predictorId: run.predictorId,
  };
}
