import { Arg, Args, Ctx, Float, ID, Int, Query, Resolver } from "type-graphql";
import { checkFirst } from "../catalog/galaxies.js";
import { pagePredictors } from "../models/store/predictors.js";
import { pageRuns } from "../models/store/runs.js";
import { PageArgs } from "../schema/ConeSearchArgs.js";
import { PredictorConnection, TrainingRunConnection } from "../schema/Connections.js";
import { connectionComplexity, toConnection } from "./connection.js";
import { predictionChanges } from "../models/store/predictions.js";
import { PredictionChange } from "../schema/PredictionChange.js";
import { isGalaxyId } from "../catalog/galaxies.js";
import { InputChecker, NotFoundError, UserInputError } from "../errors/codes.js";
import { listPredictors } from "../models/store/predictors.js";
import { listRuns } from "../models/store/runs.js";
import { Predictor } from "../schema/Predictor.js";
import { TrainingRun } from "../schema/TrainingRun.js";
import type { Context } from "./context.js";
import { toPredictor } from "./predictor.js";
import { predictorByRef } from "./predictor-ref.js";
import { toTrainingRun } from "./training-run.js";

function checkPage(first: number, context: Context): void {
  const checker = new InputChecker();
  checkFirst(checker, first, context.settings);
  checker.throwIfAny();
}

function checkId(id: string, argument = "id"): void {
  if (!isGalaxyId(id)) throw new UserInputError([{ argument, message: "must be a positive decimal integer" }]);
}

@Resolver()
export class PredictorQueries {
  @Query(() => PredictorConnection, { description: "The trained predictors, oldest first, a page at a time.", complexity: connectionComplexity })
  async predictorsConnection(@Args(() => PageArgs) { first, after }: PageArgs, @Ctx() context: Context) {
    checkPage(first, context);
    return toConnection(await pagePredictors(context.db.sql, first, after ?? null), toPredictor);
  }

  @Query(() => [Predictor], { description: "Every trained predictor, oldest first.", deprecationReason: "Use predictorsConnection (Relay connection: first/after, edges, pageInfo, totalCount)." })
  async predictors(@Ctx() context: Context): Promise<Predictor[]> {
    return (await listPredictors(context.db.sql)).map(toPredictor);
  }

  @Query(() => Predictor, { description: "One predictor by id, `name@version` or `name@alias`; NOT_FOUND (with problems) when there is none." })
  async predictor(@Arg("id", () => ID) ref: string, @Ctx() context: Context): Promise<Predictor> {
    return toPredictor(await predictorByRef(context, ref, "id"));
  }

  @Query(() => [PredictionChange], {
    description:
      "What changes when `to` replaces `from` (each an id, name@version or name@alias): the galaxies whose stored predictions differ by more than `minSigma` combined sigmas, largest change first (at most `first`, ≤ 500).",
    complexity: ({ args, childComplexity }) => 1 + childComplexity * Math.max(1, Number(args.first ?? 100)),
  })
  async predictionChanges(
    @Arg("from", () => ID) from: string,
    @Arg("to", () => ID) to: string,
    @Arg("minSigma", () => Float, { defaultValue: 1 }) minSigma: number,
    @Arg("first", () => Int, { defaultValue: 100 }) first: number,
    @Ctx() context: Context,
  ): Promise<PredictionChange[]> {
    const problems = [];
    if (!Number.isFinite(minSigma) || minSigma < 0) problems.push({ argument: "minSigma", message: "must be a number ≥ 0 (combined sigmas)" });
    if (!Number.isInteger(first) || first < 0 || first > 500) problems.push({ argument: "first", message: "must be an integer in [0, 500]" });
    if (problems.length) throw new UserInputError(problems);
    const [a, b] = await Promise.all([predictorByRef(context, from, "from"), predictorByRef(context, to, "to")]);
    const changes = await predictionChanges(context.db.sql, a.id, b.id, minSigma, first, null);
    return changes.map((c) => ({ galaxyId: c.galaxyId, from: c.from as never, to: c.to as never, delta: c.to.value - c.from.value, combinedSigmas: c.combinedSigmas }));
  }

  @Query(() => TrainingRun, { description: "One training run; NOT_FOUND (with problems) when there is none." })
  async trainingRun(@Arg("id", () => ID) id: string, @Ctx() context: Context): Promise<TrainingRun> {
    checkId(id);
    const run = await context.loaders.run.load(id);
    if (!run) throw new NotFoundError("TrainingRun", id);
    return toTrainingRun(run);
  }

  @Query(() => TrainingRunConnection, { description: "The training runs, newest first, a page at a time.", complexity: connectionComplexity })
  async trainingRunsConnection(@Args(() => PageArgs) { first, after }: PageArgs, @Ctx() context: Context) {
    checkPage(first, context);
    return toConnection(await pageRuns(context.db.sql, first, after ?? null), toTrainingRun);
  }

  @Query(() => [TrainingRun], { description: "The most recent training runs, newest first.", deprecationReason: "Use trainingRunsConnection (Relay connection: first/after, edges, pageInfo, totalCount)." })
  async trainingRuns(@Arg("first", () => Int, { defaultValue: 20 }) first: number, @Ctx() context: Context): Promise<TrainingRun[]> {
    if (!Number.isInteger(first) || first < 1 || first > 500) throw new UserInputError([{ argument: "first", message: "must be an integer in [1, 500]" }]);
    return (await listRuns(context.db.sql, first)).map(toTrainingRun);
  }
}

export { checkId, checkPage };
