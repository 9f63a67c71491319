/**
 * An experiment request as the domain sees it, and the cells it expands to:
 * an explicit grid (learners × modalities × image zooms × spectrum zooms ×
 * features) or the THESIS preset, plus the two reference cells every
 * experiment has (the training median, and ridge least squares on
 * ENGINEERED early-fusion features). Every cell shares the seed, folds and
 * label filter, and sees the galaxies that have both an image and a spectrum
 * (`dataModality: EARLY_FUSION`): one galaxy set and one seed give one split.
 */
import { ZOOM_LEVELS } from "../../cube/zoom.js";
import type { CellDescription } from "../store/experiments.js";
import { partsOf } from "../features/feature-set.js";
import type { ClassWeighting, CnnFusion, FeatureKind, LabelFilter, LearnerKind, Modality, Problem, Target, TrainInput } from "./input.js";

export const PRESETS = ["THESIS"] as const;
export type Preset = (typeof PRESETS)[number];

/** The study's learners, modalities and zooms (README: default zoom 3 = 8 px and 577 bins). */
const STUDY_LEARNERS: LearnerKind[] = ["DECISION_TREE", "GBDT", "CNN"];
const STUDY_MODALITIES: Modality[] = ["IMAGE", "SPECTRUM", "EARLY_FUSION", "LATE_FUSION"];
const STUDY_ZOOM = 3;
const QUALITY_ZOOMS = [0, 1, 2, 3];
const GRID_LEARNERS: LearnerKind[] = ["DECISION_TREE", "GBDT", "CNN"];

export interface ExperimentRequest {
  preset: string | null;
  learners: LearnerKind[] | null;
  modalities: Modality[] | null;
  imageZooms: number[] | null;
  spectrumZooms: number[] | null;
  features: FeatureKind[] | null;
  seed: number;
  folds: number;
  labelFilter: LabelFilter;
  /** CNN cells: `compact` (default) or `thesis_vgg` (the thesis VGG as the study describes it). */
  cnnArchitecture: "compact" | "thesis_vgg";
  /**
   * The fusions of the CNN EARLY_FUSION cells (default [CONCAT]): each such
   * cell once per value, so [CONCAT, GATED] puts the gated net next to early
   * and late fusion in one table.
   */
  cnnFusions?: CnnFusion[] | null;
  /** Every cell leaves out blended galaxies (absent: keeps them). */
  excludeBlended?: boolean;
  /** Every cell's target (absent: SFR); with CLASS the references are the class priors and multinomial logistic regression (every grid learner classifies). */
  target?: Target;
  /** CLASS target: every cell's class weighting (absent: BALANCED). */
  classWeights?: ClassWeighting;
}

export interface PlannedCell {
  cell: CellDescription;
  train: TrainInput;
}

/** A stable key of what a cell computes (a zoom the modality does not read is left out). */
function cellKey(c: CellDescription): string {
  return [c.learner, c.modality, c.features, c.imageZoom, c.spectrumZoom, c.reference].join("/");
}

function describe(learner: LearnerKind, modality: Modality, features: FeatureKind, imageZoom: number, spectrumZoom: number, reference: CellDescription["reference"], study: string): CellDescription {
  const parts = partsOf(modality);
  return {
    learner,
    modality,
    features,
    imageZoom: parts.includes("image") ? imageZoom : null,
    spectrumZoom: parts.includes("spectrum") ? spectrumZoom : null,
    reference,
    studies: [study],
  };
}

/** The THESIS grid: the modality comparison, the image-quality and the spectral-quality studies, RAW, and the same with ENGINEERED for the trees. */
function thesisCells(): CellDescription[] {
  const out: CellDescription[] = [];
  for (const features of ["RAW", "ENGINEERED"] as FeatureKind[]) {
    const learners = features === "RAW" ? STUDY_LEARNERS : STUDY_LEARNERS.filter((l) => l !== "CNN");
    for (const l of learners) for (const m of STUDY_MODALITIES) out.push(describe(l, m, features, STUDY_ZOOM, STUDY_ZOOM, null, "modality"));
    for (const l of learners) for (const z of QUALITY_ZOOMS) out.push(describe(l, "IMAGE", features, z, STUDY_ZOOM, null, "image quality"));
    for (const l of learners) for (const z of QUALITY_ZOOMS) out.push(describe(l, "SPECTRUM", features, STUDY_ZOOM, z, null, "spectral quality"));
  }
  return out;
}

