/**
 * #derivation links: the quantities derived from a galaxy's data — the
 * MPA-JHU SFR label (Brinchmann et al. 2004, MNRAS 351, 1151), when the
 * catalogue holds one, served as a one-row VOTable by /vo/sfr/{id}.xml, and
 * the SFR each trained predictor gives it (/vo/predictions/{id}.xml).
 */
import type { GalaxyRecord } from "../../catalog/galaxy-record.js";
import type { PredictionRecord } from "../../models/store/predictions.js";
import type { PredictorRecord } from "../../models/store/predictors.js";
import type { Link } from "./link.js";

/** A stored prediction with the predictor that made it. */
export interface NamedPrediction {
  prediction: PredictionRecord;
  predictor: PredictorRecord;
}

/** One link per stored prediction of the galaxy. */
export function predictionLinks(galaxy: GalaxyRecord, base: string, id: string, predictions: readonly NamedPrediction[]): Link[] {
  return predictions.map(({ prediction, predictor }) => ({
    id,
    accessUrl: `${base}/vo/predictions/${galaxy.id}.xml?predictor=${predictor.id}`,
    semantics: "#derivation",
    description: `SFR predicted by "${predictor.name}" (${predictor.spec.kind}, ${predictor.spec.modality}, ${predictor.spec.features}): log10 SFR = ${prediction.value.toFixed(3)} ± ${prediction.sigma.toFixed(3)} solMass/yr`,
    contentType: "application/x-votable+xml",
    localSemantics: "sfr-prediction",
  }));
}

export function sfrLabelLink(galaxy: GalaxyRecord, base: string, id: string): Link[] {
  if (galaxy.sfr.avg === null || !Number.isFinite(galaxy.sfr.avg)) return [];
  return [{
    id,
    accessUrl: `${base}/vo/sfr/${galaxy.id}.xml`,
    semantics: "#derivation",
    description: `MPA-JHU total star-formation rate: log10 SFR = ${galaxy.sfr.avg.toFixed(3)} solMass/yr (AVG), FLAG ${galaxy.sfr.flag}`,
    contentType: "application/x-votable+xml",
    localSemantics: "sfr-mpa-jhu",
  }];
}

/** Every #derivation link of a galaxy. */
export function derivationLinks(galaxy: GalaxyRecord, base: string, id: string, predictions: readonly NamedPrediction[] = []): Link[] {
  return [...sfrLabelLink(galaxy, base, id), ...predictionLinks(galaxy, base, id, predictions)];
}
