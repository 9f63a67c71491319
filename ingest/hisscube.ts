/**
 * `ingest hisscube FILE.h5`: the targets of a HiSS-Cube machine-learning
 * cube into the catalogue and our cube. Images are converted back to
 * nanomaggies (cube/hisscube/read.ts explains HiSS-Cube's unit), sigma is
 * the one re-read from the semi-sparse errors, the WCS is the r frame's
 * shifted to the cutout, spectra are scaled to 1e-17 erg/s/cm²/Å. Positions
 * and identifiers come from the first contributing spectrum's header
 * (PLUG_RA/PLUG_DEC, PLATEID, MJD, FIBERID); HiSS-Cube keeps no redshift or
 * class. Streamed through the shared load stage (./load.ts) in batches.
 * Idempotent: a target is recorded as the observation `FILE#INDEX`; a
 * target that is an object already catalogued (its spectra recorded, or
 * within 1″) joins it: its image is taken if the galaxy had none, its
 * spectrum only if none of the spectra it was made from are there already
 * (they would be counted twice).
 */
import { basename } from "node:path";
import type { NewGalaxy } from "../catalog/bulk-load.js";
import type { NewSource } from "../catalog/sources.js";
import type { CubeRecord, CubeStore } from "../cube/cube-store.js";
import { BANDS, hisscubePerNanomaggy, hisscubeTargets, type HisscubeTarget } from "../cube/hisscube/read.js";
import type { Measured } from "../cube/rebin.js";
import type { TanWcs } from "../sky/tan-wcs.js";
import type { Sql } from "../db/database.js";
import { loadBatch, type LoadItem } from "./load.js";
import { DEFAULT_INGEST_BATCH, type IngestReport } from "./sdss/ingest.js";

const number = (header: Record<string, unknown>, key: string) => {
  const value = Number(header[key]);
  return Number.isFinite(value) ? value : null;
};

const source = (role: NewSource["role"], file: string, extra: Partial<NewSource> = {}): NewSource => ({
  role, file, plate: null, mjd: null, fiberid: null, run: null, camcol: null, field: null, band: null, ...extra,
});

/** A target as an item of the load stage, with its data; null (reported) when it has no position. */
function prepare(target: HisscubeTarget, file: string, report: IngestReport): { item: LoadItem; record: CubeRecord } | null {
  const headers = target.spectrumHeaders;
  report.spectraRead += headers.length;
  const ra = headers.map((h) => number(h, "PLUG_RA")).filter((v): v is number => v !== null);
  const dec = headers.map((h) => number(h, "PLUG_DEC")).filter((v): v is number => v !== null);
  if (ra.length === 0 || dec.length === 0) {
    report.skipped.push({ file, reason: `target ${target.index}: no PLUG_RA/PLUG_DEC in its spectra's headers` });
    return null;
  }
  const first = headers[0];
  const galaxy: NewGalaxy = {
    sourceKey: `hisscube/${[...target.spectra].sort().join("+")}`,
    survey: "HISSCUBE",
    plate: number(first, "PLATEID"),
    mjd: number(first, "MJD"),
    fiberid: number(first, "FIBERID"),
    raDeg: ((ra.reduce((a, b) => a + b, 0) / ra.length) % 360 + 360) % 360,
    decDeg: dec.reduce((a, b) => a + b, 0) / dec.length,
  };
  const n = target.size * target.size;
  const image: Measured = { value: new Float32Array(5 * n), sigma: new Float32Array(5 * n), mask: new Uint8Array(5 * n) };
  target.bands.forEach((band, b) => {
    const perNanomaggy = hisscubePerNanomaggy(band.band);
    for (let i = 0; i < n; i++) {
      const [value, sigma] = [band.flux[i] / perNanomaggy, band.sigma[i] / perNanomaggy];
      const bad = !Number.isFinite(value) || !Number.isFinite(sigma);
      image.value[b * n + i] = bad ? NaN : value;
      image.sigma[b * n + i] = bad ? NaN : sigma;
      image.mask[b * n + i] = bad ? 1 : 0;
    }
  });
  const r = target.bands[BANDS.indexOf("r")];
  const h = r.header;
  const wcs: TanWcs = {
    crval1: Number(h.CRVAL1), crval2: Number(h.CRVAL2),
    crpix1: Number(h.CRPIX1) - r.region.column, crpix2: Number(h.CRPIX2) - r.region.row,
    cd1_1: Number(h.CD1_1), cd1_2: Number(h.CD1_2), cd2_1: Number(h.CD2_1), cd2_2: Number(h.CD2_2),
  };
  const spectrum: Measured = { value: new Float32Array(target.flux.length), sigma: new Float32Array(target.flux.length), mask: new Uint8Array(target.flux.length) };
  for (let i = 0; i < target.flux.length; i++) {
    const [value, sigma] = [target.flux[i] * 1e17, target.sigma[i] * 1e17];
    const bad = !Number.isFinite(value) || !(sigma > 0);
    spectrum.value[i] = bad ? NaN : value;
    spectrum.sigma[i] = bad ? NaN : sigma;
    spectrum.mask[i] = bad ? 1 : 0;
  }
  const spectra = target.spectra.map((name, j) =>
    source("SPECTRUM", name, { plate: number(headers[j], "PLATEID"), mjd: number(headers[j], "MJD"), fiberid: number(headers[j], "FIBERID") }),
  );
  const frames = target.bands.map((band) =>
    source("FRAME", band.frame, { run: number(band.header, "RUN"), camcol: number(band.header, "CAMCOL"), field: number(band.header, "FIELD"), band: band.band }),
  );
  const item: LoadItem = {
    galaxy,
    observations: [source("CUBE", `${file}#${target.index}`), ...spectra],
    provenance: frames,
    spectrumFrom: target.spectra,
  };
  return { item, record: { image: { ...image, wcs }, spectrum } };
}

export async function ingestHisscube(sql: Sql, options: { path: string; cube: CubeStore; batchSize?: number; onProgress?: (stage: string, done: number, total: number) => void; signal?: AbortSignal }): Promise<IngestReport> {
  const report: IngestReport = { spectraRead: 0, objects: 0, inserted: 0, merged: 0, alreadyPresent: 0, batches: 0, shards: 0, bytes: 0, withImage: 0, withSfrLabel: 0, skipped: [] };
  const file = basename(options.path);
  const batchSize = options.batchSize ?? DEFAULT_INGEST_BATCH;
  let batch: { item: LoadItem; record: CubeRecord }[] = [];
  const flush = async () => {
    const items = batch;
    batch = [];
    if (items.length === 0) return;
    options.signal?.throwIfAborted();
    const result = await loadBatch(sql, options.cube, items.map((p) => p.item), () => items.map((p) => p.record));
    report.inserted += result.inserted;
    report.merged += result.merged;
    report.alreadyPresent += result.present;
    report.withImage += result.kinds.filter((k) => k !== "present").length;
    report.batches++;
    report.shards += result.shards;
    report.bytes += result.bytes;
    options.onProgress?.("objects", report.objects, report.objects);
  };
  for await (const target of hisscubeTargets(options.path, 0)) {
    report.objects++;
    const prepared = prepare(target, file, report);
    if (prepared) batch.push(prepared);
    if (batch.length >= batchSize) await flush();
  }
  await flush();
  return report;
}
