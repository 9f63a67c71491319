import { Field, Float, ID, ObjectType } from "type-graphql";
import { Prediction } from "./Prediction.js";

@ObjectType({ description: "A galaxy whose prediction moved between two predictor versions." })
export class PredictionChange {
  @Field(() => ID)
  galaxyId!: string;

  @Field(() => Prediction, { description: "The `from` predictor's prediction." })
  from!: Prediction;

  @Field(() => Prediction, { description: "The `to` predictor's prediction." })
  to!: Prediction;

  @Field(() => Float, { description: "to.value − from.value, dex." })
  delta!: number;

  @Field(() => Float, { description: "|delta| / sqrt(from.sigma² + to.sigma²)." })
  combinedSigmas!: number;
}
