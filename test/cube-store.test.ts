/**
 * The HDF5 cube: rows written are read back exactly; every zoom level is the
 * rebinning of the one before; appends are atomic; readers follow a replaced
 * file. Real HDF5 files in a temporary folder.
 */
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { rebin1d, rebinImage, edgesFromCentres, overlapWeights, type Measured } from "../cube/rebin.js";
import { appendToCube, CubeError, CubeReader, CubeWriter, type CubeRecord } from "../cube/store.js";
import { imageView, spectrumView } from "../cube/views.js";
import { spectrumBins, wavelengthGrid } from "../cube/zoom.js";
import { Random } from "../random/random.js";

function measured(n: number, random: Random, maskedFraction = 0.02): Measured {
  const m: Measured = { value: new Float32Array(n), sigma: new Float32Array(n), mask: new Uint8Array(n) };
  for (let i = 0; i < n; i++) {
    if (random.next() < maskedFraction) {
      m.value[i] = NaN;
      m.sigma[i] = NaN;
      m.mask[i] = 1;
    } else {
      m.value[i] = random.normal(5, 2);
      m.sigma[i] = random.uniform(0.1, 1);
    }
  }
  return m;
}

function record(random: Random, withImage = true): CubeRecord {
  return {
    image: withImage ? { ...measured(5 * 64 * 64, random), wcs: { crval1: 10, crval2: -1, crpix1: 32.5, crpix2: 32.5, cd1_1: -0.00011, cd1_2: 0, cd2_1: 0, cd2_2: 0.00011 } } : undefined,
    spectrum: measured(4620, random),
  };
}

const sha = (path: string) => createHash("sha256").update(readFileSync(path)).digest("hex");

describe("HDF5 cube store", () => {
  const dir = mkdtempSync(join(tmpdir(), "skycube-cube-"));
  const path = join(dir, "cube.h5");
  after(() => rmSync(dir, { recursive: true, force: true }));
  const random = new Random(11);
  const records = [record(random), record(random, false), record(random)];

  it("reads back at zoom 0 exactly what was written, with NaN and masks kept", async () => {
    assert.equal(await appendToCube(path, records), 0);
    const reader = await CubeReader.open(path);
    assert.equal(reader.rows(), 3);
    const image = reader.readImage(2, 0);
    assert.deepEqual(image.value, records[2].image!.value);
    assert.deepEqual(image.sigma, records[2].image!.sigma);
    assert.deepEqual(image.mask, records[2].image!.mask);
    assert.equal(image.wcs!.crpix1, 32.5);
    const spectrum = reader.readSpectrum(0, 0);
    assert.deepEqual(spectrum.value, records[0].spectrum!.value);
    assert.equal(spectrum.wavelengthAngstrom.length, 4620);
    const none = reader.readImage(1, 0);
    assert.ok(none.mask.every((m) => m === 1) && none.value.every(Number.isNaN), "a row without image is all masked");
    assert.equal(none.wcs, null);
    reader.close();
  });

  it("stores each zoom level as the rebinning of the previous one, WCS by the half-pixel rule", async () => {
    const reader = await CubeReader.open(path);
    let previous = reader.readImage(0, 0);
    for (let zoom = 1; zoom <= 4; zoom++) {
      const level = reader.readImage(0, zoom);
      const size = 64 >> zoom;
      const plane = (m: Measured, band: number, n: number): Measured => ({
        value: m.value.subarray(band * n, (band + 1) * n),
        sigma: m.sigma.subarray(band * n, (band + 1) * n),
        mask: m.mask.subarray(band * n, (band + 1) * n),
      });
      for (let band = 0; band < 5; band++) {
        const expected = rebinImage(plane(previous, band, 4 * size * size), 2 * size, size);
        assert.deepEqual(plane(level, band, size * size).sigma, expected.sigma);
      }
      assert.equal(level.wcs!.crpix1, (32.5 - 0.5) / 2 ** zoom + 0.5);
      previous = level;
    }
    const s0 = reader.readSpectrum(0, 0);
    const s1 = reader.readSpectrum(0, 1);
    const w = overlapWeights(edgesFromCentres(wavelengthGrid(spectrumBins(0))), edgesFromCentres(wavelengthGrid(spectrumBins(1))));
    assert.deepEqual(s1.value, rebin1d(s0, w).value);
    reader.close();
  });

  it("serves sizes and lengths between levels from the next finer level", async () => {
    const reader = await CubeReader.open(path);
    const image = imageView(reader, 0, { size: 48, bands: ["r", "u"] });
    assert.equal(image.zoom, 0);
    assert.equal(image.value.length, 2 * 48 * 48);
    assert.ok(Math.abs(image.pixelScaleArcsec - (0.396 * 64) / 48) < 1e-12);
    const spectrum = spectrumView(reader, 0, { bins: 1000 });
    assert.equal(spectrum.zoom, 2, "1000 bins come from the 1155-bin level");
    assert.equal(spectrum.value.length, 1000);
    assert.throws(() => imageView(reader, 0, { zoom: 5, size: 2, bands: [] }), (e: any) => e.extensions.problems.length === 3);
    reader.close();
  });

  it("leaves the cube untouched when an append fails, and leaves no temporary file", async () => {
    const before = sha(path);
    const bad: CubeRecord = { spectrum: { value: new Float32Array(10), sigma: new Float32Array(10), mask: new Uint8Array(10) } };
    await assert.rejects(appendToCube(path, [record(random), bad]), CubeError);
    assert.equal(sha(path), before);
    const writer = await CubeWriter.begin(path);
    writer.append([record(random)]);
    writer.abort();
    assert.equal(sha(path), before);
    assert.deepEqual(readdirSync(dir).sort(), ["cube.h5"]);
  });

  it("creates the cube's folder when needed, and fails cleanly where it cannot write", async () => {
    const nested = join(dir, "a", "b", "cube.h5");
    assert.equal(await appendToCube(nested, [record(random)]), 0);
    assert.ok(existsSync(nested));
    writeFileSync(join(dir, "a-file"), "not a folder");
    await assert.rejects(appendToCube(join(dir, "a-file", "cube.h5"), [record(random)]), /ENOTDIR/);
  });

  it("lets an open reader see rows appended after it opened the file", async () => {
    const reader = await CubeReader.open(path);
    assert.equal(reader.rows(), 3);
    assert.equal(await appendToCube(path, [record(random)]), 3);
    assert.equal(reader.rows(), 4);
    assert.throws(() => reader.readImage(4, 0), CubeError);
    reader.close();
    assert.ok(existsSync(path));
  });
});
