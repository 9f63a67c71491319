import { Field, Float, ID, ObjectType } from "type-graphql";

@ObjectType({ description: "A predictor's estimate of a galaxy's star-formation rate." })
export class Prediction {
  @Field(() => Float, { description: "Predicted log10 SFR, solar masses per year." })
  value!: number;

  @Field(() => Float, { description: "1-sigma predictive uncertainty, dex (fold-ensemble spread plus validation-calibrated noise)." })
  sigma!: number;

  @Field(() => ID, { description: "The predictor's id (the `predictor` field resolves it)." })
  predictorId!: string;

  galaxyId!: string;
}
