/**
 * What the API asks of the model side: submit, cancel, delete, predict.
 * Every caller mistake is reported as input problems before anything is
 * written; predictions missing for galaxies ingested after training are
 * computed here on demand (and stored).
 */
import type { Database } from "../../db/database.js";
import { CodedError, ErrorCode, UserInputError } from "../../errors/codes.js";
import type { CubeStore } from "../../cube/cube-store.js";
import { loadPart, partsOf, type Part } from "../features/feature-set.js";
import { countPredictions, deletePredictor, predictorModel, predictorsByIds, type PredictorRecord } from "../store/predictors.js";
import { insertPredictions, predictionsByKeys, type PredictionRecord } from "../store/predictions.js";
import { cancelRun, createRun, failRun, runsByIds, type RunRecord } from "../store/runs.js";
import { countByClass, countTrainable, featureSourcesOf } from "../store/training-set.js";
import { assessDomain, galaxyFacts } from "./domain.js";
import { predictEnsemble, type Ensemble } from "./ensemble.js";
import { deserializeModel, isClassifierEnsemble, predictClassifierEnsemble, type ClassifierEnsemble } from "./classifier-ensemble.js";
import { argmaxRow } from "../evaluation/classification-metrics.js";
import { checkTrainInput, expandGrid, fixedParameters, type Problem, type TrainInput } from "./input.js";
import { MemberData, learners } from "./learners.js";
import { MIN_TRAINING_GALAXIES } from "./pipeline.js";
import type { TrainingQueue } from "./queue.js";
import { isClassification, targetOf } from "./target.js";

export interface ServiceLimits {
  maxGridPoints: number;
}

const MODEL_CACHE = 8;

export class TrainingService {
  private readonly models = new Map<string, Promise<Ensemble | ClassifierEnsemble>>();

  constructor(
    private readonly db: Database,
    private readonly cube: CubeStore,
    readonly queue: TrainingQueue,
    private readonly limits: ServiceLimits,
    readonly codeVersion: string,
  ) {}

  /** Everything wrong with a request, checked against the data in the database; empty when it can be queued. */
  async problemsOf(input: TrainInput, gridArgument = "input.hyperparameters"): Promise<Problem[]> {
    const problems = checkTrainInput(input, this.limits.maxGridPoints, gridArgument);
    if (problems.length === 0) {
      const learner = learners[input.kind];
      const seen = new Set<string>();
      for (const point of expandGrid(input.kind, input.grid)) {
        for (const p of learner.check({ ...point, ...fixedParameters(input) })) {
          const key = `${p.argument}: ${p.message}`;
          if (!seen.has(key)) problems.push({ argument: `${gridArgument}.${p.argument}`, message: p.message });
          seen.add(key);
        }
      }
    }
    if (problems.length === 0) {
      const count = await countTrainable(this.db.sql, input);
      const needsRedshift = input.features === "ENGINEERED" && partsOf(input.modality).includes("spectrum") && targetOf(input) !== "REDSHIFT";
      if (count >= MIN_TRAINING_GALAXIES && needsRedshift && (await countTrainable(this.db.sql, input, true)) === 0) {
        problems.push({ argument: "input.features", message: "ENGINEERED spectrum features are measured in the rest frame, and none of the labelled galaxies has a redshift; use features: RAW" });
      }
      const trainingPart = Math.floor(count * 0.6);
      if (count >= MIN_TRAINING_GALAXIES && input.folds > Math.floor(trainingPart / 5)) {
        problems.push({ argument: "input.folds", message: `${input.folds} folds leave fewer than 5 of the ~${trainingPart} training galaxies per fold; use at most ${Math.max(2, Math.floor(trainingPart / 5))}` });
      }
      const target = targetOf(input);
      const labelled = { SFR: "a label passing labelFilter", REDSHIFT: "a catalogue redshift", CLASS: "a catalogue class (GALAXY, QSO or STAR)" }[target];
      if (count < MIN_TRAINING_GALAXIES) {
        problems.push({
          argument: target === "SFR" ? "input" : "input.target",
          message: `only ${count} galaxies have ${labelled} and the ${partsOf(input.modality).join(" and ")} data this modality needs; at least ${MIN_TRAINING_GALAXIES} are required — ${target === "SFR" ? "widen labelFilter, " : ""}choose another modality, or ingest labelled galaxies`,
        });
      } else if (isClassification(input)) {
        const byClass = await countByClass(this.db.sql, input);
        if (byClass.size < 2) {
          const only = [...byClass.keys()][0];
          problems.push({ argument: "input.target", message: `every one of the ${count} labelled galaxies is of class ${only}: a classifier needs at least two classes` });
        }
      }
    }
    return problems;
  }

  /** Queues a run; BAD_USER_INPUT with every problem (`gridArgument`: how the request named its grid). */
  async submit(input: TrainInput, gridArgument?: string): Promise<RunRecord> {
    const problems = await this.problemsOf(input, gridArgument);
    if (problems.length > 0) throw new UserInputError(problems);
    const run = await createRun(this.db.sql, input, this.codeVersion);
    try {
      await this.queue.enqueue(run.id);
    } catch (error) {
      await failRun(this.db.sql, run.id, `could not be queued: ${(error as Error).message}`).catch(() => {});
      throw error;
    }
    return run;
  }

