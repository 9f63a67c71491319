/**
 * #derivation links: the quantities derived from a galaxy's data. Today the
 * MPA-JHU SFR label (Brinchmann et al. 2004, MNRAS 351, 1151), when the
 * catalogue holds one, served as a one-row VOTable by /vo/sfr/{id}.xml.
 *
 * `predictionLinks` is the hook for the SFR predictors (GBDT, CNN, built on
 * another branch): it returns one link per model prediction for the galaxy
 * and returns none until they are merged.
 */
import type { GalaxyRecord } from "../../catalog/galaxy-record.js";
import type { Link } from "./link.js";

/** Links to the SFR predicted by each trained model for this galaxy. Hook: none yet. */
export function predictionLinks(_galaxy: GalaxyRecord, _base: string, _id: string): Link[] {
  return [];
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
export function derivationLinks(galaxy: GalaxyRecord, base: string, id: string): Link[] {
  return [...sfrLabelLink(galaxy, base, id), ...predictionLinks(galaxy, base, id)];
}
