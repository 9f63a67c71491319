import { Field, Float, Int, ObjectType } from "type-graphql";

@ObjectType({ description: "The protocol checks of one cell (README, Experiments: protocol checks)." })
export class CellProtocol {
  @Field(() => Int, { nullable: true, description: "Times the run evaluated its test part (1 when honest); null when not recorded (runs before the record existed) or not SUCCEEDED." })
  testEvaluations!: number | null;

  @Field(() => [String], { description: "Steps before the test evaluation that read a test galaxy (empty when honest)." })
  stepsTouchingTestBefore!: string[];

  @Field(() => Boolean, { nullable: true, description: "Whether the stored test metrics equal those recomputed from the cell's stored predictions of exactly the test galaxies; null when not SUCCEEDED." })
  metricsFromTest!: boolean | null;

  @Field(() => Boolean, { nullable: true, description: "Whether the cell's split (galaxy ids) is the experiment's; null when not SUCCEEDED." })
  sameSplit!: boolean | null;

  @Field(() => Int, { nullable: true })
  cvFolds!: number | null;

  @Field(() => Float, { nullable: true, description: "CV spread: sample standard deviation of R² over the folds." })
  cvR2Std!: number | null;

  @Field(() => Float, { nullable: true, description: "CV spread: sample standard deviation of RMSE over the folds (dex)." })
  cvRmseStd!: number | null;
}

@ObjectType({ description: "Checks of an experiment's shared split, from the stored galaxy ids and positions." })
export class SplitProtocol {
  @Field(() => Boolean, { description: "No galaxy id in two of train / validation / test." })
  disjointIds!: boolean;

  @Field(() => [String])
  sharedIds!: string[];

  @Field(() => Boolean, { description: "No object (repeat observations within radiusArcsec, transitively) in two of train / validation / test." })
  disjointObjects!: boolean;

  @Field(() => [[String]], { description: "Pairs of galaxies of one object found in different parts, as \"id (part)\"." })
  sharedObjects!: string[][];

  @Field(() => Float)
  radiusArcsec!: number;

  @Field(() => Int, { description: "Galaxies of the split no longer in the catalogue (not checked for repeats)." })
  missingPositions!: number;
}

@ObjectType({ description: "The honest-protocol checks an experiment reports (computed when asked, from what is stored)." })
export class ExperimentProtocol {
  @Field(() => SplitProtocol, { nullable: true, description: "Null until a cell has succeeded." })
  split!: SplitProtocol | null;

  @Field(() => Boolean, { nullable: true, description: "Every SUCCEEDED cell evaluated its test part once, after everything else; null when a cell did not record it." })
  testTouchedOnce!: boolean | null;

  @Field(() => Boolean, { nullable: true, description: "Every SUCCEEDED cell's test metrics are those of its stored predictions of exactly the test galaxies." })
  metricsFromTest!: boolean | null;

  @Field(() => Boolean, { nullable: true })
  sameSplitForEveryCell!: boolean | null;

  @Field(() => Int)
  cellsChecked!: number;

  @Field(() => Boolean, { description: "No check that could be made failed." })
  passed!: boolean;

  @Field(() => [String], { description: "What failed, one line each." })
  problems!: string[];
}
