/**
 * The FITS reader on the real SDSS files of ../shared/data, checked value by
 * value against astropy.io.fits (Debian python3-astropy) as the independent
 * reference: spectra (COADD, SPECOBJ/SPALL), and a bzip2-compressed frame
 * (image, calib vector, sky table).
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { FitsError } from "../fits/errors.js";
import { bunzip, findHdu, imageAccess, openFits, parseFits, readImage } from "../fits/file.js";
import { BinaryTable } from "../fits/table.js";
import { pythonModuleMissing, runPython } from "./support/python.js";
import { sharedData, sharedDataMissing } from "./support/shared-data.js";

const skip = sharedDataMissing("sdss") || pythonModuleMissing("astropy.io.fits");

const SPECTRUM_REFERENCE = `
import json, sys
import numpy as np
from astropy.io import fits
out = []
for path in json.load(sys.stdin):
    with fits.open(path) as h:
        coadd = h[1].data
        meta = h[2].data
        out.append({
            "name": h[2].name,
            "n": len(coadd),
            "flux": [float(x) for x in coadd["flux"][::97]],
            "ivar": [float(x) for x in coadd["ivar"][::97]],
            "loglam": [float(x) for x in coadd["loglam"][::97]],
            "and_mask": [int(x) for x in coadd["and_mask"][::97]],
            "plate": int(meta["PLATE"][0]), "mjd": int(meta["MJD"][0]), "fiberid": int(meta["FIBERID"][0]),
            "z": float(meta["Z"][0]), "class": str(meta["CLASS"][0]),
            "specobjid": str(meta["SPECOBJID"][0]),
            "plug_ra": float(meta["PLUG_RA"][0]), "plug_dec": float(meta["PLUG_DEC"][0]),
            "bunit": h[0].header.get("BUNIT"),
        })
print(json.dumps(out))
`;

const FRAME_REFERENCE = `
import json, sys
from astropy.io import fits
path = json.load(sys.stdin)
with fits.open(path) as h:
    img = h[0].data
    print(json.dumps({
        "shape": list(img.shape),
        "pixels": [float(img[y, x]) for y, x in [(0, 0), (10, 20), (744, 1024), (1488, 2047), (1000, 5)]],
        "crval1": h[0].header["CRVAL1"], "crpix2": h[0].header["CRPIX2"], "cd1_2": h[0].header["CD1_2"],
        "filter": h[0].header["FILTER"], "bunit": h[0].header["BUNIT"],
        "calib": [float(h[1].data[i]) for i in (0, 1000, 2047)],
        "allsky_shape": list(h[2].data["ALLSKY"][0].shape),
        "allsky": float(h[2].data["ALLSKY"][0][100, 50]),
        "xinterp": float(h[2].data["XINTERP"][0][1000]),
    }))
`;

describe("FITS reader against astropy on real SDSS files", { skip }, () => {
  it("reads all 27 spectra: COADD arrays and SPECOBJ/SPALL identifiers equal astropy's", () => {
    const paths = readdirSync(`${sharedData}sdss/spectra`).map((f) => `${sharedData}sdss/spectra/${f}`);
    assert.equal(paths.length, 27);
    const reference = runPython<any[]>(SPECTRUM_REFERENCE, paths);
    paths.forEach((path, i) => {
      const ref = reference[i];
      const hdus = openFits(path);
      const coadd = new BinaryTable(findHdu(hdus, "COADD"));
      assert.equal(coadd.rows, ref.n, path);
      const pick = (a: Float64Array) => Array.from(a.filter((_, k) => k % 97 === 0));
      assert.deepEqual(pick(coadd.numbers("flux")), ref.flux, path);
      assert.deepEqual(pick(coadd.numbers("ivar")), ref.ivar, path);
      assert.deepEqual(pick(coadd.numbers("loglam")), ref.loglam, path);
      assert.deepEqual(pick(coadd.numbers("and_mask")), ref.and_mask, path);
      const meta = new BinaryTable(hdus[2]);
      assert.equal(hdus[2].name, ref.name);
      assert.equal(meta.numbers("PLATE")[0], ref.plate);
      assert.equal(meta.numbers("MJD")[0], ref.mjd);
      assert.equal(meta.numbers("FIBERID")[0], ref.fiberid);
      assert.equal(meta.numbers("Z")[0], ref.z);
      assert.equal(meta.strings("CLASS")[0], ref.class);
      assert.equal(String(meta.column("SPECOBJID")[0]), ref.specobjid);
      assert.equal(meta.numbers("PLUG_RA")[0], ref.plug_ra);
      assert.equal(meta.numbers("PLUG_DEC")[0], ref.plug_dec);
      assert.equal(hdus[0].header.get("BUNIT") ?? null, ref.bunit);
    });
  });

  it("reads a bzip2-compressed frame: image pixels, WCS keywords, calib vector and sky table", () => {
    const path = `${sharedData}sdss/frames/frame-r-002820-3-0122.fits.bz2`;
    const ref = runPython<any>(FRAME_REFERENCE, path);
    const hdus = openFits(path);
    const image = readImage(hdus[0]);
    assert.deepEqual([image.shape[1], image.shape[0]], ref.shape);
    const at = (y: number, x: number) => image.values[y * image.shape[0] + x];
    assert.deepEqual([[0, 0], [10, 20], [744, 1024], [1488, 2047], [1000, 5]].map(([y, x]) => at(y, x)), ref.pixels);
    // Random access reads the same numbers without converting the image.
    const access = imageAccess(hdus[0]);
    assert.deepEqual(access.shape, image.shape);
    assert.deepEqual([[0, 0], [10, 20], [744, 1024], [1488, 2047], [1000, 5]].map(([y, x]) => access.at(y * image.shape[0] + x)), ref.pixels);
    for (let i = 0; i < image.values.length; i += 9973) assert.equal(access.at(i), image.values[i], `pixel ${i}`);
    assert.throws(() => access.at(image.values.length), RangeError);
    const header = hdus[0].header;
    assert.equal(header.number("CRVAL1"), ref.crval1);
    assert.equal(header.number("CRPIX2"), ref.crpix2);
    assert.equal(header.number("CD1_2"), ref.cd1_2);
    assert.equal(header.string("FILTER").trim(), ref.filter);
    assert.equal(header.string("BUNIT"), ref.bunit);
    const calib = readImage(hdus[1]).values;
    assert.deepEqual([calib[0], calib[1000], calib[2047]], ref.calib);
    const sky = new BinaryTable(hdus[2]);
    const allsky = sky.column("ALLSKY") as Float64Array[];
    assert.equal(allsky[0].length, ref.allsky_shape[0] * ref.allsky_shape[1]);
    assert.equal(allsky[0][100 * ref.allsky_shape[1] + 50], ref.allsky);
    assert.equal((sky.column("XINTERP") as Float64Array[])[0][1000], ref.xinterp);
  });
});

describe("bzip2 decompression", { skip }, () => {
  it("gives the same bytes with the system bzip2 and with the JavaScript decoder", () => {
    const compressed = readFileSync(`${sharedData}sdss/frames/frame-g-002820-3-0122.fits.bz2`);
    const native = bunzip(compressed, true);
    const javascript = bunzip(compressed, false);
    assert.equal(native.length, javascript.length);
    assert.ok(Buffer.from(native).equals(Buffer.from(javascript)));
  });
});

describe("FITS reader on bad input", () => {
  it("refuses bytes that are not FITS, and truncated files, with a FitsError", () => {
    assert.throws(() => parseFits(new TextEncoder().encode("hello world".padEnd(2880))), FitsError);
    const card = (text: string) => text.padEnd(80);
    const header = [card("SIMPLE  =                    T"), card("BITPIX  =                  -32"), card("NAXIS   =                    1"), card("NAXIS1  =                 1000"), card("END")].join("").padEnd(2880);
    assert.throws(() => parseFits(new TextEncoder().encode(header)), /claims 4000 data bytes/);
  });
});

describe("FITS headers", () => {
  it("reads values, skips commentary, joins CONTINUE long strings and ends the header after its END block", () => {
    const card = (text: string) => text.padEnd(80);
    const cards = [
      card("SIMPLE  =                    T / conforms"),
      card("BITPIX  =                    8"),
      card("NAXIS   =                    0"),
      card("COMMENT = not a value"),
      card("HISTORY   made by hand"),
      card("NAME    = 'O''Brien '          / a quote inside"),
      card("LONG    = 'first part &'"),
      card("CONTINUE  'second part&'"),
      card("CONTINUE  ' third'"),
      card("CONTINUE  'stray'"),
      card("RATIO   =              1.5D-03"),
      card("NOVALUE =                       / nothing"),
      card("END"),
    ];
    const primary = cards.join("").padEnd(2880);
    const extension = [card("XTENSION= 'IMAGE   '"), card("BITPIX  =                    8"), card("NAXIS   =                    1"), card("NAXIS1  =                    3"), card("PCOUNT  =                    0"), card("GCOUNT  =                    1"), card("EXTNAME = 'SECOND  '"), card("END")].join("").padEnd(2880);
    const bytes = new Uint8Array(2880 * 3);
    bytes.set(new TextEncoder().encode(primary + extension));
    bytes.set([7, 8, 9], 2880 * 2);
    const hdus = parseFits(bytes);
    assert.equal(hdus.length, 2);
    const h = hdus[0].header;
    assert.deepEqual(h.keywords, ["SIMPLE", "BITPIX", "NAXIS", "NAME", "LONG", "RATIO", "NOVALUE"]);
    assert.equal(h.get("SIMPLE"), true);
    assert.equal(h.get("NAME"), "O'Brien");
    assert.equal(h.get("LONG"), "first part second part third");
    assert.equal(h.get("RATIO"), 1.5e-3);
    assert.equal(h.get("NOVALUE"), null);
    assert.equal(hdus[1].name, "SECOND");
    assert.deepEqual([...hdus[1].data], [7, 8, 9]);
  });
});
