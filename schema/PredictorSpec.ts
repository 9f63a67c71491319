import { Field, Int, ObjectType } from "type-graphql";
import { FeatureSet, Modality, PredictorKind } from "./PredictorEnums.js";

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

  @Field(() => String, { description: "The quantity predicted." })
  target!: string;

  @Field(() => String, { description: "Its unit (and the unit of sigma and the percentiles)." })
  unit!: string;
}