function gridCells(r: ExperimentRequest): CellDescription[] {
  const out: CellDescription[] = [];
  for (const l of r.learners ?? []) {
    for (const m of r.modalities ?? []) {
      for (const f of r.features ?? ["RAW"]) {
        if (l === "CNN" && f === "ENGINEERED") continue; // a CNN reads RAW arrays only (documented)
        for (const iz of r.imageZooms ?? [STUDY_ZOOM]) for (const sz of r.spectrumZooms ?? [STUDY_ZOOM]) out.push(describe(l, m, f, iz, sz, null, "grid"));
      }
    }
  }
  return out;
}

/** Cells once each (a cell in two studies lists both), the grid's first, then the two references. */
function dedupe(cells: CellDescription[]): CellDescription[] {
  const byKey = new Map<string, CellDescription>();
  for (const c of cells) {
    const seen = byKey.get(cellKey(c));
    if (seen) {
      if (!seen.studies.includes(c.studies[0])) seen.studies.push(c.studies[0]);
    } else byKey.set(cellKey(c), { ...c, studies: [...c.studies] });
  }
  return [...byKey.values()];
}

export const REFERENCE_CELLS: CellDescription[] = [
  describe("CONSTANT", "EARLY_FUSION", "ENGINEERED", STUDY_ZOOM, STUDY_ZOOM, "BASELINE", "reference"),
  describe("LINEAR", "EARLY_FUSION", "ENGINEERED", STUDY_ZOOM, STUDY_ZOOM, "LINEAR", "reference"),
];

/** Each CNN EARLY_FUSION cell once per fusion (CONCAT is the cell as it was); other cells as they are. */
function withFusions(cells: CellDescription[], fusions: CnnFusion[]): CellDescription[] {
  return cells.flatMap((c) => (c.learner === "CNN" && c.modality === "EARLY_FUSION" ? fusions.map((f) => (f === "GATED" ? { ...c, fusion: "GATED" as const } : c)) : [c]));
}

/** Problems that need no database: preset or grid, each list, the cap. */
export function checkExperimentRequest(r: ExperimentRequest, maxCells: number): { problems: Problem[]; cells: CellDescription[] } {
  const problems: Problem[] = [];
  const hasGrid = [r.learners, r.modalities, r.imageZooms, r.spectrumZooms, r.features].some((l) => l !== null);
  if (r.preset !== null && !(PRESETS as readonly string[]).includes(r.preset)) {
    problems.push({ argument: "input.preset", message: `unknown preset ${JSON.stringify(r.preset)}; known presets: ${PRESETS.join(", ")}` });
  }
  if (r.preset !== null && hasGrid) problems.push({ argument: "input", message: "give either a preset or a grid (learners, modalities, imageZooms, spectrumZooms, features), not both" });
  if (r.preset === null) {
    if (!r.learners || r.learners.length === 0) problems.push({ argument: "input.learners", message: `give at least one learner (${GRID_LEARNERS.join(", ")}), or preset: THESIS` });
    if (!r.modalities || r.modalities.length === 0) problems.push({ argument: "input.modalities", message: "give at least one modality (IMAGE, SPECTRUM, EARLY_FUSION, LATE_FUSION), or preset: THESIS" });
    for (const name of ["imageZooms", "spectrumZooms", "features"] as const) {
      const list = r[name];
      if (list !== null && list.length === 0) problems.push({ argument: `input.${name}`, message: "give at least one value, or leave it out for the default" });
    }
    for (const name of ["learners", "modalities", "imageZooms", "spectrumZooms", "features"] as const) {
      const list = r[name] as unknown[] | null;
      if (list && new Set(list).size !== list.length) problems.push({ argument: `input.${name}`, message: "has repeated values" });
    }
    for (const l of r.learners ?? []) if (!GRID_LEARNERS.includes(l)) problems.push({ argument: "input.learners", message: `${l} is a reference learner every experiment runs already; grid learners are ${GRID_LEARNERS.join(", ")}` });
    for (const name of ["imageZooms", "spectrumZooms"] as const) {
      for (const z of r[name] ?? []) if (!(Number.isInteger(z) && z >= 0 && z < ZOOM_LEVELS)) problems.push({ argument: `input.${name}`, message: `${z} is not a precomputed zoom level 0..${ZOOM_LEVELS - 1}` });
    }
    if (problems.length === 0 && gridCells(r).length === 0) {
      problems.push({ argument: "input.features", message: "the grid is empty: a CNN reads RAW features only; add RAW or a tree learner" });
    }
  }
  if (!Number.isInteger(r.seed) || r.seed < 0 || r.seed > 2 ** 31 - 1) problems.push({ argument: "input.seed", message: "must be an integer in [0, 2147483647]" });
  if (!Number.isInteger(r.folds) || r.folds < 2 || r.folds > 20) problems.push({ argument: "input.folds", message: "must be an integer in [2, 20]" });
  const { minAvg, maxAvg } = r.labelFilter;
  if (minAvg !== null && maxAvg !== null && minAvg >= maxAvg) problems.push({ argument: "input.labelFilter", message: "minAvg must be below maxAvg" });
  const fusions = r.cnnFusions ?? ["CONCAT"];
  if (fusions.length === 0) problems.push({ argument: "input.cnnFusions", message: "give at least one value (CONCAT, GATED), or leave it out for [CONCAT]" });
  if (new Set(fusions).size !== fusions.length) problems.push({ argument: "input.cnnFusions", message: "has repeated values" });
  if (problems.length > 0) return { problems, cells: [] };
  const planned = dedupe(r.preset === "THESIS" ? thesisCells() : gridCells(r));
  if (fusions.includes("GATED") && !planned.some((c) => c.learner === "CNN" && c.modality === "EARLY_FUSION")) {
    return { problems: [{ argument: "input.cnnFusions", message: "GATED applies to CNN EARLY_FUSION cells and the grid has none: add learner CNN and modality EARLY_FUSION (features RAW)" }], cells: [] };
  }
  const cells = withFusions(planned, fusions);
  const references = REFERENCE_CELLS;
  const total = cells.length + references.length;
  if (total > maxCells) {
    problems.push({ argument: r.preset !== null ? "input.preset" : "input", message: `the experiment has ${total} cells (${cells.length} + ${references.length} references), more than the cap of ${maxCells} (MAX_EXPERIMENT_CELLS); give fewer values` });
  }
  return { problems, cells: [...cells, ...references] };
}

