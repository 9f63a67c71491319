import { Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from "type-graphql";
import { ClassWeighting, CnnFusion, FeatureSet, Modality, PredictionTarget, PredictorKind, RunStatus } from "./PredictorEnums.js";
import { CvMetrics, RegressionMetrics } from "./RegressionMetrics.js";
import { ClassificationCv, ClassificationMetrics } from "./ClassificationMetrics.js";
import { LabelFilterInput } from "./TrainPredictorInput.js";
import { TrainingRun } from "./TrainingRun.js";
import { CellProtocol, ExperimentProtocol } from "./ExperimentProtocol.js";

export enum CnnArchitecture {
  COMPACT = "COMPACT",
  THESIS_VGG = "THESIS_VGG",
}
registerEnumType(CnnArchitecture, {
  name: "CnnArchitecture",
  description: "The net of an experiment's CNN cells.",
  valuesConfig: { COMPACT: { description: "The compact net (default; trains in minutes on a CPU)." }, THESIS_VGG: { description: "The thesis VGGNet12 as the study describes it (CNN architecture THESIS_VGG: adaptive average pooling before the head; slow on a CPU)." } },
});

@InputType({
  description:
    "An experiment: either `preset` or a grid (learners × modalities × imageZooms × spectrumZooms × features; a CNN cell is RAW only). Every cell is a training run with the learner's default hyperparameters, all on one galaxy set (galaxies with an image and a spectrum), one seed and so one split; two reference cells (CONSTANT and LINEAR on ENGINEERED early-fusion features) are always added.",
})
export class ExperimentInput {
  @Field(() => String, { nullable: true, description: "`THESIS`: the seed study's grid (README, Experiments). Not together with a grid." })
  preset?: string | null;

  @Field(() => [PredictorKind], { nullable: true, description: "Grid: DECISION_TREE, GBDT, CNN." })
  learners?: PredictorKind[] | null;

  @Field(() => [Modality], { nullable: true })
  modalities?: Modality[] | null;

  @Field(() => [Int], { nullable: true, description: "Grid: image zoom levels (default [3]); ignored by SPECTRUM cells." })
  imageZooms?: number[] | null;

  @Field(() => [Int], { nullable: true, description: "Grid: spectrum zoom levels (default [3]); ignored by IMAGE cells." })
  spectrumZooms?: number[] | null;

  @Field(() => [FeatureSet], { nullable: true, description: "Grid: feature kinds (default [RAW], as the study)." })
  features?: FeatureSet[] | null;

  @Field(() => Int, { defaultValue: 0, description: "The one seed of every cell (split, folds, fits)." })
  seed!: number;

  @Field(() => Int, { defaultValue: 5, description: "Cross-validation folds of every cell (2..20)." })
  folds!: number;

  @Field(() => LabelFilterInput, { nullable: true })
  labelFilter?: LabelFilterInput | null;

  @Field(() => CnnArchitecture, { defaultValue: CnnArchitecture.COMPACT })
  cnnArchitecture!: CnnArchitecture;

  @Field(() => [CnnFusion], {
    nullable: true,
    description: "Fusions of the CNN EARLY_FUSION cells (default [CONCAT]): each such cell once per value, e.g. [CONCAT, GATED] to compare the learned gate with early and late fusion in one table. GATED without a CNN EARLY_FUSION cell is BAD_USER_INPUT.",
  })
  cnnFusions?: CnnFusion[] | null;

  @Field(() => Boolean, { defaultValue: false, description: "Every cell leaves out galaxies whose cutout holds more than one source (Galaxy.blended); the cells still share one galaxy set and split." })
  excludeBlended!: boolean;

  @Field(() => PredictionTarget, { defaultValue: PredictionTarget.SFR, description: "Every cell's target (they share it). CLASS: the reference cells are the class priors and multinomial logistic regression, and cells' metrics are in classification and classificationCv (metrics and cv are null); the CSV/Markdown table has classification columns." })
  target!: PredictionTarget;

  @Field(() => ClassWeighting, { nullable: true, description: "CLASS target only: every cell's class weighting (default BALANCED)." })
  classWeights?: ClassWeighting | null;
}

@ObjectType({ description: "One cell of an experiment: what it varies, its training run and its test metrics." })
export class ExperimentCell {
  @Field(() => TrainingRun)
  run!: TrainingRun;

  @Field(() => String, { nullable: true, description: "BASELINE (training median; for target CLASS the training class frequencies) or LINEAR (ridge on engineered features; for CLASS multinomial logistic regression) for the two reference cells; null for the grid's." })
  reference!: string | null;

  @Field(() => PredictorKind)
  learner!: PredictorKind;

  @Field(() => Modality)
  modality!: Modality;

  @Field(() => Int, { nullable: true, description: "null when the modality reads no image." })
  imageZoom!: number | null;

  @Field(() => Int, { nullable: true, description: "null when the modality reads no spectrum." })
  spectrumZoom!: number | null;

  @Field(() => FeatureSet)
  features!: FeatureSet;

  @Field(() => CnnFusion, { nullable: true, description: "CNN EARLY_FUSION cells: CONCAT or GATED (the gate's weights: run.fusionWeights); null for other cells." })
  fusion!: CnnFusion | null;

  @Field(() => [String], { description: "Parts of the study the cell belongs to: modality, image quality, spectral quality, grid, reference." })
  studies!: string[];

  @Field(() => RegressionMetrics, { nullable: true, description: "Test metrics (the shared split's held-out test part) once SUCCEEDED; null for a classifier (see classification)." })
  metrics!: RegressionMetrics | null;

  @Field(() => CvMetrics, { nullable: true, description: "Cross-validation on the training part (the spread over folds) once SUCCEEDED; null for a classifier (see classificationCv)." })
  cv!: CvMetrics | null;

  @Field(() => ClassificationMetrics, { nullable: true, description: "A classifier cell's (target CLASS) test metrics once SUCCEEDED: accuracy, balanced accuracy, macro F1, confusion matrix, calibration (the same as run.classification); null for regression cells." })
  classification!: ClassificationMetrics | null;

  @Field(() => ClassificationCv, { nullable: true, description: "A classifier cell's cross-validation on the training part once SUCCEEDED (the same as run.classificationCv); null for regression cells." })
  classificationCv!: ClassificationCv | null;

  @Field(() => Float, { nullable: true })
  trainSeconds!: number | null;

  @Field(() => String, { nullable: true, description: "The compute backend the cell trained on." })
  backend!: string | null;

  @Field(() => CellProtocol, { description: "This cell's protocol checks (test evaluations, metrics recomputed from the test predictions, split, CV spread)." })
  protocol?: CellProtocol;

  /** Not GraphQL fields: the experiment's protocol, computed once per response (resolvers/ExperimentResolvers.ts), and this cell's index. */
  checks!: ProtocolHolder;
  index!: number;
}

/** What the protocol field resolvers share: the experiment as read, and its checks once computed. */
export interface ProtocolHolder {
  view: unknown;
  computed?: Promise<unknown>;
}

@ObjectType({ description: "The split every cell of an experiment shares." })
export class ExperimentSplit {
  @Field(() => Int)
  seed!: number;

  @Field(() => Int)
  trainCount!: number;

  @Field(() => Int)
  validationCount!: number;

  @Field(() => Int)
  testCount!: number;

  @Field(() => Boolean, { description: "Whether every finished cell's split (galaxy ids) is this one." })
  sameForEveryCell!: boolean;
}

@ObjectType({ description: "A grid of training runs on one split and seed (runExperiment); the table also at /experiments/{id}.csv and .md." })
export class Experiment {
  @Field(() => ID)
  id!: string;

  @Field(() => RunStatus, { description: "From the cells: QUEUED, RUNNING, SUCCEEDED (every cell did), FAILED (some did not; see error), CANCELLED." })
  status!: RunStatus;

  @Field(() => Float, { description: "Mean progress of the cells, 0..1." })
  progress!: number;

  @Field(() => String, { nullable: true })
  preset!: string | null;

  @Field(() => Int)
  seed!: number;

  @Field(() => ExperimentSplit, { nullable: true, description: "Once a cell has succeeded." })
  split!: ExperimentSplit | null;

  @Field(() => [ExperimentCell])
  cells!: ExperimentCell[];

  @Field(() => ExperimentProtocol, { description: "The honest-protocol checks: split disjoint by id and by object, the test part touched once, metrics from the test galaxies, one split, CV spread per cell." })
  protocol?: ExperimentProtocol;

  /** Not a GraphQL field (see ExperimentCell.checks). */
  checks!: ProtocolHolder;

  @Field(() => String, { nullable: true })
  error!: string | null;

  @Field(() => Date)
  queuedAt!: Date;

  @Field(() => Date, { nullable: true })
  startedAt!: Date | null;

  @Field(() => Date, { nullable: true })
  finishedAt!: Date | null;
}
