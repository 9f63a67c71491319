/**
 * Reading the real HiSS-Cube output (../shared/data/hisscube): the F star's
 * five bands come out in u, g, r, i, z order with a point source at the
 * centre, errors re-read from the semi-sparse cube, and the combined
 * spectrum of its three plates on the rebuilt wavelength grid. Arrays are
 * checked against h5py (Debian python3-h5py) reading the same file.
 */
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { exportHisscube } from "../export/hisscube.js";
import { BANDS, hisscubePerNanomaggy, readHisscube } from "../cube/hisscube/read.js";
import { openCube } from "../cube/cube-store.js";
import { ingestHisscube } from "../ingest/hisscube.js";
import { loadDemo } from "../ingest/synthetic/load-demo.js";
import { readFrame } from "../ingest/sdss/frame.js";
import { readSdssSpectrum } from "../ingest/sdss/spectrum.js";
import { skyToPixel } from "../sky/tan-wcs.js";
import { backends } from "./support/databases.js";
import { pythonModuleMissing, runPython } from "./support/python.js";
import { sharedData, sharedDataMissing } from "./support/shared-data.js";

const file = `${sharedData}hisscube/SDSS_cube_dataset.h5`;
const skip = sharedDataMissing("hisscube/SDSS_cube_dataset.h5");

const REFERENCE = `
import json, sys
import h5py
import numpy as np
path = json.load(sys.stdin)
with h5py.File(path, "r") as f:
    out = {}
    for z in range(4):
        cube = f[f"dense_cube/{z}/ml_image/cutout_3d_cube_zoom_{z}"]
        refs = f[f"dense_cube/{z}/ml_image/image_cutout_refs"]
        meta_refs = f[f"dense_cube/{z}/ml_image/image_metadata_refs"]
        meta = f["fits_images_metadata"]
        errors = f[f"semi_sparse_cube/{z}/images/errors"]
        bands = {}
        for slot in range(5):
            row = int(meta_refs[0, slot, 0]["ds_slice_idx"])
            band = json.loads(meta[row]["header"].decode())["FILTER"].strip()
            r = refs[0, slot, 0]
            sigma = errors[int(r["ds_slice_idx"]), r["x_min"]:r["x_max"], r["y_min"]:r["y_max"]]
            bands[band] = {"flux": float(np.sum(cube[0, slot].astype(float))), "sigma": float(np.sum(sigma.astype(float))),
                           "first": float(cube[0, slot, 0, 0]), "last_sigma": float(sigma[-1, -1])}
        spec = f[f"dense_cube/{z}/ml_spectrum/spectral_1d_cube_zoom_{z}"][0]
        out[str(z)] = {"bands": bands, "spectrum_sum": float(np.nansum(spec.astype(float))), "bins": int(spec.shape[0])}
print(json.dumps(out))
`;

