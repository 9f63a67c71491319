/**
 * A catalogue row as the rest of the program sees it. Ids and SDSS
 * identifiers are decimal strings because they exceed 2^53.
 */
import type { CubeLocation } from "../cube/cube-store.js";
import type { Sql } from "../db/database.js";

export type Survey = "SDSS" | "SYNTHETIC" | "HISSCUBE";

export interface SfrLabel {
  /** log10 SFR in solar masses per year (MPA-JHU AVG); null = no label. */
  avg: number | null;
  median: number | null;
  p2p5: number | null;
  p16: number | null;
  p84: number | null;
  p97p5: number | null;
  /** MPA-JHU FLAG; 0 means a good estimate. */
  flag: number | null;
}

export interface GalaxyRecord {
  id: string;
  sourceKey: string;
  survey: Survey;
  objid: string | null;
  specobjid: string | null;
  plate: number | null;
  mjd: number | null;
  fiberid: number | null;
  raDeg: number;
  decDeg: number;
  healpix29: string;
  redshift: number | null;
  class: string | null;
  sfr: SfrLabel;
  /** Where the cube holds its image and spectrum (shard and row), or null when it holds nothing. */
  cube: CubeLocation | null;
  hasImage: boolean;
  hasSpectrum: boolean;
  /** Angular distance to a cone centre, degrees; set by cone searches only. */
  distanceDeg: number | null;
}

/** The select list that `toGalaxyRecord` reads, prefixed with the table alias `g`. */
export function galaxyColumns(sql: Sql) {
  return sql`g.id, g.source_key, g.survey, g.objid, g.specobjid, g.plate, g.mjd, g.fiberid, g.ra, g.dec,
    g.healpix29, g.redshift, g.class, g.sfr_avg, g.sfr_median, g.sfr_p2p5, g.sfr_p16, g.sfr_p84,
    g.sfr_p97p5, g.sfr_flag, g.cube_row, g.has_image, g.has_spectrum,
    (SELECT s.name FROM cube_shards s WHERE s.id = g.cube_shard) AS cube_shard_name`;
}

/** What each scalar part of a record is read from; a lean select list holds only the parts asked for. */
const PART_COLUMNS = {
  id: "g.id",
  survey: "g.survey",
  objid: "g.objid",
  specobjid: "g.specobjid",
  plate: "g.plate",
  mjd: "g.mjd",
  fiberid: "g.fiberid",
  raDeg: "g.ra",
  decDeg: "g.dec",
  healpix29: "g.healpix29",
  redshift: "g.redshift",
  class: "g.class",
  sfr: "g.sfr_avg, g.sfr_median, g.sfr_p2p5, g.sfr_p16, g.sfr_p84, g.sfr_p97p5, g.sfr_flag",
  hasImage: "g.has_image",
  hasSpectrum: "g.has_spectrum",
} as const;

export type GalaxyPart = keyof typeof PART_COLUMNS;

export function isGalaxyPart(name: string): name is GalaxyPart {
  return Object.hasOwn(PART_COLUMNS, name);
}

/**
 * The select list for only these parts of a record (the id always), or the
 * full list when `parts` is undefined. A record read through a lean list has
 * meaningless values in the parts left out (and no cube location): only for
 * callers that read nothing else (a GraphQL selection of those fields alone).
 */
export function galaxyColumnsFor(sql: Sql, parts: ReadonlySet<GalaxyPart> | undefined) {
  if (parts === undefined) return galaxyColumns(sql);
  const list = (Object.keys(PART_COLUMNS) as GalaxyPart[]).filter((part) => part === "id" || parts.has(part)).map((part) => PART_COLUMNS[part]);
  return sql.unsafe(list.join(", ")); // constant column names only, from the table above
}

export function toGalaxyRecord(row: Record<string, unknown>): GalaxyRecord {
  return {
    id: String(row.id),
    sourceKey: row.source_key as string,
    survey: row.survey as Survey,
    objid: (row.objid as string | null) ?? null,
    specobjid: (row.specobjid as string | null) ?? null,
    plate: (row.plate as number | null) ?? null,
    mjd: (row.mjd as number | null) ?? null,
    fiberid: (row.fiberid as number | null) ?? null,
    raDeg: row.ra as number,
    decDeg: row.dec as number,
    healpix29: String(row.healpix29),
    redshift: (row.redshift as number | null) ?? null,
    class: (row.class as string | null) ?? null,
    sfr: {
      avg: (row.sfr_avg as number | null) ?? null,
      median: (row.sfr_median as number | null) ?? null,
      p2p5: (row.sfr_p2p5 as number | null) ?? null,
      p16: (row.sfr_p16 as number | null) ?? null,
      p84: (row.sfr_p84 as number | null) ?? null,
      p97p5: (row.sfr_p97p5 as number | null) ?? null,
      flag: (row.sfr_flag as number | null) ?? null,
    },
    cube: row.cube_shard_name == null || row.cube_row == null ? null : { shard: row.cube_shard_name as string, row: row.cube_row as number },
    hasImage: row.has_image === true,
    hasSpectrum: row.has_spectrum === true,
    distanceDeg: row.distance_deg === undefined ? null : (row.distance_deg as number),
  };
}
