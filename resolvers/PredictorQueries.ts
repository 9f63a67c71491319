import { Arg, Ctx, ID, Int, Query, Resolver } from "type-graphql";
import { isGalaxyId } from "../catalog/galaxies.js";
import { NotFoundError, UserInputError } from "../errors/codes.js";
import { listPredictors, type PredictorRecord } from "../models/store/predictors.js";
import { listRuns } from "../models/store/runs.js";
import { Predictor } from "../schema/Predictor.js";
import { TrainingRun } from "../schema/TrainingRun.js";
import type { Context } from "./context.js";
import { toPredictor } from "./predictor.js";
import { toTrainingRun } from "./training-run.js";

function checkId(id: string, argument = "id"): void {
  if (!isGalaxyId(id)) throw new UserInputError([{ argument, message: "must be a positive decimal integer" }]);
}

@Resolver()
export class PredictorQueries {
  @Query(() => [Predictor], { description: "Every trained predictor, oldest first." })
  async predictors(@Ctx() context: Context): Promise<Predictor[]> {
    return (await listPredictors(context.db.sql)).map(toPredictor);
  }

  @Query(() => Predictor, { nullable: true, description: "One predictor; NOT_FOUND when there is none." })
  async predictor(@Arg("id", () => ID) id: string, @Ctx() context: Context): Promise<Predictor> {
    checkId(id);
    const record: PredictorRecord | null = await context.loaders.predictor.load(id);
    if (!record) throw new NotFoundError("Predictor", id);
    return toPredictor(record);
  }

  @Query(() => TrainingRun, { nullable: true, description: "One training run; NOT_FOUND when there is none." })
  async trainingRun(@Arg("id", () => ID) id: string, @Ctx() context: Context): Promise<TrainingRun> {
    checkId(id);
    const run = await context.loaders.run.load(id);
    if (!run) throw new NotFoundError("TrainingRun", id);
    return toTrainingRun(run);
  }

  @Query(() => [TrainingRun], { description: "The most recent training runs, newest first." })
  async trainingRuns(@Arg("first", () => Int, { defaultValue: 20 }) first: number, @Ctx() context: Context): Promise<TrainingRun[]> {
    if (!Number.isInteger(first) || first < 1 || first > 500) throw new UserInputError([{ argument: "first", message: "must be an integer in [1, 500]" }]);
    return (await listRuns(context.db.sql, first)).map(toTrainingRun);
  }
}

export { checkId };
