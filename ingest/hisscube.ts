/**
 * `ingest hisscube FILE.h5`: the targets of a HiSS-Cube machine-learning
 * cube into the catalogue and our cube. Images are converted back to
 * nanomaggies (cube/hisscube/read.ts explains HiSS-Cube's unit), sigma is
 * the one re-read from the semi-sparse errors, the WCS is the r frame's
 * shifted to the cutout, spectra are scaled to 1e-17 erg/s/cm²/Å. Positions
 * and identifiers come from the first contributing spectrum's header
 * (PLUG_RA/PLUG_DEC, PLATEID, MJD, FIBERID); HiSS-Cube keeps no redshift or
 * class. Idempotent: a target is keyed by its contributing spectra.
 */
import { basename } from "node:path";
import { insertBatchReturning, type NewGalaxy } from "../catalog/bulk-load.js";
import { BANDS, hisscubePerNanomaggy, readHisscube } from "../cube/hisscube/read.js";
import type { Measured } from "../cube/rebin.js";
import { CubeWriter, type CubeRecord } from "../cube/store.js";
import type { TanWcs } from "../sky/tan-wcs.js";
import { lockCubeWrites } from "./cube-lock.js";
import type { Sql } from "../db/database.js";
import type { IngestReport } from "./sdss/ingest.js";

const number = (header: Record<string, unknown>, key: string) => {
  const value = Number(header[key]);
  return Number.isFinite(value) ? value : null;
};

export async function ingestHisscube(sql: Sql, options: { path: string; cubePath: string }): Promise<IngestReport> {
  const targets = await readHisscube(options.path, 0);
  const report: IngestReport = { spectraRead: 0, objects: targets.length, inserted: 0, alreadyPresent: 0, withImage: 0, withSfrLabel: 0, skipped: [] };
  const file = basename(options.path);
  const prepared = targets.flatMap((target) => {
    const headers = target.spectrumHeaders;
    report.spectraRead += headers.length;
    const ra = headers.map((h) => number(h, "PLUG_RA")).filter((v): v is number => v !== null);
    const dec = headers.map((h) => number(h, "PLUG_DEC")).filter((v): v is number => v !== null);
    if (ra.length === 0 || dec.length === 0) {
      report.skipped.push({ file, reason: `target ${target.index}: no PLUG_RA/PLUG_DEC in its spectra's headers` });
      return [];
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
    const record: CubeRecord = { image: { ...image, wcs }, spectrum };
    return [{ galaxy, record, target }];
  });

  return sql.begin(async (tx) => {
    const fresh = await insertBatchReturning(tx as unknown as Sql, prepared.map((p) => p.galaxy));
    report.inserted = fresh.length;
    report.alreadyPresent = prepared.length - fresh.length;
    if (fresh.length === 0) return report;
    const todo = prepared.filter((p) => fresh.some((f) => f.sourceKey === p.galaxy.sourceKey));
    const ids = todo.map((p) => fresh.find((f) => f.sourceKey === p.galaxy.sourceKey)!.id);
    await lockCubeWrites(tx as unknown as Sql);
    const writer = await CubeWriter.begin(options.cubePath);
    try {
      const first = writer.append(todo.map((p) => p.record));
      await tx`
        UPDATE galaxies SET cube_row = u.row, has_image = true, has_spectrum = true
        FROM unnest(${ids}::int8[], ${ids.map((_, i) => first + i)}::int4[]) AS u(id, row) WHERE galaxies.id = u.id`;
      const sources = todo.flatMap((p, k) => [
        { galaxy_id: ids[k], role: "CUBE", file, plate: null, mjd: null, fiberid: null, run: null, camcol: null, field: null, band: null },
        ...p.target.spectra.map((spectrum, j) => ({
          galaxy_id: ids[k], role: "SPECTRUM", file: spectrum, plate: number(p.target.spectrumHeaders[j], "PLATEID"),
          mjd: number(p.target.spectrumHeaders[j], "MJD"), fiberid: number(p.target.spectrumHeaders[j], "FIBERID"),
          run: null, camcol: null, field: null, band: null,
        })),
        ...p.target.bands.map((band) => ({
          galaxy_id: ids[k], role: "FRAME", file: band.frame, plate: null, mjd: null, fiberid: null,
          run: number(band.header, "RUN"), camcol: number(band.header, "CAMCOL"), field: number(band.header, "FIELD"), band: band.band,
        })),
      ]);
      await tx`INSERT INTO galaxy_sources ${tx(sources as any[])}`;
      writer.commit();
      report.withImage = todo.length;
      return report;
    } catch (error) {
      writer.abort();
      throw error;
    }
  });
}
