import { Field, ID, Int, ObjectType } from "type-graphql";
import { PredictorSpec } from "./PredictorSpec.js";
import { FeatureSet, Modality, PredictorKind } from "./PredictorEnums.js";

@ObjectType({ description: "A trained SFR predictor: an ensemble of the cross-validation fold models of its run." })
export class Predictor {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { description: "Its name (given at training, or made from kind, modality, features and zooms); `name@version` and `name@alias` refer to it." })
  name!: string;

  @Field(() => Int, { description: "1, 2, … among the predictors of its name (never reused)." })
  version!: number;

  @Field(() => PredictorSpec, { description: "Learner, modality, features, zooms and target (the same type on Predictor and TrainingRun)." })
  spec!: PredictorSpec;

  @Field(() => PredictorKind, { deprecationReason: "Use spec.kind." })
  kind!: PredictorKind;

  @Field(() => Modality, { deprecationReason: "Use spec.modality." })
  modality!: Modality;

  @Field(() => FeatureSet, { deprecationReason: "Use spec.features." })
  features!: FeatureSet;

  @Field(() => Int, { deprecationReason: "Use spec.imageZoom." })
  imageZoom!: number;

  @Field(() => Int, { deprecationReason: "Use spec.spectrumZoom." })
  spectrumZoom!: number;

  @Field(() => Date)
  createdAt!: Date;

  runId!: string;
}
