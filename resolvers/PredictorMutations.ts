import { Arg, Ctx, ID, Int, Mutation, Resolver } from "type-graphql";
import { isGalaxyId } from "../catalog/galaxies.js";
import { UserInputError } from "../errors/codes.js";
import { aliasProblem, nameProblem, setAlias } from "../models/store/registry.js";
import type { PredictionRecord } from "../models/store/predictions.js";
import { Prediction } from "../schema/Prediction.js";
import { Predictor } from "../schema/Predictor.js";
import { TrainingRun } from "../schema/TrainingRun.js";
import { TrainPredictorInput } from "../schema/TrainPredictorInput.js";
import { requireToken, type Context } from "./context.js";
import { checkId } from "./PredictorQueries.js";
import { toPredictor } from "./predictor.js";
import { notFound, predictorByRef } from "./predictor-ref.js";
import { toTrainingRun } from "./training-run.js";
import { toTrainInput } from "./training-input.js";

/** Largest `galaxies` list of one `predict` call. */
export const MAX_PREDICT_GALAXIES = 1000;

@Resolver()
export class PredictorMutations {
  @Mutation(() => TrainingRun, {
    description: "Queues a training run and returns it at once (status QUEUED); poll `trainingRun(id)` for progress. Needs the bearer token.",
  })
  async trainPredictor(@Arg("input", () => TrainPredictorInput) input: TrainPredictorInput, @Ctx() context: Context): Promise<TrainingRun> {
    requireToken(context);
    const { input: train, gridArgument } = toTrainInput(input);
    return toTrainingRun(await context.training.submit(train, gridArgument));
  }

  @Mutation(() => TrainingRun, { description: "Cancels a QUEUED or RUNNING run (BAD_USER_INPUT for a finished one). Needs the bearer token." })
  async cancelTrainingRun(@Arg("id", () => ID) id: string, @Ctx() context: Context): Promise<TrainingRun> {
    requireToken(context);
    checkId(id);
    return toTrainingRun(await context.training.cancel(id));
  }

  @Mutation(() => ID, {
    description: "Deletes a predictor (id, name@version or name@alias) with its predictions and aliases (its training run stays as history; its version number is not reused); returns the id. Needs the bearer token.",
  })
  async deletePredictor(@Arg("id", () => ID) ref: string, @Ctx() context: Context): Promise<string> {
    requireToken(context);
    const { id } = await predictorByRef(context, ref, "id");
    await context.training.deletePredictor(id);
    return id;
  }

  @Mutation(() => Predictor, {
    description: "Points `name@alias` (e.g. champion) at one version of a name, moving it if it pointed elsewhere; returns that version. Needs the bearer token.",
  })
  async setPredictorAlias(
    @Arg("name", () => String) name: string,
    @Arg("alias", () => String) alias: string,
    @Arg("version", () => Int) version: number,
    @Ctx() context: Context,
  ): Promise<Predictor> {
    requireToken(context);
    const problems = [];
    const badName = nameProblem(name);
    if (badName) problems.push({ argument: "name", message: badName });
    const badAlias = aliasProblem(alias);
    if (badAlias) problems.push({ argument: "alias", message: badAlias });
    if (!Number.isInteger(version) || version < 1) problems.push({ argument: "version", message: "must be an integer ≥ 1" });
    if (problems.length) throw new UserInputError(problems);
    const id = await setAlias(context.db.sql, name, alias, version);
    if (id === null) {
      // Say what exists: resolving name@version gives the registry's message.
      const resolved = await context.loaders.predictorRef.load(`${name}@${version}`);
      throw notFound([{ argument: "version", message: "message" in resolved ? resolved.message : `${name} has no version ${version}` }]);
    }
    context.loaders.aliases.clear(id);
    const record = await context.loaders.predictor.load(id);
    return toPredictor(record!);
  }

  @Mutation(() => [Prediction], {
    nullable: "items",
    description: `Predictions of one predictor (id, name@version or name@alias) for up to ${MAX_PREDICT_GALAXIES} galaxies, computed and stored where missing (galaxies ingested after training); null for a galaxy without the data the predictor needs; NOT_FOUND (with problems) for ids that name no galaxy. Needs the bearer token.`,
  })
  async predict(
    @Arg("predictor", () => ID) predictorId: string,
    @Arg("galaxies", () => [ID]) galaxyIds: string[],
    @Ctx() context: Context,
  ): Promise<(PredictionRecord | null)[]> {
    requireToken(context);
    const bad = galaxyIds.filter((id) => !isGalaxyId(id));
    if (bad.length > 0) throw new UserInputError([{ argument: "galaxies", message: `not galaxy ids: ${bad.slice(0, 5).join(", ")}` }]);
    if (galaxyIds.length > MAX_PREDICT_GALAXIES) throw new UserInputError([{ argument: "galaxies", message: `at most ${MAX_PREDICT_GALAXIES} per call` }]);
    const predictor = await predictorByRef(context, predictorId, "predictor");
    const galaxies = await context.loaders.galaxy.loadMany(galaxyIds);
    const missing = galaxyIds.filter((_, i) => galaxies[i] === null);
    if (missing.length > 0) {
      const shown = missing.slice(0, 10).join(", ");
      throw notFound([{ argument: "galaxies", message: `${missing.length} of the ids name no galaxy: ${shown}${missing.length > 10 ? ", …" : ""}` }]);
    }
    return context.training.predict(predictor, galaxyIds);
  }
}
