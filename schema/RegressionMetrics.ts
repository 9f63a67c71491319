import { Field, Float, Int, ObjectType } from "type-graphql";

@ObjectType({ description: "How well predictions match held-out MPA-JHU labels (dex of log10 SFR unless noted)." })
export class RegressionMetrics {
  @Field(() => Int, { description: "Galaxies evaluated." })
  count!: number;

  @Field(() => Float, { nullable: true, description: "Coefficient of determination, 1 − SS_res/SS_tot." })
  r2!: number | null;

  @Field(() => Float, { description: "Mean absolute error." })
  mae!: number;

  @Field(() => Float, { description: "Root-mean-square error." })
  rmse!: number;

  @Field(() => Float, { description: "Normalised median absolute deviation of the errors, 1.4826 × median|e − median e|." })
  nmad!: number;

  @Field(() => Float, { nullable: true, description: "Fraction of galaxies whose label lies within ±sigma of the prediction (≈ 0.683 when calibrated)." })
  coverage1Sigma!: number | null;

  @Field(() => Float, { nullable: true, description: "Fraction of galaxies whose label lies within [p2p5, p97p5] (≈ 0.95 when calibrated); null for runs before the registry." })
  coverage95?: number | null;
}

@ObjectType({ description: "Cross-validation on the training part: mean and sample standard deviation over the folds." })
export class CvMetrics {
  @Field(() => Int)
  folds!: number;

  @Field(() => Float, { nullable: true })
  r2Mean!: number | null;

  @Field(() => Float, { nullable: true })
  r2Std!: number | null;

  @Field(() => Float, { nullable: true })
  maeMean!: number | null;

  @Field(() => Float, { nullable: true })
  maeStd!: number | null;

  @Field(() => Float, { nullable: true })
  rmseMean!: number | null;

  @Field(() => Float, { nullable: true })
  rmseStd!: number | null;

  @Field(() => Float, { nullable: true })
  nmadMean!: number | null;

  @Field(() => Float, { nullable: true })
  nmadStd!: number | null;
}
