import type { PredictorRecord } from "../models/store/predictors.js";
import { CLASS_NAMES, TARGETS, targetOf, type Target } from "../models/training/target.js";
import type { Predictor } from "../schema/Predictor.js";
import type { PredictorSpec } from "../schema/PredictorSpec.js";

/** The spec of a predictor or of the run that trains it (a run's validated input, a predictor's stored spec). */
export function toPredictorSpec(s: { kind: string; modality: string; features: string; imageZoom: number; spectrumZoom: number; target?: Target; classes?: string[] }): PredictorSpec {
  const target = targetOf(s);
  return {
    kind: s.kind as PredictorSpec["kind"],
    modality: s.modality as PredictorSpec["modality"],
    features: s.features as PredictorSpec["features"],
    imageZoom: s.imageZoom,
    spectrumZoom: s.spectrumZoom,
    target: TARGETS[target].predicts,
    unit: TARGETS[target].unit,
    targetKind: target as PredictorSpec["targetKind"],
    classes: TARGETS[target].task === "classification" ? (s.classes ?? [...CLASS_NAMES]) : null,
  };
}

export function toPredictor(record: PredictorRecord): Predictor {
  return {
    id: record.id,
    name: record.name,
    version: record.version,
    spec: toPredictorSpec(record.spec),
    kind: record.spec.kind as Predictor["kind"],
    modality: record.spec.modality as Predictor["modality"],
    features: record.spec.features as Predictor["features"],
    imageZoom: record.spec.imageZoom,
    spectrumZoom: record.spec.spectrumZoom,
    createdAt: record.createdAt,
    runId: record.runId,
  };
}
