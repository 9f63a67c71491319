/**
 * Engineered features measured on inputs whose answers are known
 * analytically: a circular Gaussian galaxy (half-light radius 1.1774 σ,
 * asymmetry 0), a flat spectrum with Gaussian emission lines of known flux
 * at a known redshift, a 4000 Å step of known height.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { asinhMagnitude, IMAGE_FEATURE_NAMES, imageFeatures } from "../models/features/image-features.js";
import { luminosityDistanceCm, SPECTRUM_FEATURE_NAMES, spectrumFeatures } from "../models/features/spectrum-features.js";
import { wavelengthGrid } from "../cube/zoom.js";

function gaussianGalaxy(size: number, sigmaPx: number, fluxes: number[], shiftX = 0): Float32Array {
  const image = new Float32Array(5 * size * size);
  const c = (size - 1) / 2;
  for (let b = 0; b < 5; b++) {
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        const r2 = (x - c - shiftX) ** 2 + (y - c) ** 2;
        image[b * size * size + y * size + x] = (fluxes[b] * Math.exp(-r2 / (2 * sigmaPx ** 2))) / (2 * Math.PI * sigmaPx ** 2);
      }
    }
  }
  return image;
}

const feature = (values: Float32Array, names: readonly string[], name: string) => values[names.indexOf(name)];

describe("image features", () => {
  it("measures magnitudes, colours, half-light radius, concentration and asymmetry of a Gaussian galaxy", () => {
    const fluxes = [10, 30, 60, 80, 100]; // nanomaggies
    const out = new Float32Array(IMAGE_FEATURE_NAMES.length);
    imageFeatures(gaussianGalaxy(64, 4, fluxes), 64, 0, out);
    // Bright sources: asinh magnitudes equal Pogson's 22.5 − 2.5 log10(f / nmgy) to < 0.01 mag.
    assert.ok(Math.abs(feature(out, IMAGE_FEATURE_NAMES, "mag_r") - (22.5 - 2.5 * Math.log10(60))) < 0.01);
    assert.ok(Math.abs(feature(out, IMAGE_FEATURE_NAMES, "g_r") - 2.5 * Math.log10(60 / 30)) < 0.01);
    // r50 = σ √(2 ln 2) px; r90 = σ √(2 ln 10) px; pixel sampling costs a few per cent.
    const r50px = 4 * Math.sqrt(2 * Math.LN2);
    assert.ok(Math.abs(feature(out, IMAGE_FEATURE_NAMES, "r50_arcsec") / 0.396 - r50px) / r50px < 0.05);
    const c = Math.sqrt(Math.log(10) / Math.LN2);
    assert.ok(Math.abs(feature(out, IMAGE_FEATURE_NAMES, "c90_50") - c) / c < 0.05);
    assert.ok(feature(out, IMAGE_FEATURE_NAMES, "asymmetry") < 1e-6);
    // An off-centre galaxy is asymmetric about the cutout centre.
    imageFeatures(gaussianGalaxy(64, 4, fluxes, 3), 64, 0, out);
    assert.ok(feature(out, IMAGE_FEATURE_NAMES, "asymmetry") > 0.3);
  });

  it("excludes masked pixels and gives NaN for a fully masked band", () => {
    const image = gaussianGalaxy(16, 2, [10, 30, 60, 80, 100]);
    image.fill(NaN, 0, 256); // u band masked
    const out = new Float32Array(IMAGE_FEATURE_NAMES.length);
    imageFeatures(image, 16, 2, out);
    assert.ok(Number.isNaN(feature(out, IMAGE_FEATURE_NAMES, "mag_u")));
    assert.ok(Number.isNaN(feature(out, IMAGE_FEATURE_NAMES, "u_g")));
    assert.ok(Number.isFinite(feature(out, IMAGE_FEATURE_NAMES, "g_r")));
    // Zoom 2: 4 × 0.396″ per pixel.
    const r50px = 2 * Math.sqrt(2 * Math.LN2);
    assert.ok(Math.abs(feature(out, IMAGE_FEATURE_NAMES, "r50_arcsec") / (0.396 * 4) - r50px) / r50px < 0.1);
    assert.ok(Math.abs(asinhMagnitude(0, 1.2e-10) - (-(2.5 / Math.LN10) * Math.log(1.2e-10))) < 1e-12);
  });
});

describe("spectrum features", () => {
  const z = 0.08;
  const wavelength = wavelengthGrid(4620);
  const lines = { Halpha: [6564.6, 300], Hbeta: [4862.7, 75], OII: [3728.5, 120], OIII: [5008.2, 60], NII: [6585.3, 90] } as const;

  function spectrum(continuumBlue: number, continuumRed: number): Float32Array {
    const flux = new Float32Array(wavelength.length);
    for (let i = 0; i < flux.length; i++) {
      const rest = wavelength[i] / (1 + z);
      let f = rest < 4000 ? continuumBlue : continuumRed;
      for (const [centre, total] of Object.values(lines)) {
        const s = 1.5 * (1 + z); // observed-frame line width, Å
        f += (total / (s * Math.sqrt(2 * Math.PI))) * Math.exp(-((wavelength[i] - centre * (1 + z)) ** 2) / (2 * s * s));
      }
      flux[i] = f;
    }
    return flux;
  }

  it("recovers line fluxes, equivalent widths, the Balmer decrement and the luminosity", () => {
    const out = new Float32Array(SPECTRUM_FEATURE_NAMES.length);
    spectrumFeatures(spectrum(5, 5), wavelength, z, out);
    const get = (name: string) => feature(out, SPECTRUM_FEATURE_NAMES, name);
    for (const [name, [, total]] of Object.entries(lines)) {
      if (name === "NII" || name === "Halpha") continue; // they share their windows' wings
      assert.ok(Math.abs(get(`F_${name}`) - total) / total < 0.03, `${name}: ${get(`F_${name}`)} vs ${total}`);
      assert.ok(Math.abs(get(`EW_${name}`) - total / 5 / (1 + z)) / (total / 5 / (1 + z)) < 0.03);
    }
    // Hα's ±12 Å window takes in part of [NII] 6585 (20.7 Å away, σ 1.6 Å): within 5 %.
    assert.ok(Math.abs(get("F_Halpha") - 300) / 300 < 0.05, `Hα ${get("F_Halpha")}`);
    assert.ok(Math.abs(get("balmer_decrement") - 4) / 4 < 0.06);
    assert.equal(get("redshift"), Math.fround(z));
    assert.ok(Math.abs(get("log_continuum") - Math.log10(5)) < 1e-6);
    const expected = Math.log10(4 * Math.PI * luminosityDistanceCm(z) ** 2 * get("F_Halpha") * 1e-17);
    assert.ok(Math.abs(get("log_L_Halpha") - expected) < 1e-5);
  });

  it("measures the 4000 Å break in f_ν", () => {
    const out = new Float32Array(SPECTRUM_FEATURE_NAMES.length);
    spectrumFeatures(spectrum(2, 4), wavelength, z, out);
    // f_ν ∝ f_λ λ²: (4 × <λ²> over 4000–4100) / (2 × <λ²> over 3850–3950).
    const expected = (4 * (4050 ** 2 + 50 ** 2 / 3)) / (2 * (3900 ** 2 + 50 ** 2 / 3));
    assert.ok(Math.abs(feature(out, SPECTRUM_FEATURE_NAMES, "D4000") - expected) / expected < 0.01);
  });

  it("gives NaN features without a redshift or where the spectrum is masked", () => {
    const out = new Float32Array(SPECTRUM_FEATURE_NAMES.length);
    spectrumFeatures(spectrum(5, 5), wavelength, null, out);
    assert.ok(out.every((v) => Number.isNaN(v)));
    const masked = spectrum(5, 5);
    for (let i = 0; i < masked.length; i++) if (wavelength[i] / (1 + z) > 6400) masked[i] = NaN;
    spectrumFeatures(masked, wavelength, z, out);
    assert.ok(Number.isNaN(feature(out, SPECTRUM_FEATURE_NAMES, "F_Halpha")));
    assert.ok(Number.isFinite(feature(out, SPECTRUM_FEATURE_NAMES, "F_Hbeta")));
  });

  it("computes luminosity distances of flat ΛCDM (H0 70, Ωm 0.3)", () => {
    // Reference: (1+z) c/H0 ∫ dz/E(z) by the trapezoid rule on 2·10⁶ steps (numpy): 460.30 and 2832.94 Mpc.
    const mpc = 3.0856775814913673e24;
    assert.ok(Math.abs(luminosityDistanceCm(0.1) / mpc - 460.3) < 0.05);
    assert.ok(Math.abs(luminosityDistanceCm(0.5) / mpc - 2832.94) < 0.05);
  });
});
