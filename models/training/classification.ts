/**
 * A classification run (target CLASS) from start to finish, as
 * ./pipeline.ts does a regression, on the same preparation (features, the
 * split stratified on the class, the folds, the protocol guard):
 *
 *   class weights from the training part (./target.ts; BALANCED by default)
 *   → per member: grid search by k-fold CV, each point scored by the mean
 *   over folds of the held-out fold's weighted log loss (lower is better;
 *   early stopping on the validation part) → the best point's fold models
 *   form the ensemble (probabilities averaged) → late fusion's weights
 *   (EQUAL, or VALIDATION: ∝ 1 / the member's validation log loss) → the
 *   classification metrics on the test part, evaluated once → class
 *   probabilities for every galaxy that has the data.
 *
 * A classifier's prediction `value` is the predicted class's probability,
 * its `sigma` 0 (the probabilities are the uncertainty); the domain's
 * calibration is honest when the test part's expected calibration error is
 * at most max(0.05, 1/√n).
 */
import type { CubeStore } from "../../cube/cube-store.js";
import { argmaxRow, classificationMetrics, summariseClassificationFolds, type ClassificationCv, type ClassificationMetrics } from "../evaluation/classification-metrics.js";
import { featureNames, partsOf } from "../features/feature-set.js";
import { weightedLogLoss } from "../gbdt/index.js";
import type { FittedClassifier } from "../learner.js";
import { assessDomain, featureRanges, galaxyFacts, type ApplicabilityDomain } from "./domain.js";
import { predictClassifierEnsemble, serializeClassifierEnsemble, type ClassifierEnsemble, type ClassifierMember } from "./classifier-ensemble.js";
import { expandGrid, fixedParameters, type Hyperparameters, type TrainInput } from "./input.js";
import { learners } from "./learners.js";
import { foldCurve, modelSpec, normalise, prepareRun, redshiftRange, type GridPointResult, type LearningCurve, type RunOptions, type TrainingGalaxies, type TrainingOutcome } from "./pipeline.js";
import { CLASS_NAMES, classWeights } from "./target.js";

