import { GalaxyConnectionFields } from "./GalaxyConnectionFields.js";
import { GalaxyCubeFields } from "./GalaxyCubeFields.js";
import { NumberArrayFields } from "./NumberArrayFields.js";
import { GalaxyFields } from "./GalaxyFields.js";
import { GalaxyQueries } from "./GalaxyQueries.js";
import { GalaxyPredictionFields, PredictionFields, PredictorFields, TrainingRunFields } from "./PredictionFields.js";
import { CellProtocolFields, ExperimentProtocolFields, ExperimentResolvers } from "./ExperimentResolvers.js";
import { IngestResolvers } from "./IngestResolvers.js";
import { EmbeddingResolvers } from "./EmbeddingResolvers.js";
import { PredictorMutations } from "./PredictorMutations.js";
import { PredictorQueries } from "./PredictorQueries.js";

export const resolvers = [
  GalaxyQueries,
  GalaxyFields,
  GalaxyConnectionFields,
  GalaxyCubeFields,
  NumberArrayFields,
  GalaxyPredictionFields,
  PredictorQueries,
  PredictorMutations,
  IngestResolvers,
  ExperimentResolvers,
  ExperimentProtocolFields,
  CellProtocolFields,
  EmbeddingResolvers,
  PredictorFields,
  PredictionFields,
  TrainingRunFields,
] as const;
