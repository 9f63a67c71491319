/**
 * Which galaxies a run sees: every galaxy with the cube data its modality
 * needs (all of them get predictions), labelled where its target is known
 * (only those are trained and evaluated on): for SFR where the MPA-JHU
 * label passes the filter, for REDSHIFT where `redshift` is finite, for
 * CLASS where `class` is one of GALAXY, QSO, STAR (the label is the class's
 * index in CLASS_NAMES).
 */
import type { Sql } from "../../db/database.js";
import { partsOf } from "../features/feature-set.js";
import type { TrainInput } from "../training/input.js";
import type { TrainingGalaxies } from "../training/pipeline.js";
import { CLASS_NAMES, targetOf } from "../training/target.js";

/** MPA-JHU writes -99 for "no estimate". */
const NO_LABEL = -99;

function dataCondition(sql: Sql, input: Pick<TrainInput, "modality" | "dataModality">) {
  const parts = partsOf(input.dataModality ?? input.modality);
  return sql`g.cube_shard IS NOT NULL
    ${parts.includes("image") ? sql`AND g.has_image` : sql``}
    ${parts.includes("spectrum") ? sql`AND g.has_spectrum` : sql``}`;
}

type LabelInput = Pick<TrainInput, "labelFilter" | "target">;

function labelCondition(sql: Sql, input: LabelInput) {
  const target = targetOf(input);
  if (target === "REDSHIFT") return sql`(g.redshift IS NOT NULL AND g.redshift <> 'NaN'::float8)`;
  if (target === "CLASS") return sql`(g.class = ANY(${[...CLASS_NAMES]}::text[]))`;
  const f = input.labelFilter;
  return sql`(g.sfr_avg IS NOT NULL AND g.sfr_avg <> 'NaN'::float8 AND g.sfr_avg <> ${NO_LABEL}
    ${f.flag === null ? sql`` : sql`AND g.sfr_flag = ${f.flag}`}
    ${f.minAvg === null ? sql`` : sql`AND g.sfr_avg >= ${f.minAvg}`}
    ${f.maxAvg === null ? sql`` : sql`AND g.sfr_avg <= ${f.maxAvg}`})`;
}

/** The label of a labelled galaxy (SQL): its SFR AVG, its redshift, or its class's index (0-based, CLASS_NAMES order). */
function labelValue(sql: Sql, input: LabelInput) {
  const target = targetOf(input);
  if (target === "REDSHIFT") return sql`g.redshift`;
  if (target === "CLASS") return sql`(array_position(${[...CLASS_NAMES]}::text[], g.class) - 1)::float8`;
  return sql`g.sfr_avg`;
}

/** Labelled galaxies per class (CLASS target), with the data the modality needs. */
export async function countByClass(sql: Sql, input: Pick<TrainInput, "modality" | "dataModality" | "labelFilter" | "target">): Promise<Map<string, number>> {
  const rows = await sql`SELECT g.class, count(*)::int AS count FROM galaxies g
    WHERE ${dataCondition(sql, input)} AND ${labelCondition(sql, { ...input, target: "CLASS" })} GROUP BY g.class`;
  return new Map(rows.map((r) => [r.class as string, r.count as number]));
}

/** Labelled galaxies with the data a modality needs (`withRedshift`: and a redshift). */
export async function countTrainable(sql: Sql, input: Pick<TrainInput, "modality" | "dataModality" | "labelFilter" | "target">, withRedshift = false): Promise<number> {
  const [{ count }] = await sql`SELECT count(*)::int AS count FROM galaxies g
    WHERE ${dataCondition(sql, input)} AND ${labelCondition(sql, input)} ${withRedshift ? sql`AND g.redshift IS NOT NULL` : sql``}`;
  return count as number;
}

export async function loadTrainingGalaxies(sql: Sql, input: TrainInput): Promise<TrainingGalaxies> {
  const rows = await sql`
    SELECT g.id, g.cube_row, s.name AS cube_shard_name, COALESCE(s.sha256, s.name) AS cube_shard_hash, g.redshift, g.class, g.ra, g.dec, CASE WHEN ${labelCondition(sql, input)} THEN ${labelValue(sql, input)} END AS label
    FROM galaxies g JOIN cube_shards s ON s.id = g.cube_shard WHERE ${dataCondition(sql, input)} ORDER BY g.id`;
  const n = rows.length;
  const out: TrainingGalaxies = {
    ids: new Array(n),
    cubeRows: new Int32Array(n),
    cubeShards: new Array(n),
    cubeShardHashes: new Array(n),
    redshift: new Float64Array(n),
    raDeg: new Float64Array(n),
    decDeg: new Float64Array(n),
    label: new Float64Array(n),
    classes: new Array(n),
  };
  rows.forEach((r, i) => {
    out.ids[i] = String(r.id);
    out.cubeRows[i] = r.cube_row as number;
    out.cubeShards[i] = r.cube_shard_name as string;
    out.cubeShardHashes[i] = r.cube_shard_hash as string;
    out.redshift[i] = r.redshift === null ? NaN : Number(r.redshift);
    out.raDeg[i] = Number(r.ra);
    out.decDeg[i] = Number(r.dec);
    out.label[i] = r.label === null ? NaN : Number(r.label);
    out.classes[i] = (r.class as string | null) ?? null;
  });
  return out;
}

/** The galaxies among `ids` that have the data for `modality`, with cube locations and redshifts. */
export async function featureSourcesOf(sql: Sql, ids: readonly string[], modality: TrainInput["modality"]) {
  const rows = await sql`SELECT g.id, g.cube_row, s.name AS cube_shard_name, g.redshift, g.class FROM galaxies g JOIN cube_shards s ON s.id = g.cube_shard WHERE g.id = ANY(${ids as string[]}::int8[]) AND ${dataCondition(sql, { modality })} ORDER BY g.id`;
  return rows.map((r) => ({ id: String(r.id), cube: { shard: r.cube_shard_name as string, row: r.cube_row as number }, redshift: r.redshift === null ? null : Number(r.redshift), class: (r.class as string | null) ?? null }));
}
