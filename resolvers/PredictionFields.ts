import { Arg, Ctx, FieldResolver, ID, Int, Resolver, Root } from "type-graphql";
import type { GalaxyRecord } from "../catalog/galaxy-record.js";
import { NotFoundError } from "../errors/codes.js";
import type { PredictionRecord } from "../models/store/predictions.js";
import type { PredictorRecord } from "../models/store/predictors.js";
import { Galaxy } from "../schema/Galaxy.js";
import { Prediction } from "../schema/Prediction.js";
import { Predictor } from "../schema/Predictor.js";
import { RegressionMetrics } from "../schema/RegressionMetrics.js";
import { TrainingRun } from "../schema/TrainingRun.js";
import type { Context } from "./context.js";
import { toPredictor } from "./predictor.js";
import { checkId } from "./PredictorQueries.js";
import { toTrainingRun } from "./training-run.js";

@Resolver(() => Galaxy)
export class GalaxyPredictionFields {
  @FieldResolver(() => Prediction, {
    nullable: true,
    description: "This predictor's SFR for the galaxy (computed and stored on first read if the galaxy came after training); null when the galaxy lacks the data the predictor needs.",
  })
  async prediction(@Root() galaxy: GalaxyRecord, @Arg("predictor", () => ID) predictorId: string, @Ctx() context: Context): Promise<PredictionRecord | null> {
    checkId(predictorId, "predictor");
    const predictor = await context.loaders.predictor.load(predictorId);
    if (!predictor) throw new NotFoundError("Predictor", predictorId);
    return context.loaders.prediction.load(`${predictorId}/${galaxy.id}`);
  }

  @FieldResolver(() => [Prediction], { description: "Every stored prediction for the galaxy, by predictor id." })
  predictions(@Root() galaxy: GalaxyRecord, @Ctx() context: Context): Promise<PredictionRecord[]> {
    return context.loaders.galaxyPredictions.load(galaxy.id);
  }
}

@Resolver(() => Prediction)
export class PredictionFields {
  @FieldResolver(() => Predictor, { nullable: true })
  async predictor(@Root() prediction: PredictionRecord, @Ctx() context: Context): Promise<Predictor | null> {
    const record = await context.loaders.predictor.load(prediction.predictorId);
    return record && toPredictor(record);
  }
}

@Resolver(() => Predictor)
export class PredictorFields {
  @FieldResolver(() => TrainingRun, { description: "The run that trained it (its report: split, grid, curves, metrics)." })
  async run(@Root() predictor: Predictor, @Ctx() context: Context): Promise<TrainingRun> {
    const run = await context.loaders.run.load(predictor.runId);
    return toTrainingRun(run!);
  }

  @FieldResolver(() => RegressionMetrics, { nullable: true, description: "Its test-split metrics (same as run.metrics)." })
  async metrics(@Root() predictor: Predictor, @Ctx() context: Context): Promise<RegressionMetrics | null> {
    const run = await context.loaders.run.load(predictor.runId);
    return (run?.metrics as RegressionMetrics | null) ?? null;
  }

  @FieldResolver(() => Int, { description: "Predictions stored for it." })
  predictionCount(@Root() predictor: Predictor, @Ctx() context: Context): Promise<number> {
    return context.training.countPredictions(predictor.id);
  }
}

@Resolver(() => TrainingRun)
export class TrainingRunFields {
  @FieldResolver(() => Predictor, { nullable: true, description: "The predictor it produced (SUCCEEDED runs whose predictor was not deleted)." })
  async predictor(@Root() run: TrainingRun, @Ctx() context: Context): Promise<Predictor | null> {
    if (!run.predictorId) return null;
    const record: PredictorRecord | null = await context.loaders.predictor.load(run.predictorId);
    return record && toPredictor(record);
  }
}
