/**
 * A training request as the domain sees it (the GraphQL input, defaults
 * filled in, every problem collected), and its hyperparameter grid.
 */
import { imageSize, spectrumBins, ZOOM_LEVELS } from "../../cube/zoom.js";
import { BAND_COUNT } from "../../cube/layout.js";
import { MAX_RIDGE_COLUMNS } from "../linear/index.js";
import { partsOf, type FeatureKind, type FeatureSpec, type Modality } from "../features/feature-set.js";
import { nameProblem } from "../store/registry.js";

import type { Hyperparameters, LearnerKind } from "../learner.js";
export type { Hyperparameters, LearnerKind };
export type FusionWeighting = "EQUAL" | "VALIDATION";

export interface LabelFilter {
  /** Keep only this MPA-JHU FLAG; null keeps any flag. */
  flag: number | null;
  minAvg: number | null;
  maxAvg: number | null;
}

export interface TrainInput extends FeatureSpec {
  name: string | null;
  kind: LearnerKind;
  /** Lists of values per hyperparameter; the grid is their Cartesian product. */
  grid: Record<string, (number | string)[]>;
  folds: number;
  seed: number;
  labelFilter: LabelFilter;
  fusionWeighting: FusionWeighting;
  /**
   * Whose data decides which galaxies the run sees (default: its own
   * modality's). An experiment sets EARLY_FUSION on every cell, so all its
   * cells see one galaxy set — and with one seed, one split.
   */
  dataModality?: Modality;
  /** Leave galaxies whose r-band cutout holds more than one source out of training and evaluation (absent: keep them). */
  excludeBlended?: boolean;
}

export interface Problem {
  argument: string;
  message: string;
}

/** Hyperparameters each learner accepts in a grid, with the single default used when none is given. */
export const gridDefaults: Record<LearnerKind, Hyperparameters> = {
  DECISION_TREE: { maxDepth: 6, minDataInLeaf: 5 },
  GBDT: { numIterations: 500, learningRate: 0.05, numLeaves: 31, maxDepth: -1, minDataInLeaf: 20, lambdaL2: 0, featureFraction: 1, baggingFraction: 1, baggingFreq: 0, earlyStoppingRounds: 30 },
  CNN: { architecture: "compact", epochs: 30, batchSize: 32, learningRate: 0.001, patience: 5 },
  CONSTANT: {},
  LINEAR: { lambdaL2: 1 },
};

/** Hyperparameters a grid may vary, per learner (defaults above, or the learner's own). */
export const gridParameters: Record<LearnerKind, string[]> = {
  DECISION_TREE: ["maxDepth", "minDataInLeaf"],
  GBDT: ["numIterations", "learningRate", "numLeaves", "maxDepth", "minDataInLeaf", "lambdaL2", "featureFraction", "baggingFraction", "baggingFreq", "earlyStoppingRounds"],
  CNN: ["architecture", "epochs", "batchSize", "learningRate", "patience", "dropout", "filters"],
  CONSTANT: [],
  LINEAR: ["lambdaL2"],
};

/**
 * The name a predictor gets when the request gives none: kind, modality,
 * features and the zooms it reads, e.g. `gbdt-early-fusion-engineered-i3-s3`.
 * Runs of the same configuration become versions 1, 2, … of that name.
 */
export function defaultPredictorName(input: Pick<TrainInput, "kind" | "modality" | "features" | "imageZoom" | "spectrumZoom">): string {
  const slug = (s: string) => s.toLowerCase().replaceAll("_", "-");
  const zooms = [input.modality !== "SPECTRUM" ? `i${input.imageZoom}` : null, input.modality !== "IMAGE" ? `s${input.spectrumZoom}` : null].filter(Boolean);
  return [slug(input.kind), slug(input.modality), slug(input.features), ...zooms].join("-");
}

/** Cartesian product of the grid's lists, in a stable order. */
export function expandGrid(kind: LearnerKind, grid: Record<string, (number | string)[]>): Hyperparameters[] {
  let points: Hyperparameters[] = [{ ...gridDefaults[kind] }];
  for (const [name, values] of Object.entries(grid).sort(([a], [b]) => a.localeCompare(b))) {
    if (!values || values.length === 0) continue;
    points = points.flatMap((p) => values.map((v) => ({ ...p, [name]: v })));
  }
  return points;
}

