import { Arg, Args, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from "type-graphql";
import { NotFoundError, UserInputError } from "../errors/codes.js";
import type { CellRecord } from "../models/store/experiments.js";
import type { ExperimentRequest } from "../models/training/experiment-plan.js";
import { ExperimentService, type ExperimentView } from "../models/training/experiments.js";
import { CnnArchitecture, Experiment, ExperimentCell, ExperimentInput, type ProtocolHolder } from "../schema/Experiment.js";
import { CellProtocol, ExperimentProtocol } from "../schema/ExperimentProtocol.js";
import { experimentProtocol, type ExperimentProtocol as Checks } from "../models/training/experiment-protocol.js";
import { requireToken, type Context } from "./context.js";
import { checkId, checkPage } from "./PredictorQueries.js";
import { connectionComplexity, toConnection } from "./connection.js";
import { ExperimentConnection } from "../schema/Connections.js";
import { PageArgs } from "../schema/ConeSearchArgs.js";
import { toTrainingRun } from "./training-run.js";

const service = (context: Context) => new ExperimentService(context.db, context.training, context.settings.maxExperimentCells);

export function toExperimentRequest(input: ExperimentInput): ExperimentRequest {
  return {
    preset: input.preset ?? null,
    learners: (input.learners as ExperimentRequest["learners"]) ?? null,
    modalities: (input.modalities as ExperimentRequest["modalities"]) ?? null,
    imageZooms: input.imageZooms ?? null,
    spectrumZooms: input.spectrumZooms ?? null,
    features: (input.features as ExperimentRequest["features"]) ?? null,
    seed: input.seed,
    folds: input.folds,
    labelFilter: {
      flag: input.labelFilter ? (input.labelFilter.flag ?? null) : 0,
      minAvg: input.labelFilter?.minAvg ?? null,
      maxAvg: input.labelFilter?.maxAvg ?? null,
    },
    cnnArchitecture: input.cnnArchitecture === CnnArchitecture.THESIS_VGG ? "thesis_vgg" : "compact",
    cnnFusions: (input.cnnFusions as ExperimentRequest["cnnFusions"]) ?? null,
    ...(input.excludeBlended ? { excludeBlended: true } : {}),
    ...(input.target && input.target !== "SFR" ? { target: input.target } : {}),
    ...(input.classWeights ? { classWeights: input.classWeights } : {}),
  };
}

function toCell({ cell, run }: CellRecord, index: number, checks: ProtocolHolder): ExperimentCell {
  const timings = (run.timings ?? {}) as Record<string, number>;
  const trainingRun = toTrainingRun(run);
  const succeeded = run.status === "SUCCEEDED";
  return {
    run: trainingRun,
    reference: cell.reference,
    learner: cell.learner as ExperimentCell["learner"],
    modality: cell.modality as ExperimentCell["modality"],
    imageZoom: cell.imageZoom,
    spectrumZoom: cell.spectrumZoom,
    features: cell.features as ExperimentCell["features"],
    fusion: cell.learner === "CNN" && cell.modality === "EARLY_FUSION" ? ((cell.fusion ?? "CONCAT") as ExperimentCell["fusion"]) : null,
    studies: cell.studies,
    // A classifier cell's metrics are its run's classification and classificationCv; metrics and cv are regression's.
    metrics: succeeded && !trainingRun.classification ? (run.metrics as unknown as ExperimentCell["metrics"]) : null,
    cv: succeeded && !trainingRun.classification ? (run.cv as unknown as ExperimentCell["cv"]) : null,
    classification: succeeded ? trainingRun.classification : null,
    classificationCv: succeeded ? trainingRun.classificationCv : null,
    trainSeconds: typeof timings.trainSeconds === "number" ? timings.trainSeconds : null,
    backend: run.backend,
    checks,
    index,
  };
}

export function toExperiment(view: ExperimentView): Experiment {
  const { experiment: e, cells } = view;
  const checks: ProtocolHolder = { view };
  return {
    id: e.id,
    status: e.status as Experiment["status"],
    progress: e.progress,
    preset: (e.input.preset as string | null) ?? null,
    seed: e.seed,
    split: e.split && { seed: e.split.seed, trainCount: e.split.train.length, validationCount: e.split.validation.length, testCount: e.split.test.length, sameForEveryCell: e.split.sameForEveryCell },
    cells: cells.map((c, i) => toCell(c, i, checks)),
    checks,
    error: e.error,
    queuedAt: e.queuedAt,
    startedAt: e.startedAt,
    finishedAt: e.finishedAt,
  };
}

@Resolver()
export class ExperimentResolvers {
  @Mutation(() => Experiment, {
    description: "Queues an experiment (a preset or a grid of cells, each a training run, all on one split and seed, plus two reference cells) and returns it at once. Needs the bearer token.",
  })
  async runExperiment(@Arg("input", () => ExperimentInput) input: ExperimentInput, @Ctx() context: Context): Promise<Experiment> {
    requireToken(context);
    return toExperiment(await service(context).submit(toExperimentRequest(input)));
  }

  @Mutation(() => Experiment, { description: "Cancels an unfinished experiment and its QUEUED and RUNNING cells (BAD_USER_INPUT for a finished one). Needs the bearer token." })
  async cancelExperiment(@Arg("id", () => ID) id: string, @Ctx() context: Context): Promise<Experiment> {
    requireToken(context);
    checkId(id);
    return toExperiment(await service(context).cancel(id));
  }

  @Query(() => Experiment, { description: "One experiment with its cells; NOT_FOUND when there is none." })
  async experiment(@Arg("id", () => ID) id: string, @Ctx() context: Context): Promise<Experiment> {
    checkId(id);
    const view = await service(context).get(id);
    if (!view) throw new NotFoundError("Experiment", id);
    return toExperiment(view);
  }

  @Query(() => ExperimentConnection, { description: "The experiments, newest first, a page at a time.", complexity: connectionComplexity })
  async experimentsConnection(@Args(() => PageArgs) { first, after }: PageArgs, @Ctx() context: Context) {
    checkPage(first, context);
    return toConnection(await service(context).page(first, after ?? null), toExperiment);
  }

  @Query(() => [Experiment], { description: "The most recent experiments, newest first.", deprecationReason: "Use experimentsConnection (Relay connection: first/after, edges, pageInfo, totalCount)." })
  async experiments(@Arg("first", () => Int, { defaultValue: 20 }) first: number, @Ctx() context: Context): Promise<Experiment[]> {
    if (!Number.isInteger(first) || first < 1 || first > 100) throw new UserInputError([{ argument: "first", message: "must be an integer in [1, 100]" }]);
    return (await service(context).list(first)).map(toExperiment);
  }
}

/** The protocol checks, computed once per experiment and response however many fields ask. */
function checksOf(holder: ProtocolHolder, context: Context): Promise<Checks> {
  const view = holder.view as ExperimentView;
  holder.computed ??= experimentProtocol(context.db.sql, view.experiment, view.cells);
  return holder.computed as Promise<Checks>;
}

@Resolver(() => Experiment)
export class ExperimentProtocolFields {
  @FieldResolver(() => ExperimentProtocol)
  async protocol(@Root() experiment: Experiment, @Ctx() context: Context): Promise<ExperimentProtocol> {
    return checksOf(experiment.checks, context);
  }
}

@Resolver(() => ExperimentCell)
export class CellProtocolFields {
  @FieldResolver(() => CellProtocol)
  async protocol(@Root() cell: ExperimentCell, @Ctx() context: Context): Promise<CellProtocol> {
    return (await checksOf(cell.checks, context)).cells[cell.index];
  }
}