describe("HiSS-Cube reader on the real HiSS-Cube file", { skip }, () => {
  it("returns the F star's five bands in u, g, r, i, z order, peaking at the centre at every zoom", async () => {
    for (const zoom of [0, 1, 2, 3]) {
      const targets = await readHisscube(file, zoom);
      assert.equal(targets.length, 1);
      const [star] = targets;
      assert.equal(star.size, 64 >> zoom);
      assert.deepEqual(star.bands.map((b) => b.band), [...BANDS]);
      assert.deepEqual(star.bands.map((b) => b.frame), BANDS.map((b) => `frame-${b}-002820-3-0122.fits`));
      const centre = star.size / 2;
      for (const band of star.bands) {
        let peak = 0;
        for (let i = 1; i < band.flux.length; i++) if (band.flux[i] > band.flux[peak]) peak = i;
        const [row, col] = [Math.floor(peak / star.size), peak % star.size];
        assert.ok(Math.abs(row - centre) <= 1.5 && Math.abs(col - centre) <= 1.5, `zoom ${zoom} ${band.band}: peak at (${row}, ${col})`);
        assert.ok(band.sigma.every((s) => s > 0 && Number.isFinite(s)), `zoom ${zoom} ${band.band}: sigma positive and finite`);
        // Photon noise: the star's peak is noisier than the sky around it.
        assert.ok(band.sigma[peak] > band.sigma[0], `zoom ${zoom} ${band.band}: sigma at the peak above the sky's`);
      }
    }
  });

  it("combines the spectra of the star's three plates on HiSS-Cube's wavelength grid", async () => {
    const [star] = await readHisscube(file, 0);
    assert.deepEqual([...star.spectra].sort(), ["spec-3126-54804-0211.fits", "spec-3127-54835-0622.fits", "spec-7330-56684-0434.fits"]);
    assert.equal(star.flux.length, 4620);
    assert.equal(star.wavelengthAngstrom[0], 3839.7244);
    assert.ok(Math.abs(star.wavelengthAngstrom[4619] - 8914.597) < 1e-9);
    const finite = star.flux.filter(Number.isFinite);
    const median = [...finite].sort((a, b) => a - b)[Math.floor(finite.length / 2)];
    assert.ok(median > 0, "an F star has positive continuum flux");
  });

  it("reads the same numbers as h5py", { skip: pythonModuleMissing("h5py") }, async () => {
    const reference = runPython<Record<string, any>>(REFERENCE, file);
    for (const zoom of [0, 1, 2, 3]) {
      const [star] = await readHisscube(file, zoom);
      const ref = reference[zoom];
      assert.equal(star.flux.length, ref.bins);
      for (const band of star.bands) {
        const sum = (a: Float32Array) => a.reduce((s, v) => s + v, 0);
        const expected = ref.bands[band.band];
        assert.ok(Math.abs(sum(band.flux) - expected.flux) <= 1e-6 * Math.abs(expected.flux), `zoom ${zoom} ${band.band} flux`);
        assert.ok(Math.abs(sum(band.sigma) - expected.sigma) <= 1e-6 * Math.abs(expected.sigma), `zoom ${zoom} ${band.band} sigma`);
        assert.equal(band.flux[0], expected.first);
        assert.equal(band.sigma[band.sigma.length - 1], expected.last_sigma);
      }
      const spectrumSum = star.flux.reduce((s, v) => (Number.isFinite(v) ? s + v : s), 0);
      assert.ok(Math.abs(spectrumSum - ref.spectrum_sum) <= 1e-6 * Math.abs(ref.spectrum_sum));
    }
  });
});

