import { GraphQLJSONObject } from "graphql-scalars";
import { Field, Float, ID, Int, ObjectType } from "type-graphql";
import { PredictorSpec } from "./PredictorSpec.js";
import { Hyperparameters, MemberHyperparameters } from "./Hyperparameters.js";
import { CnnFusion, FeatureSet, FusionWeighting, Modality, PredictorKind, RunStatus } from "./PredictorEnums.js";
import { CvMetrics, RegressionMetrics } from "./RegressionMetrics.js";
import { ClassificationCv, ClassificationMetrics } from "./ClassificationMetrics.js";
import { SkyEvaluation, TrainingDataset } from "./SkyEvaluation.js";

@ObjectType({ description: "Loss per iteration (GBDT round or CNN epoch) of one fold model: RMSE in the target's unit (dex for SFR); a classifier's class-weighted log loss." })
export class LearningCurve {
  @Field(() => String, { description: "Ensemble member: `image`, `spectrum` or `image+spectrum`." })
  member!: string;

  @Field(() => Int)
  fold!: number;

  @Field(() => [Int])
  iteration!: number[];

  @Field(() => [Float])
  train!: number[];

  @Field(() => [Float], { nullable: "items", description: "Validation-split RMSE (null where not measured)." })
  validation!: (number | null)[];
}

@ObjectType({ description: "One point of the hyperparameter grid and its cross-validation score." })
export class GridPoint {
  @Field(() => String)
  member!: string;

  @Field(() => GraphQLJSONObject, { deprecationReason: "Use parameters (typed per learner)." })
  hyperparameters!: Record<string, unknown>;

  @Field(() => Hyperparameters, { description: "The point's hyperparameters, typed per learner." })
  parameters!: Record<string, unknown>;

  @Field(() => CvMetrics, { description: "A regression's CV score (a classifier's: folds only, see classificationCv)." })
  cv!: CvMetrics;

  @Field(() => ClassificationCv, { nullable: true, description: "A classifier's CV score of the point (chosen on the folds' mean class-weighted log loss); null for a regression." })
  classificationCv!: ClassificationCv | null;
}

@ObjectType({ description: "An ensemble member's weight and its validation metrics (late fusion has two)." })
export class FusionMember {
  @Field(() => String)
  member!: string;

  @Field(() => Float)
  weight!: number;

  @Field(() => RegressionMetrics)
  validation!: RegressionMetrics;
}

@ObjectType({
  description:
    "A GATED CNN's learned modality weights on the test galaxies: per galaxy, the image weight is the mean of the fold models' gate weights for the image (softmax over image and spectrum, so the spectrum's is 1 − it). 0.5 = both heard equally; near 1 = the head hears (almost) only the image.",
})
export class FusionWeights {
  @Field(() => Int, { description: "Test galaxies." })
  count!: number;

  @Field(() => Float)
  imageMean!: number;

  @Field(() => Float, { description: "Spread of the per-galaxy image weight." })
  imageStd!: number;

  @Field(() => Float)
  imageP16!: number;

  @Field(() => Float)
  imageP50!: number;

  @Field(() => Float)
  imageP84!: number;

  @Field(() => Float, { description: "1 − imageMean." })
  spectrumMean!: number;
}

@ObjectType({ description: "The 60/20/20 split, stratified on the label; one object's repeat observations stay on one side." })
export class DataSplit {
  @Field(() => Int)
  seed!: number;

  @Field(() => Int)
  trainCount!: number;

  @Field(() => Int)
  validationCount!: number;

  @Field(() => Int)
  testCount!: number;

  @Field(() => [ID], { description: "Galaxy ids of the training part (ascending)." })
  train!: string[];

  @Field(() => [ID])
  validation!: string[];

  @Field(() => [ID])
  test!: string[];
}

@ObjectType({ description: "Wall-clock seconds of a run's stages." })
export class RunTimings {
  @Field(() => Float, { nullable: true })
  loadSeconds!: number | null;

  @Field(() => Float, { nullable: true })
  trainSeconds!: number | null;

  @Field(() => Float, { nullable: true })
  saveSeconds!: number | null;

  @Field(() => Float, { nullable: true })
  totalSeconds!: number | null;

  @Field(() => Date)
  queuedAt!: Date;

  @Field(() => Date, { nullable: true })
  startedAt!: Date | null;

  @Field(() => Date, { nullable: true })
  finishedAt!: Date | null;
}

