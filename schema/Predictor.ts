import { Field, ID, Int, ObjectType } from "type-graphql";
import { FeatureSet, Modality, PredictorKind } from "./PredictorEnums.js";

@ObjectType({ description: "A trained SFR predictor: an ensemble of the cross-validation fold models of its run." })
export class Predictor {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { description: "Its name (given at training, or made from kind, modality, features and zooms); `name@version` and `name@alias` refer to it." })
  name!: string;

  @Field(() => Int, { description: "1, 2, … among the predictors of its name (never reused)." })
  version!: number;

  @Field(() => PredictorKind)
  kind!: PredictorKind;

  @Field(() => Modality)
  modality!: Modality;

  @Field(() => FeatureSet)
  features!: FeatureSet;

  @Field(() => Int)
  imageZoom!: number;

  @Field(() => Int)
  spectrumZoom!: number;

  @Field(() => Date)
  createdAt!: Date;

  runId!: string;
}
