import { Field, ID, Int, ObjectType } from "type-graphql";
import { FeatureSet, Modality, PredictorKind } from "./PredictorEnums.js";

@ObjectType({ description: "A trained SFR predictor: an ensemble of the cross-validation fold models of its run." })
export class Predictor {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  name!: string;

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