/** Number of grid points (before expanding, to check the cap cheaply). */
export function gridSize(grid: Record<string, (number | string)[]>): number {
  return Object.values(grid).reduce((n, values) => n * Math.max(1, values?.length ?? 0), 1);
}

/** Problems with a request that do not need the database: kinds, zooms, grid names and cap. */
export function checkTrainInput(input: TrainInput, maxGridPoints: number): Problem[] {
  const problems: Problem[] = [];
  const badName = input.name === null ? null : nameProblem(input.name);
  if (badName) problems.push({ argument: "input.name", message: badName });
  const zoomOk = (z: number) => Number.isInteger(z) && z >= 0 && z < ZOOM_LEVELS;
  if (!zoomOk(input.imageZoom)) problems.push({ argument: "input.imageZoom", message: `must be a precomputed zoom level 0..${ZOOM_LEVELS - 1}` });
  if (!zoomOk(input.spectrumZoom)) problems.push({ argument: "input.spectrumZoom", message: `must be a precomputed zoom level 0..${ZOOM_LEVELS - 1}` });
  if (input.kind === "CNN" && input.features === "ENGINEERED") {
    problems.push({ argument: "input.features", message: "a CNN learns from RAW images and spectra; use features: RAW, or kind GBDT / DECISION_TREE for ENGINEERED features" });
  }
  if (input.kind === "LINEAR" && input.features === "RAW" && zoomOk(input.imageZoom) && zoomOk(input.spectrumZoom)) {
    const parts = partsOf(input.modality);
    const widest = Math.max(parts.includes("image") ? BAND_COUNT * imageSize(input.imageZoom) ** 2 : 0, parts.includes("spectrum") ? spectrumBins(input.spectrumZoom) : 0);
    const columns = input.modality === "EARLY_FUSION" ? BAND_COUNT * imageSize(input.imageZoom) ** 2 + spectrumBins(input.spectrumZoom) : widest;
    if (columns > MAX_RIDGE_COLUMNS) {
      problems.push({ argument: "input.features", message: `LINEAR solves a p × p system; RAW features at these zooms have ${columns} columns, more than ${MAX_RIDGE_COLUMNS}: use ENGINEERED features or coarser zooms` });
    }
  }
  if (!Number.isInteger(input.folds) || input.folds < 2 || input.folds > 20) problems.push({ argument: "input.folds", message: "must be an integer in [2, 20]" });
  if (!Number.isInteger(input.seed) || input.seed < 0 || input.seed > 2 ** 31 - 1) problems.push({ argument: "input.seed", message: "must be an integer in [0, 2147483647]" });
  const allowed = gridParameters[input.kind];
  for (const [name, values] of Object.entries(input.grid)) {
    if (values === undefined || values === null) continue;
    if (!allowed.includes(name)) problems.push({ argument: `input.hyperparameters.${name}`, message: `does not apply to ${input.kind}; it accepts ${allowed.join(", ")}` });
    else if (values.length === 0) problems.push({ argument: `input.hyperparameters.${name}`, message: "give at least one value, or leave it out for the default" });
    else if (new Set(values).size !== values.length) problems.push({ argument: `input.hyperparameters.${name}`, message: "has repeated values" });
  }
  if (input.kind === "DECISION_TREE") {
    for (const depth of input.grid.maxDepth ?? []) {
      if (!(Number.isInteger(depth) && (depth as number) >= 1 && (depth as number) <= 6)) {
        problems.push({ argument: "input.hyperparameters.maxDepth", message: `decision-tree depth must be an integer 1..6, got ${depth}` });
      }
    }
  }
  const points = gridSize(input.grid);
  if (points > maxGridPoints) {
    problems.push({ argument: "input.hyperparameters", message: `the grid has ${points} points, more than the cap of ${maxGridPoints} (MAX_GRID_POINTS); give fewer values` });
  }
  const { minAvg, maxAvg } = input.labelFilter;
  if (minAvg !== null && maxAvg !== null && minAvg >= maxAvg) problems.push({ argument: "input.labelFilter", message: "minAvg must be below maxAvg" });
  return problems;
}

export type { FeatureKind, Modality };
