/**
 * The HDF5 cube as shards: rows written are read back exactly; every zoom
 * level is the rebinning of the one before; a shard is written whole or not
 * at all; reads span shards; a damaged shard fails only its own galaxies.
 * Real HDF5 files in a temporary folder.
 */
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { rebin1d, rebinImage, edgesFromCentres, overlapWeights, type Measured } from "../cube/rebin.js";
import { CubeError, CubeStore, openCube, type CubeRecord } from "../cube/cube-store.js";
import { LocalShardStorage } from "../cube/storage.js";
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
  const name = "cube/shards/o2-0001/a.h5";
  const path = join(dir, name);
  const at = (row: number) => ({ shard: name, row });
  after(() => rmSync(dir, { recursive: true, force: true }));
  const random = new Random(11);
  const records = [record(random), record(random, false), record(random)];

  it("reads back at zoom 0 exactly what was written, with NaN and masks kept", async () => {
    const writer = await openCube(dir);
    const written = await writer.writeShard(name, records);
    assert.deepEqual([written.rows, written.bytes, written.sha256], [3, readFileSync(path).length, sha(path)]);
    const reader = await openCube(dir);
    assert.equal(reader.shard(name).rows, 3);
    const image = reader.readImage(at(2), 0);
    assert.deepEqual(image.value, records[2].image!.value);
    assert.deepEqual(image.sigma, records[2].image!.sigma);
    assert.deepEqual(image.mask, records[2].image!.mask);
    assert.equal(image.wcs!.crpix1, 32.5);
    const spectrum = reader.readSpectrum(at(0), 0);
    assert.deepEqual(spectrum.value, records[0].spectrum!.value);
    assert.equal(spectrum.wavelengthAngstrom.length, 4620);
    const none = reader.readImage(at(1), 0);
    assert.ok(none.mask.every((m) => m === 1) && none.value.every(Number.isNaN), "a row without image is all masked");
    assert.equal(none.wcs, null);
    reader.close();
  });

  it("stores each zoom level as the rebinning of the previous one, WCS by the half-pixel rule", async () => {
    const reader = await openCube(dir);
    let previous = reader.readImage(at(0), 0);
    for (let zoom = 1; zoom <= 4; zoom++) {
      const level = reader.readImage(at(0), zoom);
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
    const s0 = reader.readSpectrum(at(0), 0);
    const s1 = reader.readSpectrum(at(0), 1);
    const w = overlapWeights(edgesFromCentres(wavelengthGrid(spectrumBins(0))), edgesFromCentres(wavelengthGrid(spectrumBins(1))));
    assert.deepEqual(s1.value, rebin1d(s0, w).value);
    reader.close();
  });

  it("serves sizes and lengths between levels from the next finer level", async () => {
    const reader = await openCube(dir);
    const image = imageView(reader, at(0), { size: 48, bands: ["r", "u"] });
    assert.equal(image.zoom, 0);
    assert.equal(image.value.length, 2 * 48 * 48);
    assert.ok(Math.abs(image.pixelScaleArcsec - (0.396 * 64) / 48) < 1e-12);
    const spectrum = spectrumView(reader, at(0), { bins: 1000 });
    assert.equal(spectrum.zoom, 2, "1000 bins come from the 1155-bin level");
    assert.equal(spectrum.value.length, 1000);
    assert.throws(() => imageView(reader, at(0), { zoom: 5, size: 2, bands: [] }), (e: any) => e.code === "BAD_USER_INPUT" && e.problems.length === 3);
    reader.close();
  });

  it("writes a shard whole or not at all: a bad record leaves no file and no temporary", async () => {
    const store = await openCube(dir);
    const bad: CubeRecord = { spectrum: { value: new Float32Array(10), sigma: new Float32Array(10), mask: new Uint8Array(10) } };
    await assert.rejects(store.writeShard("cube/shards/o2-0001/bad.h5", [record(random), bad]), CubeError);
    assert.deepEqual(readdirSync(join(dir, "cube/shards/o2-0001")).sort(), ["a.h5"]);
    assert.deepEqual(new LocalShardStorage(dir).list().temporaries, []);
  });

  it("fails cleanly where it cannot write", async () => {
    writeFileSync(join(dir, "a-file"), "not a folder");
    const store = await openCube(join(dir, "a-file"));
    await assert.rejects(store.writeShard("cube/shards/x.h5", [record(random)]), /ENOTDIR|EEXIST/);
  });

  it("reads many rows across shards in the order asked", async () => {
    const store = await openCube(dir);
    const second = [record(random), record(random)];
    await store.writeShard("cube/shards/o2-0002/b.h5", second);
    const locations = [{ shard: "cube/shards/o2-0002/b.h5", row: 1 }, at(0), { shard: "cube/shards/o2-0002/b.h5", row: 0 }, at(2)];
    const { flux } = store.readRows("spectrum", locations, 0, ["flux"]);
    const expected = [second[1], records[0], second[0], records[2]];
    expected.forEach((r, k) => assert.deepEqual(flux.subarray(k * 4620, (k + 1) * 4620), r.spectrum!.value));
  });

  it("keeps at most maxOpen shards open and reopens the others on demand", async () => {
    const store = await CubeStore.create(new LocalShardStorage(dir), { maxOpen: 1 });
    const a = store.readSpectrum(at(0), 1).value;
    store.readSpectrum({ shard: "cube/shards/o2-0002/b.h5", row: 0 }, 1);
    assert.deepEqual(store.readSpectrum(at(0), 1).value, a);
    store.close();
  });

  it("fails the galaxies of a damaged or missing shard with a CubeError naming it, and serves the others", async () => {
    const store = await openCube(dir);
    const damaged = "cube/shards/o2-0003/c.h5";
    await store.writeShard(damaged, [record(random)]);
    truncateSync(join(dir, damaged), 4096);
    assert.throws(() => store.readImage({ shard: damaged, row: 0 }, 0), (e: unknown) => e instanceof CubeError && /o2-0003\/c\.h5/.test(e.message));
    assert.throws(() => store.readImage({ shard: "cube/shards/none.h5", row: 0 }, 0), (e: unknown) => e instanceof CubeError && /missing/.test(e.message));
    assert.throws(() => store.readImage(at(3), 0), CubeError, "a row past the shard's end");
    assert.deepEqual(store.readImage(at(0), 0).value, records[0].image!.value);
  });
});
