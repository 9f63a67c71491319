/**
 * A training request as the domain sees it (the GraphQL input, defaults
 * filled in, every problem collected), and its hyperparameter grid.
 */
import { imageSize, spectrumBins, ZOOM_LEVELS } from "../../cube/zoom.js";
import { BAND_COUNT } from "../../cube/layout.js";
import { MAX_RIDGE_COLUMNS } from "../linear/index.js";
import { partsOf, type FeatureKind, type FeatureSpec, type Modality } from "../features/feature-set.js";
import { nameProblem } from "../store/registry.js";
import { gridParametersOf, parameterProblem, withDefaults } from "../learner.js";
import { learners } from "./learners.js";
import { isClassification, targetOf, type ClassWeighting, type Target } from "./target.js";

import type { Hyperparameters, LearnerKind } from "../learner.js";
export type { Hyperparameters, LearnerKind };
export type { ClassWeighting, Target };
export type FusionWeighting = "EQUAL" | "VALIDATION";
/** How an EARLY_FUSION CNN joins its branches: CONCAT (the embeddings side by side) or GATED (a learned per-galaxy weighting; models/cnn/network.ts). */
export type CnnFusion = "CONCAT" | "GATED";

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
  /** EARLY_FUSION CNN only; absent = CONCAT (so inputs stored before the option read as they did). */
  fusion?: CnnFusion;
  /** Leave galaxies whose r-band cutout holds more than one source out of training and evaluation (absent: keep them). */
  excludeBlended?: boolean;
  /** CLASS target only: how training galaxies are weighed (absent: BALANCED). */
  classWeights?: ClassWeighting;
}

/** The learners that can classify (the registry entries with a `classifier`). */
export function classifierKinds(): LearnerKind[] {
  return Object.values(learners).filter((l) => l.classifier).map((l) => l.kind);
}

export interface Problem {
  argument: string;
  message: string;
}

/**
 * The name a predictor gets when the request gives none: kind, modality,
 * features and the zooms it reads, e.g. `gbdt-early-fusion-engineered-i3-s3`
 * (prefixed by the target when it is not SFR: `class-gbdt-…`, `redshift-…`).
 * Runs of the same configuration become versions 1, 2, … of that name.
 */
export function defaultPredictorName(input: Pick<TrainInput, "kind" | "modality" | "features" | "imageZoom" | "spectrumZoom" | "fusion" | "target">): string {
  const slug = (s: string) => s.toLowerCase().replaceAll("_", "-");
  const zooms = [input.modality !== "SPECTRUM" ? `i${input.imageZoom}` : null, input.modality !== "IMAGE" ? `s${input.spectrumZoom}` : null].filter(Boolean);
  const fusion = input.fusion === "GATED" ? ["gated"] : [];
  const target = input.target && input.target !== "SFR" ? [slug(input.target)] : [];
  return [...target, slug(input.kind), slug(input.modality), ...fusion, slug(input.features), ...zooms].join("-");
}

/** The learner's parameters of a request beyond its grid: a GATED CNN's `fusion: "gated"` (nothing otherwise, so other runs' points are as before). */
export function fixedParameters(input: Pick<TrainInput, "kind" | "fusion">): Hyperparameters {
  return input.kind === "CNN" && input.fusion === "GATED" ? { fusion: "gated" } : {};
}

/**
 * Cartesian product of the grid's lists, in a stable order; every point has
 * each of the learner's parameters, the ones the grid leaves out at their
 * registry defaults (training/learners.ts).
 */
export function expandGrid(kind: LearnerKind, grid: Record<string, (number | string)[]>): Hyperparameters[] {
  let points: Hyperparameters[] = [{}];
  for (const [name, values] of Object.entries(grid).sort(([a], [b]) => a.localeCompare(b))) {
    if (!values || values.length === 0) continue;
    points = points.flatMap((p) => values.map((v) => ({ ...p, [name]: v })));
  }
  const searched = gridParametersOf(learners[kind].parameters);
  return points.map((p) => withDefaults(searched, p));
}

/** Number of grid points (before expanding, to check the cap cheaply). */
export function gridSize(grid: Record<string, (number | string)[]>): number {
  return Object.values(grid).reduce((n, values) => n * Math.max(1, values?.length ?? 0), 1);
}

/**
 * Problems with a request that do not need the database: kinds, zooms, grid
 * names, domains and cap. `gridArgument` names the grid in the problems
 * (`input.grid.gbdt` for the typed input, `input.hyperparameters` for the old one).
 */