@ObjectType({ description: "One request to train a predictor: its status, progress and, when done, its honest evaluation." })
export class TrainingRun {
  @Field(() => ID)
  id!: string;

  @Field(() => RunStatus)
  status!: RunStatus;

  @Field(() => Float, { description: "Fraction done, 0..1." })
  progress!: number;

  @Field(() => String, { nullable: true, description: "What it is doing now (member, grid point, fold)." })
  stage!: string | null;

  @Field(() => Int, { nullable: true, description: "Current boosting round or epoch of the fit in progress." })
  iteration!: number | null;

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

  @Field(() => Int)
  folds!: number;

  @Field(() => Int)
  seed!: number;

  @Field(() => FusionWeighting)
  fusionWeighting!: FusionWeighting;

  @Field(() => CnnFusion, { nullable: true, description: "CNN EARLY_FUSION runs: how the branches were joined (CONCAT or GATED); null for other runs." })
  fusion!: CnnFusion | null;

  @Field(() => FusionWeights, { nullable: true, description: "GATED runs once SUCCEEDED: the gate's weights on the test galaxies." })
  fusionWeights!: FusionWeights | null;

  @Field(() => GraphQLJSONObject, { description: "The request as validated, defaults filled in." })
  input!: Record<string, unknown>;

  @Field(() => String, { nullable: true, description: "Compute backend: `typescript (worker_threads)` for trees; tfjs `tensorflow`, `wasm` or `cpu` for CNNs." })
  backend!: string | null;

  @Field(() => GraphQLJSONObject, { nullable: true, description: "The chosen hyperparameters, per ensemble member.", deprecationReason: "Use chosenHyperparameters (typed per learner)." })
  hyperparameters!: Record<string, unknown> | null;

  @Field(() => [MemberHyperparameters], { nullable: true, description: "The chosen grid point of each ensemble member, typed per learner; null until the run has chosen." })
  chosenHyperparameters!: MemberHyperparameters[] | null;

  @Field(() => [GridPoint], { nullable: true, description: "Every grid point with its CV score." })
  grid!: GridPoint[] | null;

  @Field(() => [LearningCurve], { nullable: true, description: "Learning curves of the chosen point's fold models." })
  curves!: LearningCurve[] | null;

  @Field(() => RegressionMetrics, { nullable: true, description: "On the test split (never seen in training or model selection); null for a classifier (see classification)." })
  metrics!: RegressionMetrics | null;

  @Field(() => CvMetrics, { nullable: true, description: "Cross-validation of the chosen grid point; null for a classifier (see classificationCv)." })
  cv!: CvMetrics | null;

  @Field(() => ClassificationMetrics, { nullable: true, description: "A classifier's (target CLASS) metrics on the test split; null for a regression." })
  classification!: ClassificationMetrics | null;

  @Field(() => ClassificationCv, { nullable: true, description: "A classifier's cross-validation of the chosen grid point (late fusion: of its better member); null for a regression." })
  classificationCv!: ClassificationCv | null;

  @Field(() => [FusionMember], { nullable: true })
  members!: FusionMember[] | null;

  @Field(() => Float, { nullable: true, description: "Noise variance s² (dex²) added to the fold spread, calibrated on the validation split." })
  noiseVariance!: number | null;

  @Field(() => SkyEvaluation, { nullable: true, description: "Test metrics per redshift, r-magnitude and HEALPix bin (runs since the registry)." })
  evaluation!: SkyEvaluation | null;

  @Field(() => TrainingDataset, { nullable: true, description: "The training selection and its digest (runs since the registry)." })
  dataset!: TrainingDataset | null;

  @Field(() => DataSplit, { nullable: true })
  split!: DataSplit | null;

  @Field(() => RunTimings)
  timings!: RunTimings;

  @Field(() => String, { nullable: true, description: "Version of the code that trained it." })
  codeVersion!: string | null;

  @Field(() => String, { nullable: true, description: "Why it FAILED." })
  error!: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      "Why it FAILED, as a code: DISK_FULL (no space for a write; nothing of the run was saved), ABANDONED (its process died), STOPPED (its process was stopped), CUBE_UNREADABLE (a shard of its galaxies is damaged: the error names it), THREAD_CRASHED (a worker thread a CNN trained on died, e.g. out of memory) or TRAINING_FAILED (anything else); null unless FAILED.",
  })
  errorCode!: string | null;

  /** Resolved by TrainingRunFields. */
  predictorId!: string | null;
}
