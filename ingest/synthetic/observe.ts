/**
 * Synthetic observations of a synthetic galaxy: a five-band 64 x 64 cutout
 * and an optical spectrum on the zoom-0 grid, carrying the physics that ties
 * them to the star-formation rate, with realistic noise and masks. Seeded
 * by the galaxy's source key, so the same survey always looks the same.
 *
 * Images (nanomaggies): exponential disc + de Vaucouleurs bulge (B/T rising
 * as the specific SFR falls), sizes from the stellar mass (r_e ≈ 10^(0.25
 * (log M − 10) + 0.6) kpc), angular sizes from the redshift (H0 = 70,
 * low-z luminosity distance cz/H0 (1 + z/2)), colours from the specific SFR
 * (blue u−r ≈ 1.4 for star-forming, red ≈ 2.6 for quenched), Gaussian seeing
 * of FWHM 1.4″, sky and photon noise per pixel, occasional bad columns and
 * cosmic rays masked.
 *
 * Spectra (1e-17 erg/s/cm²/Å, observed frame): a continuum whose slope and
 * 4000 Å break follow the specific SFR, scaled to 35 % (a fibre) of the
 * r-band flux; emission lines from the SFR: L(Hα) = SFR / 7.9e-42 erg/s
 * (Kennicutt 1998, ARA&A 36, 189), Hα/Hβ = 2.86 before dust, dust
 * E(B−V) rising with mass and the Calzetti et al. (2000) curve
 * (k = 3.33 Hα, 4.60 Hβ, 4.46 [OIII], 5.86 [OII]), [NII] 6584 = 0.35 Hα,
 * [OIII] 5007 falling with mass, [OII] 3727 = 0.8 Hα; noise growing to the
 * red with sky lines; NaN gaps at the 5577 Å sky line and, for some, the red end.
 *
 * The noise-free model (profiles, fluxes, spectrum) lives in galaxy-model.ts,
 * shared with the SDSS-format writer (sdss-files/); the noise is added here.
 */
import type { CubeRecord } from "../../cube/levels.js";
import { BAND_COUNT, PIXEL_SCALE_ARCSEC } from "../../cube/layout.js";
import { IMAGE_SIZE_0, SPECTRUM_BINS_0, wavelengthGrid } from "../../cube/zoom.js";
import { Random } from "../../random/random.js";
import { bandTotalsNmgy, drawImageShape, drawSpectrumModel, PHOTON_NOISE, renderProfile, seedOf, SKY_SIGMA_NMGY, spectrumSigma } from "./galaxy-model.js";
import type { SyntheticGalaxy } from "./survey.js";

export { LINES, lineFluxes } from "./galaxy-model.js";

function observeImage(g: SyntheticGalaxy, random: Random): NonNullable<CubeRecord["image"]> {
  const size = IMAGE_SIZE_0;
  const shape = drawImageShape(g, random);
  const centre = (size - 1) / 2 + random.uniform(-0.5, 0.5);
  const profile = renderProfile(shape, size, centre, centre);

  const n = size * size;
  const value = new Float32Array(BAND_COUNT * n);
  const sigma = new Float32Array(BAND_COUNT * n);
  const mask = new Uint8Array(BAND_COUNT * n);
  bandTotalsNmgy(g).forEach((total, band) => {
    const badColumn = random.next() < 0.02 ? Math.floor(random.next() * size) : -1;
    for (let i = 0; i < n; i++) {
      const model = total * profile[i];
      const s = Math.sqrt(SKY_SIGMA_NMGY[band] ** 2 + Math.max(model, 0) * PHOTON_NOISE[band]);
      const j = band * n + i;
      if (i % size === badColumn || random.next() < 5e-4) {
        value[j] = NaN;
        sigma[j] = NaN;
        mask[j] = 1;
      } else {
        value[j] = model + s * random.normal();
        sigma[j] = s;
      }
    }
  });
  const scaleDeg = PIXEL_SCALE_ARCSEC / 3600;
  return {
    value,
    sigma,
    mask,
    wcs: { crval1: g.raDeg, crval2: g.decDeg, crpix1: (size + 1) / 2, crpix2: (size + 1) / 2, cd1_1: -scaleDeg, cd1_2: 0, cd2_1: 0, cd2_2: scaleDeg },
  };
}

function observeSpectrum(g: SyntheticGalaxy, random: Random): NonNullable<CubeRecord["spectrum"]> {
  const grid = wavelengthGrid(SPECTRUM_BINS_0);
  const modelAt = drawSpectrumModel(g, random);
  const value = new Float32Array(SPECTRUM_BINS_0);
  const sigma = new Float32Array(SPECTRUM_BINS_0);
  const mask = new Uint8Array(SPECTRUM_BINS_0);
  const redEnd = random.next() < 0.5 ? random.uniform(8700, 8900) : Infinity;
  for (let i = 0; i < grid.length; i++) {
    const lambda = grid[i];
    const model = modelAt(lambda);
    const s = spectrumSigma(lambda, model);
    if ((lambda > 5570 && lambda < 5590) || lambda > redEnd) {
      value[i] = NaN;
      sigma[i] = NaN;
      mask[i] = 1;
    } else {
      value[i] = model + s * random.normal();
      sigma[i] = s;
    }
  }
  return { value, sigma, mask };
}

export function observeGalaxy(g: SyntheticGalaxy): CubeRecord {
  const random = new Random(seedOf(g.sourceKey));
  return { image: observeImage(g, random), spectrum: observeSpectrum(g, random) };
}
