import { Field, Float, ID, ObjectType } from "type-graphql";
import { ClassProbability } from "./ClassificationMetrics.js";

@ObjectType({
  description:
    "A predictor's estimate of a galaxy's star-formation rate (log10 SFR, solar masses per year; percentiles of the calibrated predictive distribution, see the README), or of its target (Predictor.spec: REDSHIFT in z; CLASS as class probabilities, `value` then the predicted class's probability and `sigma` 0), and whether the galaxy is one the predictor may be asked about.",
})
export class Prediction {
  @Field(() => Float, { description: "Predicted log10 SFR, solar masses per year (the distribution's centre, = p50)." })
  value!: number;

  @Field(() => Float, { description: "1-sigma predictive uncertainty, dex (fold-ensemble spread plus validation-calibrated noise)." })
  sigma!: number;

  @Field(() => Float, { description: "2.5th percentile of the predictive distribution, log10 Msun/yr." })
  p2p5!: number;

  @Field(() => Float, { description: "16th percentile, log10 Msun/yr." })
  p16!: number;

  @Field(() => Float, { description: "Median, log10 Msun/yr." })
  p50!: number;

  @Field(() => Float, { description: "84th percentile, log10 Msun/yr." })
  p84!: number;

  @Field(() => Float, { description: "97.5th percentile, log10 Msun/yr." })
  p97p5!: number;

  @Field(() => Boolean, {
    nullable: true,
    description: "Whether the galaxy lies in the predictor's applicability domain (class trained on, redshift and features within the training 0.5–99.5 percentiles, needed data present and not mostly masked); null for predictions stored before domains were assessed.",
  })
  inDomain!: boolean | null;

  @Field(() => [String], { description: "Why the galaxy is out of the domain (empty when in it)." })
  domainNotes!: string[];

  @Field(() => Boolean, { description: "In the domain and the predictor's uncertainties were honest on its test galaxies (the README's rule)." })
  reliable!: boolean;

  @Field(() => [ClassProbability], { nullable: true, description: "A classifier's probability of each class (its spec.classes order, summing to 1); null for a regression." })
  classProbabilities!: ClassProbability[] | null;

  @Field(() => String, { nullable: true, description: "A classifier's most probable class; null for a regression." })
  predictedClass!: string | null;

  @Field(() => ID, { description: "The predictor's id (the `predictor` field resolves it)." })
  predictorId!: string;

  galaxyId!: string;
}
