/**
 * One training run from start to finish, independent of where it runs (a
 * worker thread of the server or of `npm run worker`):
 *
 *   eligible galaxies → same-object groups → 60/20/20 split stratified on
 *   the label → per member: grid search by k-fold CV on the training part
 *   (early stopping on the validation part) → the best point's k fold models
 *   form the ensemble → fusion weights and noise calibrated on validation →
 *   metrics on test → predictions for every galaxy that has the data.
 */
import type { CubeStore } from "../../cube/cube-store.js";
import { sameObjectGroups } from "../../sky/cross-match.js";
import { regressionMetrics, summariseFolds, type CvSummary, type Metrics } from "../evaluation/metrics.js";
import type { ClassificationCv, ClassificationMetrics } from "../evaluation/classification-metrics.js";
import { stratifiedFolds, trainValidationTestSplit } from "../evaluation/split.js";
import { TestGuard, type TestTouchRecord } from "../evaluation/protocol.js";
import { featureNames, loadPart, partsOf, type FeatureSpec, type Part, type PartData } from "../features/feature-set.js";
import type { IterationReport } from "../learner.js";
import { skyEvaluation, type SkyEvaluation } from "../evaluation/sky-bins.js";
import { IMAGE_FEATURE_NAMES, imageFeatures } from "../features/image-features.js";
import { BAND_COUNT } from "../../cube/layout.js";
import { imageSize } from "../../cube/zoom.js";
import { assessDomain, calibrate, featureRanges, galaxyFacts, HIGH_PERCENTILE, LOW_PERCENTILE, percentile, type ApplicabilityDomain } from "./domain.js";
import { calibrateNoise, predictEnsemble, serializeEnsemble, type Ensemble, type Member } from "./ensemble.js";
import { expandGrid, fixedParameters, type Hyperparameters, type TrainInput } from "./input.js";
import { learners, MemberData, type Fitted } from "./learners.js";

/** The galaxies a run sees, column-wise; `label` is NaN where a galaxy may not be trained on. */
export interface TrainingGalaxies {
  ids: string[];
  /** Cube location of each galaxy: row cubeRows[i] of shard cubeShards[i]. */
  cubeRows: Int32Array;
  cubeShards: string[];
  /** SHA-256 of each galaxy's shard (its name for the pre-shard cube): part of the dataset digest. */
  cubeShardHashes: string[];
  redshift: Float64Array;
  raDeg: Float64Array;
  decDeg: Float64Array;
  label: Float64Array;
  /** The catalogue `class` (SDSS: GALAXY, QSO, STAR), null when unknown. */
  classes: (string | null)[];
}


export interface Progress {
  progress: number;
  stage: string;
  iteration?: number;
  /** The compute backend, once known (written while the run goes). */
  backend?: string;
  /** The learning-curve point of this iteration, for live curves. */
  point?: { member: string; fold: number; iteration: number; train: number; validation: number | null };
}

export interface LearningCurve {
  member: string;
  fold: number;
  iteration: number[];
  train: number[];
  validation: (number | null)[];
}

export interface GridPointResult {
  member: string;
  hyperparameters: Hyperparameters;
  cv: CvSummary;
}

export interface TrainingOutcome {
  backend: string;
  hyperparameters: Record<string, Hyperparameters>;
  grid: GridPointResult[];
  curves: LearningCurve[];
  /** Test regression metrics; null for a classifier (see `classification`). */
  metrics: Metrics | null;
  cv: CvSummary | null;
  /** A classifier's (CLASS target) test metrics, CV summary, and every galaxy's class probabilities (rows × classes, the galaxies' order). */
  classification?: { classes: string[]; metrics: ClassificationMetrics; cv: ClassificationCv; probabilities: Float64Array };
  /** Per member: weight and validation metrics (late fusion compares them). */
  members: { member: string; weight: number; validation: Metrics }[];
  split: { seed: number; train: string[]; validation: string[]; test: string[] };
  featureNames: Record<string, string[]>;
  noiseVariance: number;
  model: Buffer;
  /** Test metrics per redshift, r-magnitude and HEALPix bin (null for a classifier). */
  evaluation: SkyEvaluation | null;
  /** The applicability domain and calibration (./domain.ts). */
  domain: ApplicabilityDomain;
  /** GATED CNN only (else null): the distribution of the gate's weights on the test galaxies. */
  fusionWeights: FusionWeights | null;
  /** Predictions for every galaxy given, in its order; `notes[i]` lists why galaxy i is out of the domain (empty: in). */
  predictions: { value: Float64Array; sigma: Float64Array; notes: string[][] };
  /** Which steps read which part: the test part evaluated once, after everything else (models/evaluation/protocol.ts). */
  protocol: TestTouchRecord;
}

