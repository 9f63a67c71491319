/** From the GraphQL input to the domain's TrainInput (defaults filled in). */
import type { TrainInput } from "../models/training/input.js";
import { FeatureSet, PredictorKind } from "../schema/PredictorEnums.js";
import type { TrainPredictorInput } from "../schema/TrainPredictorInput.js";

/** Trees learn far better and faster from ENGINEERED features; a CNN reads RAW arrays. */
export function defaultFeatures(kind: TrainPredictorInput["kind"]): FeatureSet {
  return kind === PredictorKind.CNN ? FeatureSet.RAW : FeatureSet.ENGINEERED;
}

export function toTrainInput(input: TrainPredictorInput): TrainInput {
  const grid: Record<string, (number | string)[]> = {};
  for (const [name, values] of Object.entries(input.hyperparameters ?? {})) {
    if (values !== undefined && values !== null) grid[name] = values as (number | string)[];
  }
  return {
    name: input.name ?? null,
    kind: input.kind,
    modality: input.modality,
    features: input.features ?? defaultFeatures(input.kind),
    imageZoom: input.imageZoom,
    spectrumZoom: input.spectrumZoom,
    grid,
    folds: input.folds,
    seed: input.seed,
    labelFilter: {
      flag: input.labelFilter ? (input.labelFilter.flag ?? null) : 0,
      minAvg: input.labelFilter?.minAvg ?? null,
      maxAvg: input.labelFilter?.maxAvg ?? null,
    },
    fusionWeighting: input.fusionWeighting,
    ...(input.excludeBlended ? { excludeBlended: true } : {}),
  };
}
