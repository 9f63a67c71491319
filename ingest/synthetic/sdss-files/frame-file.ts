/**
 * One synthetic frame as an SDSS `frame-[ugriz]-RUN-CAMCOL-FIELD.fits.bz2`
 * file (DR8+ data model): HDU 0 the image (float32, nanomaggies, TAN WCS
 * with a CD matrix, the header cards real frames carry: RUN, CAMCOL,
 * FIELD/FRAME, FILTER, BUNIT, NMGY, …), HDU 1 the calib vector, HDU 2 the
 * sky table (ALLSKY with TDIM1 = (256,192), XINTERP, YINTERP). Real frames
 * also carry HDU 3, the astrometric transform (AsTrans); neither our reader
 * nor astropy needs it, and a made-up one would mislead, so it is left out.
 *
 * Compressed by the system's lbzip2 or bzip2 (bzip2Tool), streaming into a
 * temporary file renamed into place once the compressor has finished: a
 * frame exists whole or not at all.
 */
import { spawn } from "node:child_process";
import { closeSync, openSync, renameSync, rmSync, statSync } from "node:fs";
import { bzip2Tool } from "../../../fits/file.js";
import { fitsFile, type CardValue } from "../../../fits/write.js";
import type { FrameBand } from "../../sdss/frame.js";
import { FRAME_COLUMNS, FRAME_ROWS, type SurveyField } from "./fields.js";
import { bandWcs, quantumNmgy } from "./frame-image.js";
import { SKY_GRID_COLUMNS, SKY_GRID_ROWS, type FrameCalibration } from "./frame-noise.js";

export const frameName = (band: FrameBand, f: Pick<SurveyField, "run" | "camcol" | "field">) =>
  `frame-${band}-${String(f.run).padStart(6, "0")}-${f.camcol}-${String(f.field).padStart(4, "0")}.fits.bz2`;

export function frameBytes(field: SurveyField, band: FrameBand, image: Float32Array, calibration: FrameCalibration): Uint8Array {
  const wcs = bandWcs(field, band);
  const cards: [string, CardValue, string?][] = [
    ["ORIGIN", "SDSS"], ["TELESCOP", "2.5m"], ["TIMESYS", "TAI"],
    ["RUN", field.run, "Run number"], ["FRAME", field.field, "Frame sequence number within the run"],
    ["CAMCOL", field.camcol, "column in the imaging camera"], ["FILTER", band, "filter used"],
    ["FLAVOR", "science", "Flavor of this run"], ["CCDMODE", "DRIFT"], ["EXPTIME", "53.907456", "Exposure time (seconds)"],
    ["SOFTBIAS", 1000, "software \"bias\" added to all DN"], ["BUNIT", "nanomaggy", "1 nanomaggy = 3.631e-6 Jy"],
    ["EQUINOX", 2000.0], ["RADECSYS", "ICRS", "International Celestial Ref. System"],
    ["CTYPE1", "RA---TAN", "Coordinate type"], ["CTYPE2", "DEC--TAN", "Coordinate type"], ["CUNIT1", "deg", "Units"], ["CUNIT2", "deg", "Units"],
    ["CRPIX1", wcs.crpix1, "X of reference pixel"], ["CRPIX2", wcs.crpix2, "Y of reference pixel"],
    ["CRVAL1", wcs.crval1, "RA of reference pixel (deg)"], ["CRVAL2", wcs.crval2, "Dec of reference pixel (deg)"],
    ["CD1_1", wcs.cd1_1, "RA deg per column pixel"], ["CD1_2", wcs.cd1_2, "RA deg per row pixel"],
    ["CD2_1", wcs.cd2_1, "Dec deg per column pixel"], ["CD2_2", wcs.cd2_2, "Dec deg per row pixel"],
    ["NMGY", calibration.nmgy, "Calibration factor [nMgy per count]"],
    ["RERUN", "301", "rerun"],
    ["COMMENT", `Values rounded to multiples of ${quantumNmgy(band)} nanomaggy`],
    ["COMMENT", "SYNTHETIC: written by skycube demo --write-sdss, not observed"],
  ];
  return fitsFile(
    { shape: [FRAME_COLUMNS, FRAME_ROWS], data: image },
    [{
      name: "SKY",
      columns: [
        { name: "ALLSKY", format: `${SKY_GRID_COLUMNS * SKY_GRID_ROWS}E`, values: [calibration.allsky] },
        { name: "XINTERP", format: `${FRAME_COLUMNS}E`, values: [calibration.xInterp] },
        { name: "YINTERP", format: `${FRAME_ROWS}E`, values: [calibration.yInterp] },
      ],
      cards: [["TDIM1", `( ${SKY_GRID_COLUMNS}, ${SKY_GRID_ROWS})`]],
    }],
    cards,
    [{ name: "CALIB", shape: [FRAME_COLUMNS], data: calibration.calib }],
  );
}

/**
 * Writes `bytes` bzip2-compressed to `path` through the system compressor;
 * resolves with the compressed size once the file is in place.
 */
export function writeBzip2(path: string, bytes: Uint8Array): Promise<number> {
  const tool = bzip2Tool();
  if (tool === null) return Promise.reject(new Error("writing SDSS frames needs bzip2 or lbzip2 on the PATH (apt-get install lbzip2)"));
  const temporary = `${path}.tmp-${process.pid}`;
  const fd = openSync(temporary, "w");
  return new Promise<number>((resolve, reject) => {
    const child = spawn(tool, ["-c"], { stdio: ["pipe", fd, "pipe"] });
    const errors: Buffer[] = [];
    child.stderr!.on("data", (chunk: Buffer) => errors.push(chunk));
    child.stdin!.on("error", () => {}); // a compressor that dies reports through "close"
    child.on("error", (error) => {
      closeSync(fd);
      rmSync(temporary, { force: true });
      reject(error);
    });
    child.on("close", (code, signal) => {
      closeSync(fd);
      if (code !== 0) {
        rmSync(temporary, { force: true });
        reject(new Error(`${tool} failed writing ${path} (${signal ?? `exit ${code}`}): ${Buffer.concat(errors).toString().trim()}`));
        return;
      }
      renameSync(temporary, path);
      resolve(statSync(path).size);
    });
    child.stdin!.end(bytes);
  });
}