for (const backend of backends) {
  describe(`ingest hisscube on ${backend.name}`, { skip: skip || sharedDataMissing("sdss") || backend.skip }, () => {
    const dir = mkdtempSync(join(tmpdir(), "skycube-hisscube-"));
    after(() => rmSync(dir, { recursive: true, force: true }));

    it("loads the F star in nanomaggies equal to the SDSS frames it was cut from, idempotently", async () => {
      const db = await backend.open();
      try {
        const reader = await openCube(join(dir, backend.name));
        const report = await ingestHisscube(db.sql, { path: file, cube: reader });
        assert.deepEqual([report.objects, report.inserted, report.spectraRead], [1, 1, 3]);
        const again = await ingestHisscube(db.sql, { path: file, cube: reader });
        assert.deepEqual([again.inserted, again.merged, again.alreadyPresent], [0, 0, 1]);
        const [star] = await db.sql`SELECT g.id, g.survey, g.ra, g.dec, g.cube_row, s.name AS shard, g.plate FROM galaxies g JOIN cube_shards s ON s.id = g.cube_shard`;
        assert.equal(star.survey, "HISSCUBE");
        const location = { shard: star.shard as string, row: star.cube_row as number };
        const image = reader.readImage(location, 0);
        const [target] = await readHisscube(file, 0);
        for (const [b, band] of BANDS.entries()) {
          const frame = readFrame(`${sharedData}sdss/frames/frame-${band}-002820-3-0122.fits.bz2`);
          const { row, column } = target.bands[b].region;
          for (let y = 28; y < 36; y++)
            for (let x = 28; x < 36; x++) {
              const ours = image.value[b * 4096 + y * 64 + x];
              const sdss = frame.valueAt(column + x, row + y);
              assert.ok(Math.abs(ours - sdss) <= 0.005 * Math.abs(sdss) + 1e-6, `${band} (${y}, ${x}): ${ours} vs frame ${sdss} nanomaggies`);
            }
        }
        const centre = skyToPixel(image.wcs!, star.ra, star.dec)!;
        assert.ok(Math.abs(centre.x - 33) < 2 && Math.abs(centre.y - 33) < 2, `star at FITS pixel (${centre.x}, ${centre.y})`);
        const spectrum = reader.readSpectrum(location, 0);
        const median = (values: ArrayLike<number>) => Array.from(values).filter(Number.isFinite).sort((a, b) => a - b)[Math.floor(values.length / 3)];
        const sdss = readSdssSpectrum(`${sharedData}sdss/spectra/spec-3126-54804-0211.fits`).rebinned.value;
        assert.ok(Math.abs(median(spectrum.value) / median(sdss) - 1) < 0.15, `HiSS-Cube ${median(spectrum.value)} vs SDSS ${median(sdss)} (1e-17 units)`);
        const sources = await db.sql`SELECT role, count(*)::int AS n FROM galaxy_sources GROUP BY role ORDER BY role`;
        assert.deepEqual(sources.map((r) => [r.role, r.n]), [["CUBE", 1], ["FRAME", 5], ["SPECTRUM", 3]]);
        reader.close();
      } finally {
        await db.drop();
      }
    });
  });
}

