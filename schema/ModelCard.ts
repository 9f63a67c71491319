import { GraphQLJSONObject } from "graphql-scalars";
import { Field, Float, Int, ObjectType } from "type-graphql";
import { MemberHyperparameters } from "./Hyperparameters.js";
import { CvMetrics, RegressionMetrics } from "./RegressionMetrics.js";
import { SkyEvaluation, TrainingDataset } from "./SkyEvaluation.js";

@ObjectType({ description: "How the predictive distribution was calibrated and whether it held on the test part." })
export class Calibration {
  @Field(() => Float, { description: "Half-width of the central 95 % interval in sigmas (1.96 for a Gaussian)." })
  k95!: number;

  @Field(() => Float, { nullable: true, description: "Test coverage of [p16, p84]." })
  testCoverage68!: number | null;

  @Field(() => Float, { nullable: true, description: "Test coverage of [p2p5, p97p5]." })
  testCoverage95!: number | null;

  @Field(() => Int)
  testCount!: number;

  @Field(() => Boolean, { description: "Whether the coverages held within the README's tolerances (reliable predictions need it)." })
  honest!: boolean;
}

@ObjectType({ description: "A predictor's model card: what, on which data, how well, and where it may be asked. Also as Markdown at /predictors/{id}/card.md." })
export class ModelCard {
  @Field(() => String)
  predicts!: string;

  @Field(() => String)
  unit!: string;

  @Field(() => TrainingDataset, { nullable: true })
  dataset!: TrainingDataset | null;

  @Field(() => GraphQLJSONObject, { nullable: true, description: "The chosen hyperparameters per ensemble member.", deprecationReason: "Use chosenHyperparameters (typed per learner)." })
  hyperparameters!: Record<string, unknown> | null;

  @Field(() => [MemberHyperparameters], { nullable: true, description: "The chosen hyperparameters of each ensemble member, typed per learner." })
  chosenHyperparameters!: MemberHyperparameters[] | null;

  @Field(() => RegressionMetrics, { nullable: true })
  metrics!: RegressionMetrics | null;

  @Field(() => CvMetrics, { nullable: true })
  cv!: CvMetrics | null;

  @Field(() => Calibration, { nullable: true })
  calibration!: Calibration | null;

  @Field(() => [String], { description: "Classes of the training galaxies." })
  trainedClasses!: string[];

  @Field(() => Float, { nullable: true, description: "Redshift domain: training 0.5 percentile." })
  redshiftDomainMin!: number | null;

  @Field(() => Float, { nullable: true, description: "Redshift domain: training 99.5 percentile." })
  redshiftDomainMax!: number | null;

  @Field(() => [String], { description: "The applicability rules, in words." })
  applicabilityRules!: string[];

  @Field(() => SkyEvaluation, { nullable: true })
  evaluation!: SkyEvaluation | null;

  @Field(() => String, { nullable: true })
  codeVersion!: string | null;

  @Field(() => String, { nullable: true })
  backend!: string | null;

  @Field(() => Float, { nullable: true })
  trainingSeconds!: number | null;

  @Field(() => String, { description: "The whole card as Markdown." })
  markdown!: string;
}