  async cancel(runId: string): Promise<RunRecord> {
    const [run] = await runsByIds(this.db.sql, [runId]);
    if (!run) throw new CodedError(ErrorCode.NOT_FOUND, `training run ${JSON.stringify(runId)} does not exist`);
    if (!(await cancelRun(this.db.sql, runId))) {
      const [now] = await runsByIds(this.db.sql, [runId]);
      const message = `training run ${runId} has already finished (${now!.status}); only QUEUED or RUNNING runs can be cancelled`;
      throw new UserInputError([{ argument: "id", message }]);
    }
    this.queue.cancel(runId);
    return (await runsByIds(this.db.sql, [runId]))[0]!;
  }

  async deletePredictor(id: string): Promise<void> {
    if (!(await deletePredictor(this.db.sql, id))) throw new CodedError(ErrorCode.NOT_FOUND, `predictor ${JSON.stringify(id)} does not exist`);
    this.models.delete(id);
  }

  private ensemble(predictorId: string): Promise<Ensemble | ClassifierEnsemble> {
    let cached = this.models.get(predictorId);
    if (!cached) {
      cached = predictorModel(this.db.sql, predictorId).then((bytes) => {
        if (!bytes) throw new CodedError(ErrorCode.NOT_FOUND, `predictor ${JSON.stringify(predictorId)} does not exist`);
        return deserializeModel(bytes);
      });
      cached.catch(() => this.models.delete(predictorId));
      if (this.models.size >= MODEL_CACHE) this.models.delete(this.models.keys().next().value!);
      this.models.set(predictorId, cached);
    }
    return cached;
  }

  /**
   * Predictions of one predictor for the given galaxies: stored ones as they
   * are, missing ones computed now and stored. Galaxies without the data
   * the predictor needs get null.
   */
  async predict(predictor: PredictorRecord, galaxyIds: readonly string[]): Promise<(PredictionRecord | null)[]> {
    const stored = await predictionsByKeys(this.db.sql, galaxyIds.map((galaxyId) => ({ predictorId: predictor.id, galaxyId })));
    const missing = galaxyIds.filter((_, i) => !stored[i]);
    if (missing.length === 0) return stored;
    const sources = await featureSourcesOf(this.db.sql, missing, predictor.spec.modality);
    if (sources.length > 0) {
      const ensemble = await this.ensemble(predictor.id);
      await this.cube.verify(sources.map((s) => s.cube));
      const parts = new Map<Part, ReturnType<typeof loadPart>>();
      for (const part of partsOf(ensemble.spec.modality)) parts.set(part, loadPart(this.cube, sources, part, ensemble.spec));
      const data = ensemble.members.map((m) => new MemberData(m.parts.map((p) => parts.get(p)!), ensemble.spec));
      const rows = sources.map((_, i) => i);
      let predicted: { value: Float64Array; sigma: Float64Array };
      let probabilities: { values: Float64Array; classCount: number } | undefined;
      if (isClassifierEnsemble(ensemble)) {
        const k = ensemble.classes.length;
        const values = await predictClassifierEnsemble(ensemble, data, rows);
        probabilities = { values, classCount: k };
        predicted = { value: Float64Array.from(rows, (i) => values[i * k + argmaxRow(values, i, k)]), sigma: new Float64Array(rows.length) };
      } else {
        predicted = await predictEnsemble(ensemble, data, rows);
      }
      const loaded = partsOf(ensemble.spec.modality).map((p) => parts.get(p)!);
      const domain = predictor.domain;
      const notes = sources.map((s, i) => (domain ? assessDomain(domain, galaxyFacts(loaded, i, s.class, s.redshift, ensemble.spec.features === "ENGINEERED")) : []));
      try {
        await insertPredictions(this.db.sql, predictor.id, sources.map((s) => s.id), predicted.value, predicted.sigma, notes, probabilities);
      } catch (error) {
        // The predictor (or a galaxy) was deleted meanwhile.
        if ((error as { code?: string }).code === "23503") throw new CodedError(ErrorCode.NOT_FOUND, `predictor ${JSON.stringify(predictor.id)} or one of the galaxies was deleted`);
        throw error;
      }
      // Read back rather than echoed: a concurrent request may have stored this galaxy's prediction first.
      const computed = new Map((await predictionsByKeys(this.db.sql, sources.map((s) => ({ predictorId: predictor.id, galaxyId: s.id })))).filter((p) => p !== null).map((p) => [p!.galaxyId, p!]));
      return stored.map((p, i) => p ?? (Number.isFinite(computed.get(galaxyIds[i])?.value) ? computed.get(galaxyIds[i])! : null));
    }
    return stored;
  }

  async predictor(id: string): Promise<PredictorRecord> {
    const [p] = await predictorsByIds(this.db.sql, [id]);
    if (!p) throw new CodedError(ErrorCode.NOT_FOUND, `predictor ${JSON.stringify(id)} does not exist`);
    return p;
  }

  countPredictions(id: string): Promise<number> {
    return countPredictions(this.db.sql, id);
  }
}
