import type { PredictorRecord } from "../models/store/predictors.js";
import type { Predictor } from "../schema/Predictor.js";

export function toPredictor(record: PredictorRecord): Predictor {
  return {
    id: record.id,
    name: record.name,
    version: record.version,
    kind: record.spec.kind as Predictor["kind"],
    modality: record.spec.modality as Predictor["modality"],
    features: record.spec.features as Predictor["features"],
    imageZoom: record.spec.imageZoom,
    spectrumZoom: record.spec.spectrumZoom,
    createdAt: record.createdAt,
    runId: record.runId,
  };
}
