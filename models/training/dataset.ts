/**
 * The training selection of a run as its model card shows it: the filter,
 * the counts, the labelled galaxies' redshift range and sky footprint (a
 * MOC 2.0 ASCII string at order 6, cells of ~0.9°) and the dataset digest.
 */
import { degrade, nested29 } from "../../sky/healpix.js";
import { datasetDigest } from "./dataset-digest.js";
import type { TrainInput } from "./input.js";
import type { TrainingGalaxies } from "./pipeline.js";

export const FOOTPRINT_ORDER = 6;

export interface DatasetSummary {
  digest: string;
  galaxies: number;
  labelled: number;
  labelFilter: TrainInput["labelFilter"];
  redshiftMin: number | null;
  redshiftMax: number | null;
  labelMin: number | null;
  labelMax: number | null;
  /** MOC 2.0 ASCII serialisation, e.g. "6/1 5-9". */
  footprintMoc: string;
}

export function describeDataset(input: TrainInput, galaxies: TrainingGalaxies): DatasetSummary {
  const rows: number[] = [];
  for (let i = 0; i < galaxies.ids.length; i++) if (Number.isFinite(galaxies.label[i])) rows.push(i);
  const finite = (values: number[]) => values.filter(Number.isFinite);
  const z = finite(rows.map((r) => galaxies.redshift[r]));
  const labels = rows.map((r) => galaxies.label[r]);
  const cells = [...new Set(rows.map((r) => Number(degrade(nested29(galaxies.raDeg[r], galaxies.decDeg[r]), FOOTPRINT_ORDER))))].sort((a, b) => a - b);
  return {
    digest: datasetDigest({ galaxyIds: rows.map((r) => galaxies.ids[r]), labels, cubeShardHashes: [...new Set(rows.map((r) => galaxies.cubeShardHashes[r]))].sort() }),
    galaxies: galaxies.ids.length,
    labelled: rows.length,
    labelFilter: input.labelFilter,
    redshiftMin: extreme(z, Math.min),
    redshiftMax: extreme(z, Math.max),
    labelMin: extreme(labels, Math.min),
    labelMax: extreme(labels, Math.max),
    footprintMoc: `${FOOTPRINT_ORDER}/${ranges(cells)}`,
  };
}

/** Without spreading (which overflows the stack past ~100,000 values). */
function extreme(values: number[], pick: (a: number, b: number) => number): number | null {
  return values.length ? values.reduce((a, b) => pick(a, b)) : null;
}

/** "1 5-9 12" from sorted distinct integers. */
function ranges(sorted: number[]): string {
  const out: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
    out.push(i === j ? String(sorted[i]) : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return out.join(" ");
}