describe("export hisscube", { skip: pythonModuleMissing("h5py") }, () => {
  const dir = mkdtempSync(join(tmpdir(), "skycube-export-"));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("writes a file our HiSS-Cube reader reads back to the same numbers at every zoom, laid out as HiSS-Cube's", async () => {
    const db = await backends[0].open();
    try {
      const cube = await openCube(dir);
      await loadDemo(db.sql, { count: 4, cube });
      const out = join(dir, "export.h5");
      // Blocks of 3 targets: a full block and a partial one.
      const progress: number[] = [];
      assert.deepEqual(await exportHisscube(db.sql, cube, out, { blockSize: 3, onProgress: (done, total) => progress.push(done / total) }), { targets: 4 });
      assert.deepEqual(progress, [3 / 4, 4 / 4]);
      const rows = (await db.sql`SELECT g.cube_row, s.name AS shard, g.ra, g.dec FROM galaxies g JOIN cube_shards s ON s.id = g.cube_shard ORDER BY g.id`).map((r) => ({ ...r, at: { shard: r.shard as string, row: r.cube_row as number } }));
      for (const zoom of [0, 1, 2, 3]) {
        const targets = await readHisscube(out, zoom);
        assert.equal(targets.length, 4);
        targets.forEach((target, t) => {
          const ours = cube.readImage(rows[t].at, zoom);
          const pixels = target.size * target.size;
          const close = (got: number, expected: number) => (Number.isNaN(expected) ? Number.isNaN(got) : Math.abs(got - expected) <= 1e-5 * Math.abs(expected) + 1e-9);
          target.bands.forEach((band, b) => {
            const scale = hisscubePerNanomaggy(band.band);
            for (let i = 0; i < pixels; i++) {
              // flux from the dense cube, sigma from the semi-sparse errors the region references point at
              assert.ok(close(band.flux[i] / scale, ours.value[b * pixels + i]), `zoom ${zoom} ${band.band} pixel ${i} flux`);
              assert.ok(close(band.sigma[i] / scale, ours.sigma[b * pixels + i]), `zoom ${zoom} ${band.band} pixel ${i} sigma`);
            }
          });
          const spectrum = cube.readSpectrum(rows[t].at, zoom);
          for (let i = 0; i < spectrum.value.length; i++) {
            const masked = spectrum.mask[i] === 1;
            assert.ok(close(target.flux[i] * 1e17, masked ? NaN : spectrum.value[i]), `zoom ${zoom} bin ${i} flux`);
            assert.ok(close(target.sigma[i] * 1e17, masked ? NaN : spectrum.sigma[i]), `zoom ${zoom} bin ${i} sigma`);
          }
          assert.equal(target.wavelengthAngstrom.length, spectrum.value.length);
        });
      }
      cube.close();
      // Same groups, datasets and root attributes as the file HiSS-Cube wrote.
      const layout = `
import json, sys
import h5py
import numpy as np
def tree(path):
    with h5py.File(path, "r") as f:
        names = []
        f.visit(lambda n: names.append(n if not n.startswith("semi_sparse_cube") or n.count("/") < 4 else None))
        kept = sorted(n for n in names if n and (n.startswith("dense_cube") or n.startswith("fits")))
        # Each dataset's element type (compound fields, string sizes) and rank.
        types = {n: [str(f[n].dtype), f[n].ndim] for n in kept if isinstance(f[n], h5py.Dataset)}
        # The semi-sparse cube holds the same cutouts and spectra as the dense one.
        same = all(np.array_equal(f[f"semi_sparse_cube/{z}/images/{a}"][()].reshape(f[f"dense_cube/{z}/ml_image/{b}"].shape), f[f"dense_cube/{z}/ml_image/{b}"][()], equal_nan=True)
                   and np.array_equal(f[f"semi_sparse_cube/{z}/spectra/{a}"][()], f[f"dense_cube/{z}/ml_spectrum/{c}"][()], equal_nan=True)
                   for z in range(4) for a, b, c in [("data", f"cutout_3d_cube_zoom_{z}", f"spectral_1d_cube_zoom_{z}"), ("errors", "errors", "errors")]) if "skycube" in f["fits_spectra_metadata"][0]["path"].decode() else None
        refs = f["dense_cube/0/ml_image/image_cutout_refs"]
        return {"names": kept, "attrs": sorted(f.attrs.keys()), "types": types,
                "refStored": int(refs.id.get_storage_size()), "refNominal": int(refs.size * refs.dtype.itemsize),
                "emptySlot": [int(refs[0, 0, 1]["x_max"]), refs[0, 0, 1]["ds_path"].decode()], "same": same,
                "lastSlot": [refs[-1, 4, 0]["ds_path"].decode(), int(refs[-1, 4, 0]["ds_slice_idx"]), int(refs[-1, 4, 0]["x_max"])]}
paths = json.load(sys.stdin)
print(json.dumps([tree(p) for p in paths]))
`;
      type Tree = { names: string[]; attrs: string[]; types: Record<string, [string, number]>; refStored: number; refNominal: number; emptySlot: [number, string]; same: boolean | null; lastSlot: [string, number, number] };
      const [theirs, oursTree] = runPython<Tree[]>(layout, [file, out]);
      assert.deepEqual(oursTree.attrs, theirs.attrs);
      assert.deepEqual(oursTree.names, theirs.names);
      assert.deepEqual(oursTree.types, theirs.types);
      // The 199 empty reference slots read as zero but take no space in the file.
      assert.deepEqual(oursTree.emptySlot, [0, ""]);
      assert.equal(oursTree.same, true, "semi-sparse and dense cubes hold the same values");
      // Target 3's z band (slot 4) is semi-sparse image 3 × 5 + 4, written by the second block.
      assert.deepEqual(oursTree.lastSlot, ["/semi_sparse_cube/0/images/data", 19, 64]);
      assert.ok(oursTree.refStored * 50 < oursTree.refNominal, `reference slots stored ${oursTree.refStored} of ${oursTree.refNominal} bytes`);
    } finally {
      await db.drop();
    }
  });
});