/**
 * A gated CNN's modality weights on the test part: per galaxy, the image
 * weight is the mean over the ensemble's fold models of their gates' image
 * weight (the prediction is their mean too); the spectrum's is 1 − it.
 * Percentiles are linearly interpolated over the test galaxies.
 */
export interface FusionWeights {
  count: number;
  imageMean: number;
  imageStd: number;
  imageP16: number;
  imageP50: number;
  imageP84: number;
  spectrumMean: number;
}

export class TrainingError extends Error {
  override name = "TrainingError";
}

/** Fewest labelled galaxies a run accepts (each part of the split and each fold needs some). */
export const MIN_TRAINING_GALAXIES = 30;

export interface RunOptions {
  signal?: AbortSignal;
  onProgress?(p: Progress): void;
  /** Cores the learners may use (default: all). */
  threads?: number;
}

/**
 * One fold's learning curve, and the `onIteration` that records it and
 * reports progress: `progressAt(done)` maps the fold's done fraction (its
 * iteration over numIterations or epochs) to the run's progress.
 */
export function foldCurve(member: string, fold: number, point: Hyperparameters, stage: string, progressAt: (done: number) => number, report: (p: Progress) => void) {
  const curve: LearningCurve = { member, fold, iteration: [], train: [], validation: [] };
  const max = Number(point.numIterations ?? point.epochs ?? 1);
  const onIteration = (r: IterationReport) => {
    curve.iteration.push(r.iteration);
    curve.train.push(r.train);
    curve.validation.push(r.validation ?? null);
    const curvePoint = { member, fold, iteration: r.iteration, train: r.train, validation: r.validation ?? null };
    report({ progress: progressAt(Math.min(1, r.iteration / max)), stage, iteration: r.iteration, point: curvePoint });
  };
  return { curve, onIteration };
}

/** What every run sets up before fitting: features loaded, the split, the folds, the protocol guard, the members' data. */
export interface PreparedRun {
  backend: string;
  partData: Map<Part, PartData>;
  /** Every galaxy's label (NaN = not labelled), as the learners read them. */
  labels: Float32Array;
  all: number[];
  train: number[];
  validation: number[];
  test: number[];
  folds: number[][];
  guard: TestGuard;
  memberParts: Part[][];
  memberData: MemberData[];
}

/**
 * Eligible galaxies → features → same-object groups → the 60/20/20 split
 * stratified on the label (for a class target, the class index: so every
 * part holds each class in its proportion) → k folds of the training part.
 */
