/** From the GraphQL input to the domain's TrainInput (defaults filled in). */
import { UserInputError } from "../errors/codes.js";
import type { TrainInput } from "../models/training/input.js";
import { learners } from "../models/training/learners.js";
import { fieldOf } from "../schema/Hyperparameters.js";
import { CnnFusion, type FeatureSet } from "../schema/PredictorEnums.js";
import type { TrainPredictorInput } from "../schema/TrainPredictorInput.js";

/** The registry's default: trees learn far better and faster from ENGINEERED features; a CNN reads RAW arrays. */
export function defaultFeatures(kind: TrainPredictorInput["kind"]): FeatureSet {
  return learners[kind].defaultFeatures as FeatureSet;
}

/**
 * The grid as lists per parameter, and how the request named it (for the
 * problems): the typed `grid` (one learner's input, which must be the run's
 * kind) or the deprecated flat `hyperparameters`.
 */
function gridOf(input: TrainPredictorInput): { grid: Record<string, (number | string)[]>; argument: string } {
  if (input.grid && input.hyperparameters) {
    throw new UserInputError([{ argument: "input.hyperparameters", message: "give either grid or the deprecated hyperparameters, not both" }]);
  }
  const grid: Record<string, (number | string)[]> = {};
  let argument = "input.hyperparameters";
  let given: Record<string, unknown> = input.hyperparameters ?? {};
  if (input.grid) {
    const chosen = Object.entries(input.grid).filter(([, v]) => v !== undefined && v !== null);
    // graphql-js enforces @oneOf (exactly one non-null field); this is the kind check it cannot do.
    const [field, values] = chosen[0] ?? [];
    if (field !== fieldOf(input.kind)) {
      throw new UserInputError([{ argument: `input.grid.${field}`, message: `is the grid of another learner; kind ${input.kind} takes ${Object.keys(learners[input.kind].parameters).length ? `grid.${fieldOf(input.kind)}` : "no grid"}` }]);
    }
    argument = `input.grid.${field}`;
    given = values as Record<string, unknown>;
  }
  for (const [name, values] of Object.entries(given)) {
    if (values !== undefined && values !== null) grid[name] = values as (number | string)[];
  }
  return { grid, argument };
}

export function toTrainInput(input: TrainPredictorInput): { input: TrainInput; gridArgument: string } {
  const { grid, argument } = gridOf(input);
  return {
    gridArgument: argument,
    input: {
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
      // Only when GATED, so a CONCAT run's stored input is what it was before the option.
      ...(input.fusion === CnnFusion.GATED ? { fusion: "GATED" as const } : {}),
      ...(input.excludeBlended ? { excludeBlended: true } : {}),
      // Only when not SFR (and class weights only when given), so an SFR run's stored input is what it was before targets.
      ...(input.target && input.target !== "SFR" ? { target: input.target } : {}),
      ...(input.classWeights ? { classWeights: input.classWeights } : {}),
    },
  };
}
