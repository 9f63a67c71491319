import { Field, Float, Int, ObjectType } from "type-graphql";

@ObjectType({ description: "Precision, recall and F1 of one class on the test galaxies (null where undefined: the class neither occurs nor is predicted)." })
export class ClassScores {
  @Field(() => String)
  className!: string;

  @Field(() => Int, { description: "Test galaxies of this class." })
  support!: number;

  @Field(() => Float, { nullable: true })
  precision!: number | null;

  @Field(() => Float, { nullable: true })
  recall!: number | null;

  @Field(() => Float, { nullable: true })
  f1!: number | null;
}

@ObjectType({ description: "Test galaxies whose predicted class's probability lies in [low, high): how often that class was right." })
export class ReliabilityBin {
  @Field(() => Float)
  low!: number;

  @Field(() => Float)
  high!: number;

  @Field(() => Int)
  count!: number;

  @Field(() => Float, { nullable: true, description: "Mean probability of the predicted class in the bin (null: empty bin)." })
  meanProbability!: number | null;

  @Field(() => Float, { nullable: true, description: "Fraction predicted right in the bin (≈ meanProbability when calibrated)." })
  accuracy!: number | null;
}

@ObjectType({ description: "How well a classifier's predictions match held-out catalogue classes (test galaxies only; the predicted class is the most probable)." })
export class ClassificationMetrics {
  @Field(() => Int, { description: "Galaxies evaluated." })
  count!: number;

  @Field(() => [String], { description: "Class names, in the order of the confusion matrix's rows and columns." })
  classes!: string[];

  @Field(() => Float, { description: "Fraction predicted right." })
  accuracy!: number;

  @Field(() => Float, { description: "Mean recall over the classes present in the test part (scikit-learn's balanced_accuracy_score)." })
  balancedAccuracy!: number;

  @Field(() => Float, { description: "Mean F1 over the classes present or predicted (scikit-learn's f1_score, average=\"macro\")." })
  macroF1!: number;

  @Field(() => [[Int]], { description: "confusion[t][p]: test galaxies of true class t predicted as class p." })
  confusion!: number[][];

  @Field(() => [ClassScores])
  perClass!: ClassScores[];

  @Field(() => Float, { description: "Multi-class Brier score: mean over galaxies of Σ_k (p_k − [class = k])² (0 best, 2 worst)." })
  brierScore!: number;

  @Field(() => Float, { description: "Mean −ln p of the true class (p clipped at 1e-15)." })
  logLoss!: number;

  @Field(() => Float, { description: "Expected calibration error over the 10 reliability bins: Σ (count/n) |accuracy − meanProbability|." })
  expectedCalibrationError!: number;

  @Field(() => [ReliabilityBin], { description: "Reliability diagram: 10 equal bins of the predicted class's probability." })
  reliability!: ReliabilityBin[];
}

@ObjectType({ description: "A classifier's cross-validation on the training part: mean and sample standard deviation over the folds." })
export class ClassificationCv {
  @Field(() => Int)
  folds!: number;

  @Field(() => Float)
  accuracyMean!: number;

  @Field(() => Float)
  accuracyStd!: number;

  @Field(() => Float)
  balancedAccuracyMean!: number;

  @Field(() => Float)
  balancedAccuracyStd!: number;

  @Field(() => Float)
  macroF1Mean!: number;

  @Field(() => Float)
  macroF1Std!: number;

  @Field(() => Float)
  logLossMean!: number;

  @Field(() => Float)
  logLossStd!: number;
}

@ObjectType({ description: "One class's probability in a classifier's prediction." })
export class ClassProbability {
  @Field(() => String, { name: "class" })
  className!: string;

  @Field(() => Float)
  probability!: number;
}
