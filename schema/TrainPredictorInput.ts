import { Field, Float, InputType, Int } from "type-graphql";
import { FeatureSet, FusionWeighting, Modality, PredictorKind } from "./PredictorEnums.js";

@InputType({ description: "Values to try for each hyperparameter; the grid is their Cartesian product (searched by k-fold CV). Leave a field out for its default. Only the fields of the chosen kind are accepted." })
export class HyperparameterGridInput {
  @Field(() => [Int], { nullable: true, description: "GBDT, DECISION_TREE (1..6): maximum tree depth (GBDT: -1 = unlimited). Default GBDT -1, tree 6." })
  maxDepth?: number[];

  @Field(() => [Int], { nullable: true, description: "GBDT, DECISION_TREE: fewest training galaxies in a leaf. Default GBDT 20, tree 5." })
  minDataInLeaf?: number[];

  @Field(() => [Int], { nullable: true, description: "GBDT: boosting rounds (upper bound; early stopping picks the best). Default 500." })
  numIterations?: number[];

  @Field(() => [Float], { nullable: true, description: "GBDT (shrinkage, default 0.05) and CNN (Adam step, default 0.001)." })
  learningRate?: number[];

  @Field(() => [Int], { nullable: true, description: "GBDT: leaves per tree. Default 31." })
  numLeaves?: number[];

  @Field(() => [Float], { nullable: true, description: "GBDT: L2 regularisation of leaf values (default 0); LINEAR: the ridge penalty on standardised weights (default 1)." })
  lambdaL2?: number[];

  @Field(() => [Float], { nullable: true, description: "GBDT: fraction of features sampled per tree. Default 1." })
  featureFraction?: number[];

  @Field(() => [Float], { nullable: true, description: "GBDT: fraction of rows sampled every baggingFreq rounds. Default 1." })
  baggingFraction?: number[];

  @Field(() => [Int], { nullable: true, description: "GBDT: bagging period in rounds (0 = off). Default 0." })
  baggingFreq?: number[];

  @Field(() => [Int], { nullable: true, description: "GBDT: stop after this many rounds without validation improvement. Default 30." })
  earlyStoppingRounds?: number[];

  @Field(() => [String], { nullable: true, description: "CNN: `compact` (default; global average pooling, trains in minutes on a CPU) or `vgg12` (the thesis VGGNet12)." })
  architecture?: string[];

  @Field(() => [Int], { nullable: true, description: "CNN: maximum epochs. Default 30." })
  epochs?: number[];

  @Field(() => [Int], { nullable: true, description: "CNN: mini-batch size. Default 32." })
  batchSize?: number[];

  @Field(() => [Int], { nullable: true, description: "CNN: early-stopping patience in epochs. Default 5." })
  patience?: number[];

  @Field(() => [Float], { nullable: true, description: "CNN: dropout rate before the head (compact default 0.2; vgg12 0.5 as in the thesis)." })
  dropout?: number[];

  @Field(() => [Int], { nullable: true, description: "CNN compact: channels of the first convolution, doubled per stage. Default 16." })
  filters?: number[];
}

@InputType({ description: "Which MPA-JHU labels to train and evaluate on (always: AVG finite and not -99)." })
export class LabelFilterInput {
  @Field(() => Int, { nullable: true, defaultValue: 0, description: "Keep only this FLAG (0 = good); null keeps every flag." })
  flag!: number | null;

  @Field(() => Float, { nullable: true, description: "Keep labels with AVG ≥ this (log10 Msun/yr)." })
  minAvg?: number | null;

  @Field(() => Float, { nullable: true, description: "Keep labels with AVG ≤ this (log10 Msun/yr)." })
  maxAvg?: number | null;
}

@InputType({ description: "What to train: a learner, what it sees, its hyperparameter grid and the evaluation protocol." })
export class TrainPredictorInput {
  @Field(() => String, { nullable: true, description: "A name for the predictor (default: kind, modality, features and run id)." })
  name?: string | null;

  @Field(() => PredictorKind)
  kind!: PredictorKind;

  @Field(() => Modality)
  modality!: Modality;

  @Field(() => FeatureSet, {
    nullable: true,
    description: "What the learner sees. Default: ENGINEERED for GBDT and DECISION_TREE (tried on the demo: R² 0.90 in 17 s against 0.71 in 409 s with RAW), RAW for CNN.",
  })
  features?: FeatureSet | null;

  @Field(() => Int, { defaultValue: 3, description: "Image zoom level 0..4 (64, 32, 16, 8, 4 px). Default 3 (8 px, the thesis)." })
  imageZoom!: number;

  @Field(() => Int, { defaultValue: 3, description: "Spectrum zoom level 0..4 (4620, 2310, 1155, 577, 288 bins). Default 3 (577 bins, the thesis)." })
  spectrumZoom!: number;

  @Field(() => HyperparameterGridInput, { nullable: true })
  hyperparameters?: HyperparameterGridInput | null;

  @Field(() => Int, { defaultValue: 5, description: "Cross-validation folds on the training part (2..20); the fold models form the served ensemble." })
  folds!: number;

  @Field(() => Int, { defaultValue: 0, description: "Seed of the split, folds and learners: same seed and data → same metrics." })
  seed!: number;

  @Field(() => LabelFilterInput, { nullable: true })
  labelFilter?: LabelFilterInput | null;

  @Field(() => FusionWeighting, { defaultValue: FusionWeighting.EQUAL, description: "LATE_FUSION only." })
  fusionWeighting!: FusionWeighting;

  @Field(() => Boolean, { defaultValue: false, description: "Leave galaxies whose cutout holds more than one source (Galaxy.blended) out of training and evaluation; they still get predictions. Galaxies without an image are kept (their count is unknown)." })
  excludeBlended!: boolean;
}
