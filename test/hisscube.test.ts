/**
 * Reading the real HiSS-Cube output (../shared/data/hisscube): the F star's
 * five bands come out in u, g, r, i, z order with a point source at the
 * centre, errors re-read from the semi-sparse cube, and the combined
 * spectrum of its three plates on the rebuilt wavelength grid. Arrays are
 * checked against h5py (Debian python3-h5py) reading the same file.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { BANDS, readHisscube } from "../cube/hisscube/read.js";
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