export async function prepareRun(input: TrainInput, galaxies: TrainingGalaxies, cube: CubeStore, report: (p: Progress) => void): Promise<PreparedRun> {
  const learner = learners[input.kind];
  const eligible: number[] = [];
  for (let i = 0; i < galaxies.ids.length; i++) if (Number.isFinite(galaxies.label[i])) eligible.push(i);
  if (eligible.length < MIN_TRAINING_GALAXIES) {
    throw new TrainingError(`only ${eligible.length} labelled galaxies have the data this predictor needs; at least ${MIN_TRAINING_GALAXIES} are required (widen labelFilter or ingest more)`);
  }
  const backend = await learner.backend();
  report({ progress: 0, stage: "loading features", backend });
  const all = Array.from({ length: galaxies.ids.length }, (_, i) => i);
  const sources = all.map((i) => ({ cube: { shard: galaxies.cubeShards[i], row: galaxies.cubeRows[i] }, redshift: Number.isNaN(galaxies.redshift[i]) ? null : galaxies.redshift[i] }));
  await cube.verify(sources.map((s) => s.cube));
  const partData = new Map<Part, PartData>();
  for (const part of partsOf(input.modality)) partData.set(part, loadPart(cube, sources, part, input));

  // Split on the eligible galaxies, in their own index space, then map back.
  const labels = Float32Array.from(galaxies.label, (v) => (Number.isFinite(v) ? v : NaN));
  const eligibleLabels = eligible.map((i) => galaxies.label[i]);
  const groups = sameObjectGroups(eligible.map((i) => galaxies.raDeg[i]), eligible.map((i) => galaxies.decDeg[i]));
  const local = trainValidationTestSplit(eligibleLabels, groups, input.seed);
  const toGlobal = (rows: number[]) => rows.map((r) => eligible[r]);
  const train = toGlobal(local.train);
  const validation = toGlobal(local.validation);
  const test = toGlobal(local.test);
  const foldsLocal = stratifiedFolds(local.train, eligibleLabels, groups, input.folds, input.seed);
  const folds = foldsLocal.map(toGlobal);
  if (validation.length === 0 || test.length === 0 || folds.some((f) => f.length === 0)) {
    throw new TrainingError(`the ${eligible.length} labelled galaxies (${new Set(groups).size} distinct objects) are too few for a validation and a test part and ${input.folds} non-empty folds; use fewer folds or more galaxies`);
  }

  const guard = new TestGuard(test);
  const memberParts: Part[][] = input.modality === "LATE_FUSION" ? [["image"], ["spectrum"]] : [partsOf(input.modality)];
  const memberData = memberParts.map((parts) => new MemberData(parts.map((p) => partData.get(p)!), input));
  for (const [m, data] of memberData.entries()) {
    guard.see("feature check", train.slice(0, 2000));
    checkNotAllMissing(data, train, memberParts[m]);
  }
  return { backend, partData, labels, all, train, validation, test, folds, guard, memberParts, memberData };
}