/** The training request of one cell: the learner's default hyperparameters, the experiment's seed, folds and label filter. */
export function cellTrainInput(r: ExperimentRequest, c: CellDescription): TrainInput {
  return {
    name: null,
    kind: c.learner,
    modality: c.modality,
    features: c.features,
    imageZoom: c.imageZoom ?? STUDY_ZOOM,
    spectrumZoom: c.spectrumZoom ?? STUDY_ZOOM,
    grid: c.learner === "CNN" ? { architecture: [r.cnnArchitecture] } : {},
    folds: r.folds,
    seed: r.seed,
    labelFilter: r.labelFilter,
    fusionWeighting: "EQUAL",
    dataModality: "EARLY_FUSION",
    ...(c.fusion === "GATED" ? { fusion: "GATED" as const } : {}),
    ...(r.excludeBlended ? { excludeBlended: true } : {}),
    ...(r.target && r.target !== "SFR" ? { target: r.target } : {}),
    ...(r.classWeights ? { classWeights: r.classWeights } : {}),
  };
}

/**
 * A rough cost of a cell: the columns its learner reads (RAW: 5 bands of
 * 64/2^z px squared, 4620/2^z spectral bins; ENGINEERED: a few hundred)
 * times a per-learner factor (a tree is one pass, boosting hundreds, a CNN
 * epochs over every pixel). Only the order matters (see `queueOrder`).
 */
function cellCost(c: CellDescription): number {
  if (c.reference !== null) return 0;
  const parts = partsOf(c.modality);
  let columns = 0;
  if (c.features === "ENGINEERED") columns = 300 * parts.length;
  else {
    if (c.imageZoom !== null) columns += 5 * (64 >> c.imageZoom) ** 2;
    if (c.spectrumZoom !== null) columns += Math.ceil(4620 / 2 ** c.spectrumZoom);
  }
  const factor = c.learner === "DECISION_TREE" ? 1 : c.learner === "GBDT" ? 20 : 40;
  return columns * factor;
}

/**
 * The order the cells are queued in: the references first, then the
 * cheapest, so that an experiment stopped part-way (or read while it runs)
 * holds the most cells and both readings of every R² ("knowing nothing",
 * "the simplest honest model"). Indexes into `cells`; the table keeps the
 * plan's order.
 */
export function queueOrder(cells: CellDescription[]): number[] {
  return cells.map((c, i) => ({ i, cost: cellCost(c) })).sort((a, b) => a.cost - b.cost || a.i - b.i).map((x) => x.i);
}

export function planExperiment(r: ExperimentRequest, maxCells: number): { problems: Problem[]; cells: PlannedCell[] } {
  const { problems, cells } = checkExperimentRequest(r, maxCells);
  if (problems.length > 0) return { problems, cells: [] };
  return { problems, cells: cells.map((cell) => ({ cell, train: cellTrainInput(r, cell) })) };
}
