/**
 * The MPA-JHU catalogue files for a planned survey: `gal_info.fits`
 * (PLATEID, MJD, FIBERID, RA, DEC, Z) and `gal_totsfr.fits` (AVG, ENTROPY,
 * FLAG, MEDIAN, MODE, P2P5, P16, P84, P97P5), row-aligned, one row per
 * galaxy spectrum, as the DR7 release lays them out (Brinchmann et al.
 * 2004, MNRAS 351, 1151). A missing estimate is −99 in every column.
 */
import { renameSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fitsFile } from "../../../fits/write.js";
import type { PlannedLabel } from "./plan.js";

export const GAL_INFO = "gal_info.fits";
export const GAL_TOTSFR = "gal_totsfr.fits";

function write(path: string, bytes: Uint8Array): number {
  writeFileSync(`${path}.tmp-${process.pid}`, bytes);
  renameSync(`${path}.tmp-${process.pid}`, path);
  return statSync(path).size;
}

/** Writes both files into `dir`; returns their total size in bytes. */
export function writeMpaJhu(dir: string, labels: PlannedLabel[]): number {
  const column = <K extends keyof PlannedLabel>(key: K) => labels.map((l) => l[key] as number);
  const info = fitsFile(null, [{ name: "GAL_INFO", columns: [
    { name: "PLATEID", format: "J", values: column("plate") },
    { name: "MJD", format: "J", values: column("mjd") },
    { name: "FIBERID", format: "J", values: column("fiberid") },
    { name: "RA", format: "E", values: column("raDeg") },
    { name: "DEC", format: "E", values: column("decDeg") },
    { name: "Z", format: "E", values: column("redshift") },
  ] }]);
  const sfr = fitsFile(null, [{ name: "GAL_TOTSFR", columns: [
    { name: "AVG", format: "E", values: column("avg") },
    { name: "ENTROPY", format: "E", values: labels.map((l) => (l.avg === -99 ? -99 : 1.2)) },
    { name: "FLAG", format: "J", values: column("flag") },
    { name: "MEDIAN", format: "E", values: column("median") },
    { name: "MODE", format: "E", values: column("median") },
    { name: "P2P5", format: "E", values: column("p2p5") },
    { name: "P16", format: "E", values: column("p16") },
    { name: "P84", format: "E", values: column("p84") },
    { name: "P97P5", format: "E", values: column("p97p5") },
  ] }]);
  return write(join(dir, GAL_INFO), info) + write(join(dir, GAL_TOTSFR), sfr);
}