export function checkTrainInput(input: TrainInput, maxGridPoints: number, gridArgument = "input.hyperparameters"): Problem[] {
  const problems: Problem[] = [];
  const badName = input.name === null ? null : nameProblem(input.name);
  if (badName) problems.push({ argument: "input.name", message: badName });
  const zoomOk = (z: number) => Number.isInteger(z) && z >= 0 && z < ZOOM_LEVELS;
  if (!zoomOk(input.imageZoom)) problems.push({ argument: "input.imageZoom", message: `must be a precomputed zoom level 0..${ZOOM_LEVELS - 1}` });
  if (!zoomOk(input.spectrumZoom)) problems.push({ argument: "input.spectrumZoom", message: `must be a precomputed zoom level 0..${ZOOM_LEVELS - 1}` });
  const learner = learners[input.kind];
  if (!learner.features.includes(input.features)) {
    const others = Object.values(learners).filter((l) => l.features.includes(input.features)).map((l) => l.kind);
    problems.push({ argument: "input.features", message: `${input.kind} reads ${learner.features.join(" or ")} features only; use features: ${learner.defaultFeatures}, or kind ${others.join(" / ")} for ${input.features} features` });
  }
  if (input.fusion === "GATED" && (input.kind !== "CNN" || input.modality !== "EARLY_FUSION")) {
    problems.push({ argument: "input.fusion", message: `GATED fusion weighs a CNN's image branch against its spectrum branch: it needs kind CNN and modality EARLY_FUSION (got ${input.kind} ${input.modality}); use fusion: CONCAT (the default) otherwise` });
  }
  if (input.kind === "LINEAR" && input.features === "RAW" && zoomOk(input.imageZoom) && zoomOk(input.spectrumZoom)) {
    const parts = partsOf(input.modality);
    const widest = Math.max(parts.includes("image") ? BAND_COUNT * imageSize(input.imageZoom) ** 2 : 0, parts.includes("spectrum") ? spectrumBins(input.spectrumZoom) : 0);
    const columns = input.modality === "EARLY_FUSION" ? BAND_COUNT * imageSize(input.imageZoom) ** 2 + spectrumBins(input.spectrumZoom) : widest;
    if (columns > MAX_RIDGE_COLUMNS) {
      problems.push({ argument: "input.features", message: `LINEAR solves a p × p system; RAW features at these zooms have ${columns} columns, more than ${MAX_RIDGE_COLUMNS}: use ENGINEERED features or coarser zooms` });
    }
  }
  problems.push(...targetProblems(input));
  if (!Number.isInteger(input.folds) || input.folds < 2 || input.folds > 20) problems.push({ argument: "input.folds", message: "must be an integer in [2, 20]" });
  if (!Number.isInteger(input.seed) || input.seed < 0 || input.seed > 2 ** 31 - 1) problems.push({ argument: "input.seed", message: "must be an integer in [0, 2147483647]" });
  const searched = gridParametersOf(learner.parameters);
  const allowed = Object.keys(searched);
  for (const [name, values] of Object.entries(input.grid)) {
    if (values === undefined || values === null) continue;
    const argument = `${gridArgument}.${name}`;
    const parameter = searched[name];
    const option = learner.parameters[name]?.option;
    if (option) problems.push({ argument, message: `is not searched in a grid; set it with input.${option}` });
    else if (!parameter) problems.push({ argument, message: `does not apply to ${input.kind}; it accepts ${allowed.join(", ") || "none"}` });
    else if (values.length === 0) problems.push({ argument, message: "give at least one value, or leave it out for the default" });
    else if (new Set(values).size !== values.length) problems.push({ argument, message: "has repeated values" });
    else {
      for (const value of values) {
        const problem = parameterProblem(parameter, value);
        if (problem) problems.push({ argument, message: `${problem}, got ${JSON.stringify(value)}` });
      }
    }
  }
  const points = gridSize(input.grid);
  if (points > maxGridPoints) {
    problems.push({ argument: gridArgument, message: `the grid has ${points} points, more than the cap of ${maxGridPoints} (MAX_GRID_POINTS); give fewer values` });
  }
  const { minAvg, maxAvg } = input.labelFilter;
  if (minAvg !== null && maxAvg !== null && minAvg >= maxAvg) problems.push({ argument: "input.labelFilter", message: "minAvg must be below maxAvg" });
  return problems;
}

/** What the target rules out: learners that cannot classify, class weights for a regression, features that would leak the redshift. */
function targetProblems(input: TrainInput): Problem[] {
  const problems: Problem[] = [];
  const target = targetOf(input);
  if (isClassification(input) && !learners[input.kind].classifier) {
    problems.push({ argument: "input.target", message: `${input.kind} cannot classify (its classifier head is not implemented); kinds ${classifierKinds().join(", ")} support target CLASS` });
  }
  if (input.classWeights !== undefined && !isClassification(input)) {
    problems.push({ argument: "input.classWeights", message: `weighs classes of a CLASS target; target ${target} is a regression: leave classWeights out` });
  }
  if (target !== "SFR" && (input.labelFilter.minAvg !== null || input.labelFilter.maxAvg !== null)) {
    problems.push({ argument: "input.labelFilter", message: `minAvg and maxAvg filter the SFR label; target ${target} is labelled by its own catalogue column: leave them out` });
  }
  if (target === "REDSHIFT" && input.features === "ENGINEERED" && (input.modality === "SPECTRUM" || input.modality === "LATE_FUSION")) {
    problems.push({ argument: "input.features", message: `every ENGINEERED spectrum feature is measured in the rest frame of the catalogue redshift, which is the target; use features: RAW, or modality IMAGE or EARLY_FUSION (whose ENGINEERED features are then the image's only)` });
  }
  return problems;
}

export type { FeatureKind, Modality };
