import { GraphQLError } from "graphql";
import { Arg, Ctx, ID, Mutation, Resolver } from "type-graphql";
import { isGalaxyId } from "../catalog/galaxies.js";
import { ErrorCode, NotFoundError, UnauthenticatedError, UserInputError } from "../errors/codes.js";
import { ServiceError } from "../models/training/service.js";
import { Prediction } from "../schema/Prediction.js";
import { TrainingRun } from "../schema/TrainingRun.js";
import { TrainPredictorInput } from "../schema/TrainPredictorInput.js";
import type { Context } from "./context.js";
import { checkId } from "./PredictorQueries.js";
import { toTrainingRun } from "./training-run.js";
import { toTrainInput } from "./training-input.js";

/** Largest `galaxies` list of one `predict` call. */
export const MAX_PREDICT_GALAXIES = 1000;

function requireToken(context: Context): void {
  if (!context.authenticated) throw new UnauthenticatedError();
}

/** Service errors become the API's coded errors. */
async function api<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof ServiceError) {
      if (error.code === "NOT_FOUND") throw new GraphQLError(error.message, { extensions: { code: ErrorCode.NOT_FOUND } });
      throw new UserInputError(error.problems.length ? error.problems : [{ argument: "input", message: error.message }]);
    }
    throw error;
  }
}

@Resolver()
export class PredictorMutations {
  @Mutation(() => TrainingRun, {
    description: "Queues a training run and returns it at once (status QUEUED); poll `trainingRun(id)` for progress. Needs the bearer token.",
  })
  async trainPredictor(@Arg("input", () => TrainPredictorInput) input: TrainPredictorInput, @Ctx() context: Context): Promise<TrainingRun> {
    requireToken(context);
    return toTrainingRun(await api(() => context.training.submit(toTrainInput(input))));
  }

  @Mutation(() => TrainingRun, { description: "Cancels a QUEUED or RUNNING run (BAD_USER_INPUT for a finished one). Needs the bearer token." })
  async cancelTrainingRun(@Arg("id", () => ID) id: string, @Ctx() context: Context): Promise<TrainingRun> {
    requireToken(context);
    checkId(id);
    return toTrainingRun(await api(() => context.training.cancel(id)));
  }

  @Mutation(() => ID, { description: "Deletes a predictor and its predictions (its training run stays as history); returns the id. Needs the bearer token." })
  async deletePredictor(@Arg("id", () => ID) id: string, @Ctx() context: Context): Promise<string> {
    requireToken(context);
    checkId(id);
    await api(() => context.training.deletePredictor(id));
    return id;
  }

  @Mutation(() => [Prediction], {
    nullable: "items",
    description: `Predictions of one predictor for up to ${MAX_PREDICT_GALAXIES} galaxies, computed and stored where missing (galaxies ingested after training); null for a galaxy without the data the predictor needs. Needs the bearer token.`,
  })
  async predict(
    @Arg("predictor", () => ID) predictorId: string,
    @Arg("galaxies", () => [ID]) galaxyIds: string[],
    @Ctx() context: Context,
  ): Promise<(Prediction | null)[]> {
    requireToken(context);
    checkId(predictorId, "predictor");
    const bad = galaxyIds.filter((id) => !isGalaxyId(id));
    if (bad.length > 0) throw new UserInputError([{ argument: "galaxies", message: `not galaxy ids: ${bad.slice(0, 5).join(", ")}` }]);
    if (galaxyIds.length > MAX_PREDICT_GALAXIES) throw new UserInputError([{ argument: "galaxies", message: `at most ${MAX_PREDICT_GALAXIES} per call` }]);
    const predictor = await context.loaders.predictor.load(predictorId);
    if (!predictor) throw new NotFoundError("Predictor", predictorId);
    return context.training.predict(predictor, galaxyIds);
  }
}