export async function runClassification(input: TrainInput, galaxies: TrainingGalaxies, cube: CubeStore, options: RunOptions = {}): Promise<TrainingOutcome> {
  const report = options.onProgress ?? (() => {});
  const signal = options.signal;
  const classifier = learners[input.kind].classifier;
  if (!classifier) throw new Error(`${input.kind} cannot classify`); // the request checks refuse it first
  const classes = [...CLASS_NAMES];
  const k = classes.length;
  const { backend, partData, labels, all, train, validation, test, folds, guard, memberParts, memberData } = await prepareRun(input, galaxies, cube, report);
  const task = { classCount: k, classWeights: classWeights(labels, train, k, input.classWeights ?? "BALANCED") };
  const weightsOf = (rows: readonly number[]) => Float64Array.from(rows, (r) => task.classWeights[labels[r]]);
  const labelsOf = (rows: readonly number[]) => Float32Array.from(rows, (r) => labels[r]);

  const points = expandGrid(input.kind, input.grid).map((p) => ({ ...p, ...fixedParameters(input) }));
  const totalFits = memberParts.length * points.length * input.folds;
  let fitsDone = 0;
  const grid: GridPointResult[] = [];
  const curves: LearningCurve[] = [];
  const members: ClassifierMember[] = [];
  const chosenCv: ClassificationCv[] = [];
  const hyperparameters: Record<string, Hyperparameters> = {};
  for (const [m, parts] of memberParts.entries()) {
    const name = parts.join("+");
    let best: { loss: number; point: Hyperparameters; fits: FittedClassifier[]; cv: ClassificationCv; curves: LearningCurve[] } | null = null;
    for (const point of points) {
      const fits: FittedClassifier[] = [];
      const foldMetrics: ClassificationMetrics[] = [];
      const losses: number[] = [];
      const pointCurves: LearningCurve[] = [];
      for (let f = 0; f < input.folds; f++) {
        signal?.throwIfAborted();
        const held = new Set(folds[f]);
        const fitRows = train.filter((r) => !held.has(r));
        const stage = `${name}: grid point ${points.indexOf(point) + 1}/${points.length}, fold ${f + 1}/${input.folds}`;
        const { curve, onIteration } = foldCurve(name, f, point, stage, (done) => ((fitsDone + done) / totalFits) * 0.95, report);
        guard.see("fit", fitRows);
        guard.see("early stopping", validation);
        const fitted = await classifier.fit(memberData[m], fitRows, validation, labels, task, point, { seed: input.seed * 31 + f, signal, threads: options.threads, onIteration });
        fitsDone++;
        report({ progress: (fitsDone / totalFits) * 0.95, stage });
        guard.see("cv held-out fold", folds[f]);
        const p = await fitted.predictProbabilities(memberData[m], folds[f]);
        foldMetrics.push(classificationMetrics(labelsOf(folds[f]), p, classes));
        losses.push(weightedLogLoss(labelsOf(folds[f]), p, k, weightsOf(folds[f])));
        fits.push(fitted);
        pointCurves.push(curve);
      }
      const cv = summariseClassificationFolds(foldMetrics);
      const loss = losses.reduce((a, b) => a + b, 0) / losses.length;
      grid.push({ member: name, hyperparameters: point, cv: cv as never });
      if (!best || loss < best.loss) best = { loss, point, fits, cv, curves: pointCurves };
    }
    members.push({ kind: input.kind, parts, weight: 1, hyperparameters: best!.point, folds: best!.fits });
    curves.push(...best!.curves);
    chosenCv.push(best!.cv);
    hyperparameters[name] = best!.point;
  }

  report({ progress: 0.95, stage: "weighing members on the validation split" });
  const validationLosses: number[] = [];
  for (const [m, member] of members.entries()) {
    guard.see("member validation", validation);
    const alone: ClassifierEnsemble = { task: "classification", spec: modelSpec(input), classes, members: [{ ...member, weight: 1 }] };
    validationLosses.push(weightedLogLoss(labelsOf(validation), await predictClassifierEnsemble(alone, [memberData[m]], validation), k, weightsOf(validation)));
  }
  const weights = members.length === 1 || input.fusionWeighting === "EQUAL" ? members.map(() => 1 / members.length) : normalise(validationLosses.map((l) => 1 / Math.max(l, 1e-12)));
  members.forEach((member, m) => (member.weight = weights[m]));
  const ensemble: ClassifierEnsemble = { task: "classification", spec: modelSpec(input), classes, members };

  report({ progress: 0.97, stage: "evaluating on the test split" });
  guard.evaluate(test);
  const onTest = await predictClassifierEnsemble(ensemble, memberData, test);
  const metrics = classificationMetrics(labelsOf(test), onTest, classes);

  const parts = partsOf(input.modality);
  const engineered = input.features === "ENGINEERED";
  const loaded = parts.map((p) => partData.get(p)!);
  const honest = metrics.expectedCalibrationError <= Math.max(0.05, 1 / Math.sqrt(Math.max(1, metrics.count)));
  const domain: ApplicabilityDomain = {
    // The class is the target: a galaxy's catalogue class is no reason to doubt its prediction.
    classes: [],
    redshift: redshiftRange(train.map((r) => galaxies.redshift[r])),
    features: engineered ? loaded.map((p) => featureRanges(p.part, featureNames(p.part, input), p.tabular.values, p.tabular.cols, train)) : [],
    parts,
    calibration: { k95: 0, testCoverage68: NaN, testCoverage95: NaN, testCount: metrics.count, honest },
  };

  report({ progress: 0.98, stage: "predicting every galaxy" });
  guard.see("served predictions", all);
  const probabilities = await predictClassifierEnsemble(ensemble, memberData, all);
  const value = Float64Array.from(all, (i) => probabilities[i * k + argmaxRow(probabilities, i, k)]);
  const notes = all.map((i) => assessDomain(domain, galaxyFacts(loaded, i, galaxies.classes[i], Number.isNaN(galaxies.redshift[i]) ? null : galaxies.redshift[i], engineered)));
  const ids = (rows: number[]) => rows.map((r) => galaxies.ids[r]).sort((a, b) => Number(BigInt(a) - BigInt(b)));
  const names: Record<string, string[]> = {};
  for (const ps of memberParts) for (const p of ps) names[p] = featureNames(p, input);
  const cv = members.length === 1 ? chosenCv[0] : chosenCv.reduce((a, b) => (a.logLossMean <= b.logLossMean ? a : b));
  return {
    backend,
    hyperparameters,
    grid,
    curves,
    metrics: null,
    cv: null,
    classification: { classes, metrics, cv, probabilities },
    members: [],
    split: { seed: input.seed, train: ids(train), validation: ids(validation), test: ids(test) },
    featureNames: names,
    noiseVariance: 0,
    model: await serializeClassifierEnsemble(ensemble),
    evaluation: null,
    domain,
    fusionWeights: null,
    predictions: { value, sigma: new Float64Array(all.length), notes },
    protocol: guard.record(),
  };
}
