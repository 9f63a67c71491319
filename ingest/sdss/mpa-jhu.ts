/**
 * The MPA-JHU DR7 star-formation-rate catalogue: gal_info_dr7_v5_2.fits
 * (PLATEID, MJD, FIBERID, …) and gal_totsfr_dr7_v5_2.fits (AVG, MEDIAN,
 * P2P5, P16, P84, P97P5, FLAG, …), row-aligned. AVG = −99 or NaN means no
 * label (Brinchmann et al. 2004, MNRAS 351, 1151; the DR7 release notes).
 */
import type { SfrLabel } from "../../catalog/galaxy-record.js";
import { FitsError } from "../../fits/errors.js";
import { openFits } from "../../fits/file.js";
import { BinaryTable } from "../../fits/table.js";

export const spectrumKey = (plate: number, mjd: number, fiberid: number) => `${plate}-${mjd}-${fiberid}`;

const clean = (value: number): number | null => (Number.isFinite(value) && value > -99 ? value : null);

export function readMpaJhu(galInfoPath: string, totSfrPath: string): Map<string, SfrLabel> {
  const info = new BinaryTable(openFits(galInfoPath)[1]);
  const sfr = new BinaryTable(openFits(totSfrPath)[1]);
  if (info.rows !== sfr.rows) throw new FitsError(`gal_info has ${info.rows} rows but gal_totsfr ${sfr.rows}: they must be row-aligned`);
  const [plate, mjd, fiber] = ["PLATEID", "MJD", "FIBERID"].map((c) => info.numbers(c));
  const [avg, median, p2p5, p16, p84, p97p5, flag] = ["AVG", "MEDIAN", "P2P5", "P16", "P84", "P97P5", "FLAG"].map((c) => sfr.numbers(c));
  const labels = new Map<string, SfrLabel>();
  for (let i = 0; i < info.rows; i++) {
    const label: SfrLabel = { avg: clean(avg[i]), median: clean(median[i]), p2p5: clean(p2p5[i]), p16: clean(p16[i]), p84: clean(p84[i]), p97p5: clean(p97p5[i]), flag: flag[i] };
    if (label.avg === null) label.flag = flag[i];
    labels.set(spectrumKey(plate[i], mjd[i], fiber[i]), label);
  }
  return labels;
}
