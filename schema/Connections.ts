/**
 * Relay connections of the lists that grow (training runs, predictors, experiments, a
 * galaxy's predictions), shaped like GalaxyConnection: `edges { cursor node }`,
 * `pageInfo`, `totalCount`.
 */
import { Field, Int, ObjectType } from "type-graphql";
import { Experiment } from "./Experiment.js";
import { PageInfo } from "./GalaxyConnection.js";
import { Prediction } from "./Prediction.js";
import { Predictor } from "./Predictor.js";
import { TrainingRun } from "./TrainingRun.js";

@ObjectType()
export class TrainingRunEdge {
  @Field(() => String, { description: "Opaque keyset cursor." })
  cursor!: string;

  @Field(() => TrainingRun)
  node!: TrainingRun;
}

@ObjectType({ description: "A page of training runs, newest first (Relay cursor connection)." })
export class TrainingRunConnection {
  @Field(() => [TrainingRunEdge])
  edges!: TrainingRunEdge[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;

  @Field(() => Int, { description: "Number of training runs, over all pages (costs one extra query)." })
  totalCount!: number;
}

@ObjectType()
export class PredictorEdge {
  @Field(() => String, { description: "Opaque keyset cursor." })
  cursor!: string;

  @Field(() => Predictor)
  node!: Predictor;
}

@ObjectType({ description: "A page of predictors, oldest first (Relay cursor connection)." })
export class PredictorConnection {
  @Field(() => [PredictorEdge])
  edges!: PredictorEdge[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;

  @Field(() => Int, { description: "Number of predictors, over all pages (costs one extra query)." })
  totalCount!: number;
}

@ObjectType()
export class PredictionEdge {
  @Field(() => String, { description: "Opaque keyset cursor." })
  cursor!: string;

  @Field(() => Prediction)
  node!: Prediction;
}

@ObjectType({ description: "A page of one galaxy's predictions, by predictor id (Relay cursor connection)." })
export class PredictionConnection {
  @Field(() => [PredictionEdge])
  edges!: PredictionEdge[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;

  @Field(() => Int, { description: "Number of predictions of the galaxy, over all pages." })
  totalCount!: number;
}

@ObjectType()
export class ExperimentEdge {
  @Field(() => String, { description: "Opaque keyset cursor." })
  cursor!: string;

  @Field(() => Experiment)
  node!: Experiment;
}

@ObjectType({ description: "A page of experiments, newest first (Relay cursor connection)." })
export class ExperimentConnection {
  @Field(() => [ExperimentEdge])
  edges!: ExperimentEdge[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;

  @Field(() => Int, { description: "Number of experiments, over all pages (costs one extra query)." })
  totalCount!: number;
}