export async function runTraining(input: TrainInput, galaxies: TrainingGalaxies, cube: CubeStore, options: RunOptions = {}): Promise<TrainingOutcome> {
  const report = options.onProgress ?? (() => {});
  const signal = options.signal;
  const learner = learners[input.kind];
  const { backend, partData, labels, all, train, validation, test, folds, guard, memberParts, memberData } = await prepareRun(input, galaxies, cube, report);

  const points = expandGrid(input.kind, input.grid).map((p) => ({ ...p, ...fixedParameters(input) }));
  const totalFits = memberParts.length * points.length * input.folds;
  let fitsDone = 0;
  const grid: GridPointResult[] = [];
  const curves: LearningCurve[] = [];
  const members: Member[] = [];
  const chosenCv: CvSummary[] = [];
  /** Per member, per fold: the chosen point's predictions for the held-out fold. */
  const heldOutByMember: Float64Array[][] = [];
  const hyperparameters: Record<string, Hyperparameters> = {};

  for (const [m, parts] of memberParts.entries()) {
    const name = parts.join("+");
    // Selected on the CV mean RMSE (lower is better; defined even for a fold whose labels do not vary, unlike R²).
    let best: { rmse: number; point: Hyperparameters; fits: Fitted[]; cv: CvSummary; curves: LearningCurve[]; heldOut: Float64Array[] } | null = null;
    for (const point of points) {
      const fits: Fitted[] = [];
      const foldMetrics: Metrics[] = [];
      const pointCurves: LearningCurve[] = [];
      const heldOut: Float64Array[] = [];
      for (let f = 0; f < input.folds; f++) {
        signal?.throwIfAborted();
        const held = new Set(folds[f]);
        const fitRows = train.filter((r) => !held.has(r));
        const stage = `${name}: grid point ${points.indexOf(point) + 1}/${points.length}, fold ${f + 1}/${input.folds}`;
        const { curve, onIteration } = foldCurve(name, f, point, stage, (done) => ((fitsDone + done) / totalFits) * 0.95, report);
        guard.see("fit", fitRows);
        guard.see("early stopping", validation);
        const fitted = await learner.fit(memberData[m], fitRows, validation, labels, point, { seed: input.seed * 31 + f, signal, threads: options.threads, onIteration });
        fitsDone++;
        report({ progress: (fitsDone / totalFits) * 0.95, stage });
        guard.see("cv held-out fold", folds[f]);
        const predicted = await fitted.predict(memberData[m], folds[f]);
        foldMetrics.push(regressionMetrics(folds[f].map((r) => labels[r]), predicted));
        heldOut.push(predicted);
        fits.push(fitted);
        pointCurves.push(curve);
      }
      const cv = summariseFolds(foldMetrics);
      grid.push({ member: name, hyperparameters: point, cv });
      if (!best || cv.rmseMean < best.rmse) best = { rmse: cv.rmseMean, point, fits, cv, curves: pointCurves, heldOut };
    }
    members.push({ kind: input.kind, parts, weight: 1, hyperparameters: best!.point, folds: best!.fits });
    curves.push(...best!.curves);
    chosenCv.push(best!.cv);
    heldOutByMember.push(best!.heldOut);
    hyperparameters[name] = best!.point;
  }

  report({ progress: 0.95, stage: "calibrating on the validation split" });
  const validationTruth = validation.map((r) => labels[r]);
  const memberReports: TrainingOutcome["members"] = [];
  for (const [m, member] of members.entries()) {
    const alone: Ensemble = { spec: input, members: [{ ...member, weight: 1 }], noiseVariance: 0 };
    guard.see("member validation", validation);
    const p = await predictEnsemble(alone, [memberData[m]], validation);
    memberReports.push({ member: member.parts.join("+"), weight: 1, validation: regressionMetrics(validationTruth, p.value) });
  }
  const weights = members.length === 1 || input.fusionWeighting === "EQUAL"
    ? members.map(() => 1 / members.length)
    : normalise(memberReports.map((r) => 1 / Math.max(r.validation.rmse ** 2, 1e-12)));
  members.forEach((member, m) => {
    member.weight = weights[m];
    memberReports[m].weight = weights[m];
  });
  const ensemble: Ensemble = { spec: modelSpec(input), members, noiseVariance: 0 };
  guard.see("noise calibration", validation);
  ensemble.noiseVariance = calibrateNoise(validationTruth, await predictEnsemble(ensemble, memberData, validation));

  report({ progress: 0.97, stage: "evaluating on the test split" });
  guard.evaluate(test);
  const onTest = await predictEnsemble(ensemble, memberData, test);
  const testTruth = test.map((r) => labels[r]);
  const metrics = regressionMetrics(testTruth, onTest.value, onTest.sigma);
  guard.see("calibration report", validation);
  const onValidation = await predictEnsemble(ensemble, memberData, validation);
  const calibration = calibrate({ truth: validationTruth, value: onValidation.value, sigma: onValidation.sigma }, { truth: testTruth, value: onTest.value, sigma: onTest.sigma });
  guard.see("sky-bin features", test);
  const rMag = rMagnitudes(partData, test, input);
  const evaluation = skyEvaluation(test.map((r, i) => ({ truth: testTruth[i], predicted: onTest.value[i], redshift: galaxies.redshift[r], rMagnitude: rMag[i], raDeg: galaxies.raDeg[r], decDeg: galaxies.decDeg[r] })));
  const parts = partsOf(input.modality);
  const engineered = input.features === "ENGINEERED";
  const loaded = parts.map((p) => partData.get(p)!);
  const domain: ApplicabilityDomain = {
    classes: [...new Set(train.map((r) => galaxies.classes[r]).filter((c): c is string => c !== null))].sort(),
    // A redshift predictor is asked about galaxies whose redshift is unknown: no redshift rule.
    redshift: input.target === "REDSHIFT" ? null : redshiftRange(train.map((r) => galaxies.redshift[r])),
    features: engineered ? loaded.map((p) => featureRanges(p.part, featureNames(p.part, input), p.tabular.values, p.tabular.cols, train)) : [],
    parts,
    calibration,
  };

  const fusionWeights = await gateWeightsOn(members, memberData, test);

  report({ progress: 0.98, stage: "predicting every galaxy" });
  guard.see("served predictions", all);
  const everyone = await predictEnsemble(ensemble, memberData, all);
  const notes = all.map((i) => assessDomain(domain, galaxyFacts(loaded, i, galaxies.classes[i], Number.isNaN(galaxies.redshift[i]) ? null : galaxies.redshift[i], engineered)));
  const ids = (rows: number[]) => rows.map((r) => galaxies.ids[r]).sort((a, b) => Number(BigInt(a) - BigInt(b)));
  const names: Record<string, string[]> = {};
  for (const parts of memberParts) for (const p of parts) names[p] = featureNames(p, input);
  return {
    backend,
    hyperparameters,
    grid,
    curves,
    metrics: { ...metrics, coverage95: calibration.testCoverage95 } as Metrics,
    cv: members.length === 1 ? chosenCv[0] : fusedCv(folds, labels, heldOutByMember, weights),
    members: memberReports,
    split: { seed: input.seed, train: ids(train), validation: ids(validation), test: ids(test) },
    featureNames: names,
    noiseVariance: ensemble.noiseVariance,
    model: await serializeEnsemble(ensemble),
    domain,
    evaluation,
    fusionWeights,
    predictions: { value: everyone.value, sigma: everyone.sigma, notes },
    protocol: guard.record(),
  };
}

