/**
 * The columns of a Simple Cone Search 1.03 response, by verbosity (SCS 1.03
 * §3.3: VERB=1 the minimum, 2 the default, 3 everything). Exactly one column
 * each carries the UCD1 words ID_MAIN, POS_EQ_RA_MAIN and POS_EQ_DEC_MAIN,
 * which SCS clients look for.
 */
import type { GalaxyRecord } from "../../catalog/galaxy-record.js";
import type { Field } from "../votable/field.js";

export interface ScsColumn {
  field: Field;
  verb: 1 | 2 | 3;
  value: (galaxy: GalaxyRecord, base: string) => unknown;
}

const text = (name: string, ucd: string, description: string): Field => ({ name, datatype: "char", arraysize: "*", ucd, description });

export const SCS_COLUMNS: ScsColumn[] = [
  { verb: 1, field: text("id", "ID_MAIN", "skycube galaxy identifier"), value: (g) => g.id },
  { verb: 1, field: { name: "ra", datatype: "double", unit: "deg", ucd: "POS_EQ_RA_MAIN", description: "Right ascension (ICRS)" }, value: (g) => g.raDeg },
  { verb: 1, field: { name: "dec", datatype: "double", unit: "deg", ucd: "POS_EQ_DEC_MAIN", description: "Declination (ICRS)" }, value: (g) => g.decDeg },
  { verb: 2, field: { name: "distance", datatype: "double", unit: "deg", ucd: "POS_ANG_DIST_GENERAL", description: "Angular distance from the cone centre" }, value: (g) => g.distanceDeg },
  { verb: 2, field: { name: "redshift", datatype: "double", ucd: "REDSHIFT_HC", description: "Spectroscopic redshift" }, value: (g) => g.redshift },
  { verb: 2, field: text("class", "CLASS_OBJECT", "SDSS spectroscopic class"), value: (g) => g.class },
  { verb: 2, field: text("survey", "ID_SURVEY", "Origin of the row: SDSS, SYNTHETIC or HISSCUBE"), value: (g) => g.survey },
  { verb: 2, field: { name: "sfr_avg", datatype: "double", description: "MPA-JHU log10 star-formation rate (AVG), log10(solMass/yr); no VOTable unit: astropy reads no log units" }, value: (g) => g.sfr.avg },
  { verb: 3, field: text("objid", "ID_NUMBER", "SDSS photometric object id"), value: (g) => g.objid },
  { verb: 3, field: text("specobjid", "ID_NUMBER", "SDSS spectroscopic object id"), value: (g) => g.specobjid },
  { verb: 3, field: { name: "plate", datatype: "int", ucd: "ID_PLATE", description: "SDSS plate" }, value: (g) => g.plate },
  { verb: 3, field: { name: "mjd", datatype: "int", unit: "d", ucd: "TIME_DATE", description: "MJD of the SDSS spectroscopic observation" }, value: (g) => g.mjd },
  { verb: 3, field: { name: "fiberid", datatype: "int", ucd: "ID_FIBER", description: "SDSS fibre" }, value: (g) => g.fiberid },
  { verb: 3, field: text("healpix29", "ID_NUMBER", "Nested HEALPix index at order 29"), value: (g) => g.healpix29 },
  ...(["median", "p2p5", "p16", "p84", "p97p5"] as const).map((k): ScsColumn => ({
    verb: 3, field: { name: `sfr_${k}`, datatype: "double", description: `MPA-JHU log10 SFR ${k.toUpperCase()}, log10(solMass/yr)` }, value: (g) => g.sfr[k],
  })),
  { verb: 3, field: { name: "sfr_flag", datatype: "int", ucd: "CODE_QUALITY", description: "MPA-JHU FLAG (0 = good)" }, value: (g) => g.sfr.flag },
  { verb: 3, field: { name: "has_image", datatype: "boolean", ucd: "CODE_MISC", description: "A five-band cutout is in the cube" }, value: (g) => g.hasImage },
  { verb: 3, field: { name: "has_spectrum", datatype: "boolean", ucd: "CODE_MISC", description: "A spectrum is in the cube" }, value: (g) => g.hasSpectrum },
  { verb: 3, field: text("access_url", "DATA_LINK", "DataLink document: cutouts, spectrum, previews, provenance"), value: (g, base) => `${base}/vo/links?ID=${g.id}` },
];

export function columnsFor(verb: number): ScsColumn[] {
  return SCS_COLUMNS.filter((c) => c.verb <= verb);
}
