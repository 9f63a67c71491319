import { Field, Int, ObjectType } from "type-graphql";
import { FeatureSet, Modality, PredictionTarget, PredictorKind } from "./PredictorEnums.js";

@ObjectType({ description: "What a predictor is, shared by a Predictor and the TrainingRun that trains it: its learner, inputs and target." })
export class PredictorSpec {
  @Field(() => PredictorKind)
  kind!: PredictorKind;

  @Field(() => Modality)
  modality!: Modality;

  @Field(() => FeatureSet)
  features!: FeatureSet;

  @Field(() => Int, { description: "Image zoom level 0..4 (64, 32, 16, 8, 4 px)." })
  imageZoom!: number;

  @Field(() => Int, { description: "Spectrum zoom level 0..4 (4620, 2310, 1155, 577, 288 bins)." })
  spectrumZoom!: number;

  @Field(() => String, { description: "The quantity predicted, in words." })
  target!: string;

  @Field(() => PredictionTarget, { description: "The target as the request named it (SFR, REDSHIFT or CLASS)." })
  targetKind!: PredictionTarget;

  @Field(() => [String], { nullable: true, description: "A classifier's classes, in the order of its confusion matrix and probabilities; null for a regression." })
  classes!: string[] | null;

  @Field(() => String, { description: "Its unit (and the unit of sigma and the percentiles)." })
  unit!: string;
}
