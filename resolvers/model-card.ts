/** A predictor and its run as the GraphQL ModelCard presents them. */
import type { PredictorRecord } from "../models/store/predictors.js";
import type { RunRecord } from "../models/store/runs.js";
import { APPLICABILITY_RULES, modelCardMarkdown } from "../models/training/model-card.js";
import { isClassification, TARGETS, targetOf } from "../models/training/target.js";
import type { ModelCard } from "../schema/ModelCard.js";
import { toTrainingRun } from "./training-run.js";

export function toModelCard(predictor: PredictorRecord, run: RunRecord | null, aliases: string[]): ModelCard {
  const shown = run ? toTrainingRun(run) : null;
  return {
    predicts: TARGETS[targetOf(predictor.spec)].predicts,
    unit: TARGETS[targetOf(predictor.spec)].unit,
    dataset: shown?.dataset ?? null,
    hyperparameters: run?.hyperparameters ?? null,
    chosenHyperparameters: shown?.chosenHyperparameters ?? null,
    metrics: shown?.metrics ?? null,
    cv: shown?.cv ?? null,
    // A classifier's calibration is its test ECE and reliability bins (TrainingRun.classification), not interval coverage.
    calibration: isClassification(predictor.spec) ? null : (predictor.domain?.calibration ?? null),
    trainedClasses: predictor.domain?.classes ?? [],
    redshiftDomainMin: predictor.domain?.redshift?.low ?? null,
    redshiftDomainMax: predictor.domain?.redshift?.high ?? null,
    applicabilityRules: APPLICABILITY_RULES,
    evaluation: shown?.evaluation ?? null,
    codeVersion: run?.codeVersion ?? null,
    backend: run?.backend ?? null,
    trainingSeconds: (run?.timings as { totalSeconds?: number } | null)?.totalSeconds ?? null,
    markdown: modelCardMarkdown(predictor, run, aliases),
  };
}