/** The feature spec a saved model keeps (the target only when not SFR, so SFR models read as before). */
export function modelSpec(input: TrainInput): FeatureSpec {
  return { modality: input.modality, features: input.features, imageZoom: input.imageZoom, spectrumZoom: input.spectrumZoom, ...(input.target && input.target !== "SFR" ? { target: input.target } : {}) };
}

/** FusionWeights of the one member when its fold models are gated, else null. */
async function gateWeightsOn(members: Member[], data: MemberData[], rows: number[]): Promise<FusionWeights | null> {
  if (members.length !== 1 || rows.length === 0 || !members[0].folds.every((f) => f.gateWeights)) return null;
  const image = new Float64Array(rows.length);
  for (const fold of members[0].folds) {
    const w = await fold.gateWeights!(data[0], rows);
    for (let i = 0; i < rows.length; i++) image[i] += w[i] / members[0].folds.length;
  }
  let mean = 0;
  for (const v of image) mean += v / image.length;
  let variance = 0;
  for (const v of image) variance += (v - mean) ** 2 / image.length;
  return {
    count: image.length,
    imageMean: mean,
    imageStd: Math.sqrt(variance),
    imageP16: percentile(image, 16)!,
    imageP50: percentile(image, 50)!,
    imageP84: percentile(image, 84)!,
    spectrumMean: 1 - mean,
  };
}

/** r-band asinh magnitudes of the rows (NaN without an image part). */
function rMagnitudes(partData: Map<Part, PartData>, rows: number[], input: TrainInput): number[] {
  const image = partData.get("image");
  if (!image) return rows.map(() => NaN);
  const column = IMAGE_FEATURE_NAMES.indexOf("mag_r");
  if (input.features === "ENGINEERED") return rows.map((r) => image.tabular.values[r * image.tabular.cols + column]);
  const size = imageSize(input.imageZoom);
  const width = BAND_COUNT * size * size;
  const out = new Float32Array(IMAGE_FEATURE_NAMES.length);
  return rows.map((r) => {
    imageFeatures(image.raw.subarray(r * width, (r + 1) * width), size, input.imageZoom, out, 0);
    return out[column];
  });
}

export function redshiftRange(values: number[]): ApplicabilityDomain["redshift"] {
  const low = percentile(values, LOW_PERCENTILE);
  const high = percentile(values, HIGH_PERCENTILE);
  return low === null || high === null ? null : { low, high };
}

export function normalise(values: number[]): number[] {
  const sum = values.reduce((a, b) => a + b, 0);
  return values.map((v) => v / sum);
}

/** Late fusion's own CV: each fold's held-out predictions of the members, fused with the final weights. */
function fusedCv(folds: number[][], labels: Float32Array, heldOut: Float64Array[][], weights: number[]): CvSummary {
  return summariseFolds(
    folds.map((rows, f) => {
      const fused = rows.map((_, i) => heldOut.reduce((s, member, m) => s + weights[m] * member[f][i], 0));
      return regressionMetrics(rows.map((r) => labels[r]), fused);
    }),
  );
}

function checkNotAllMissing(data: MemberData, train: number[], parts: Part[]): void {
  const matrix = data.tabular(train.slice(0, 2000));
  for (const v of matrix.values) if (!Number.isNaN(v)) return;
  throw new TrainingError(`every ${parts.join(" and ")} feature is NaN (masked or unmeasurable) for the training galaxies; choose other features or zooms`);
}
