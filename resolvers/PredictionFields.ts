import { Arg, Args, Ctx, Float, FieldResolver, ID, Int, Resolver, Root } from "type-graphql";
import { checkFirst } from "../catalog/galaxies.js";
import { decodeCursor, encodeCursor, isIdString } from "../catalog/cursor.js";
import { InputChecker } from "../errors/codes.js";
import { PageArgs } from "../schema/ConeSearchArgs.js";
import { PredictionConnection } from "../schema/Connections.js";
import { connectionComplexity, toConnection } from "./connection.js";
import type { GalaxyRecord } from "../catalog/galaxy-record.js";
import { percentilesOf, Z975 } from "../models/training/domain.js";
import type { PredictionRecord } from "../models/store/predictions.js";
import type { PredictorRecord } from "../models/store/predictors.js";
import { Galaxy } from "../schema/Galaxy.js";
import { Prediction } from "../schema/Prediction.js";
import { ClassProbability } from "../schema/ClassificationMetrics.js";
import { argmaxRow } from "../models/evaluation/classification-metrics.js";
import { CLASS_NAMES } from "../models/training/target.js";
import { ModelCard } from "../schema/ModelCard.js";
import { Predictor } from "../schema/Predictor.js";
import { toModelCard } from "./model-card.js";
import { RegressionMetrics } from "../schema/RegressionMetrics.js";
import { TrainingRun } from "../schema/TrainingRun.js";
import type { Context } from "./context.js";
import { toPredictor } from "./predictor.js";
import { predictorByRef } from "./predictor-ref.js";
import { toTrainingRun } from "./training-run.js";

@Resolver(() => Galaxy)
export class GalaxyPredictionFields {
  @FieldResolver(() => Prediction, {
    nullable: true,
    description:
      "This predictor's SFR for the galaxy (computed and stored on first read if the galaxy came after training); null when the galaxy lacks the data the predictor needs. `predictor`: an id, `name@version` or `name@alias`.",
  })
  async prediction(@Root() galaxy: GalaxyRecord, @Arg("predictor", () => ID) ref: string, @Ctx() context: Context): Promise<PredictionRecord | null> {
    const predictor = await predictorByRef(context, ref, "predictor");
    return context.loaders.prediction.load(`${predictor.id}/${galaxy.id}`);
  }

  @FieldResolver(() => PredictionConnection, {
    description: "The galaxy's predictions, by predictor id, a page at a time (computed and stored where missing, as `prediction` does).",
    complexity: connectionComplexity,
  })
  async predictionsConnection(@Root() galaxy: GalaxyRecord, @Args(() => PageArgs) { first, after }: PageArgs, @Ctx() context: Context) {
    const checker = new InputChecker();
    checkFirst(checker, first, context.settings);
    const afterId = after == null ? null : BigInt(decodeCursor(after, "prediction", [isIdString])[0] as string);
    checker.throwIfAny();
    // One row per predictor: the loader already holds them all, so the page is cut in memory.
    const rest = (await context.loaders.galaxyPredictions.load(galaxy.id)).filter((p) => afterId === null || BigInt(p.predictorId) > afterId);
    const nodes = rest.slice(0, first);
    const page = {
      nodes,
      cursorOf: (i: number) => encodeCursor("prediction", [nodes[i].predictorId]),
      hasNextPage: rest.length > first,
      hasPreviousPage: afterId !== null,
      totalCount: async () => (await context.loaders.galaxyPredictions.load(galaxy.id)).length,
    };
    return toConnection(page, (p) => p);
  }

  @FieldResolver(() => [Prediction], {
    description: "Every predictor's prediction for the galaxy, by predictor id (computed and stored where missing, as `prediction` does).",
    deprecationReason: "Use predictionsConnection (Relay connection: first/after, edges, pageInfo, totalCount).",
  })
  predictions(@Root() galaxy: GalaxyRecord, @Ctx() context: Context): Promise<PredictionRecord[]> {
    return context.loaders.galaxyPredictions.load(galaxy.id);
  }
}

/** The predictor's calibrated k₉₅ (1.96 for predictors saved before calibration was stored). */
async function k95Of(prediction: PredictionRecord, context: Context): Promise<number> {
  const predictor = await context.loaders.predictor.load(prediction.predictorId);
  return predictor?.domain?.calibration.k95 ?? Z975;
}

/** A classifier's class names (its stored spec; CLASS_NAMES for the order they were trained in). */
async function classesOf(prediction: PredictionRecord, context: Context): Promise<string[]> {
  const predictor = await context.loaders.predictor.load(prediction.predictorId);
  return predictor?.spec.classes ?? [...CLASS_NAMES];
}

@Resolver(() => Prediction)
export class PredictionFields {
  @FieldResolver(() => Float)
  async p2p5(@Root() p: PredictionRecord, @Ctx() context: Context): Promise<number> {
    return percentilesOf(p.value, p.sigma, await k95Of(p, context)).p2p5;
  }

  @FieldResolver(() => Float)
  async p16(@Root() p: PredictionRecord, @Ctx() context: Context): Promise<number> {
    return percentilesOf(p.value, p.sigma, await k95Of(p, context)).p16;
  }

  @FieldResolver(() => Float)
  p50(@Root() p: PredictionRecord): number {
    return p.value;
  }

  @FieldResolver(() => Float)
  async p84(@Root() p: PredictionRecord, @Ctx() context: Context): Promise<number> {
    return percentilesOf(p.value, p.sigma, await k95Of(p, context)).p84;
  }

  @FieldResolver(() => Float)
  async p97p5(@Root() p: PredictionRecord, @Ctx() context: Context): Promise<number> {
    return percentilesOf(p.value, p.sigma, await k95Of(p, context)).p97p5;
  }

  @FieldResolver(() => [ClassProbability], { nullable: true })
  async classProbabilities(@Root() p: PredictionRecord, @Ctx() context: Context): Promise<ClassProbability[] | null> {
    if (!p.classProbabilities) return null;
    const classes = await classesOf(p, context);
    return p.classProbabilities.map((probability, k) => ({ className: classes[k], probability }));
  }

  @FieldResolver(() => String, { nullable: true })
  async predictedClass(@Root() p: PredictionRecord, @Ctx() context: Context): Promise<string | null> {
    if (!p.classProbabilities) return null;
    return (await classesOf(p, context))[argmaxRow(p.classProbabilities, 0, p.classProbabilities.length)];
  }

  @FieldResolver(() => Boolean)
  async reliable(@Root() p: PredictionRecord, @Ctx() context: Context): Promise<boolean> {
    if (p.inDomain !== true) return false;
    const predictor = await context.loaders.predictor.load(p.predictorId);
    return predictor?.domain?.calibration.honest ?? false;
  }

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

  @FieldResolver(() => ModelCard, { description: "Its model card (also as Markdown at /predictors/{id}/card.md)." })
  async card(@Root() predictor: Predictor, @Ctx() context: Context): Promise<ModelCard> {
    const [record, run, aliases] = await Promise.all([context.loaders.predictor.load(predictor.id), context.loaders.run.load(predictor.runId), context.loaders.aliases.load(predictor.id)]);
    return toModelCard(record!, run, aliases);
  }

  @FieldResolver(() => [String], { description: "Aliases pointing at this version (set with setPredictorAlias)." })
  aliases(@Root() predictor: Predictor, @Ctx() context: Context): Promise<string[]> {
    return context.loaders.aliases.load(predictor.id);
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
