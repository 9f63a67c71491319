/**
 * The demo survey carries the physics that links images and spectra to the
 * SFR label, so that learners have something real to find: measured the way
 * an astronomer would (line flux above the continuum, colours from summed
 * pixels), Hα luminosity must track the SFR and u−r colour the specific SFR.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { wavelengthGrid } from "../cube/zoom.js";
import { LINES, observeGalaxy } from "../ingest/synthetic/observe.js";
import { syntheticSurvey } from "../ingest/synthetic/survey.js";

function pearson(x: number[], y: number[]): number {
  const mx = x.reduce((a, b) => a + b, 0) / x.length;
  const my = y.reduce((a, b) => a + b, 0) / y.length;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < x.length; i++) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) ** 2;
    syy += (y[i] - my) ** 2;
  }
  return sxy / Math.sqrt(sxx * syy);
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

describe("synthetic survey physics", () => {
  const galaxies = [...syntheticSurvey(300, 5)];
  const observed = galaxies.map(observeGalaxy);
  const grid = wavelengthGrid(4620);
  const step = grid[1] - grid[0];

  it("puts Hα luminosity in step with the SFR (Pearson r > 0.8 for detected lines)", () => {
    const logLuminosity: number[] = [];
    const logSfr: number[] = [];
    galaxies.forEach((g, k) => {
      const { value, sigma, mask } = observed[k].spectrum!;
      const centre = LINES.Halpha * (1 + g.redshift!);
      const pick = (lo: number, hi: number) => grid.reduce<number[]>((acc, l, i) => (l >= centre + lo && l < centre + hi && !mask[i] ? [...acc, i] : acc), []);
      const continuum = median([...pick(-70, -30), ...pick(45, 80)].map((i) => value[i]));
      const line = pick(-10, 10);
      const flux = line.reduce((s, i) => s + (value[i] - continuum) * step, 0);
      const error = Math.sqrt(line.reduce((s, i) => s + (sigma[i] * step) ** 2, 0));
      if (line.length < 10 || !(flux > 5 * error)) return;
      const dL = ((299792.458 * g.redshift!) / 70) * (1 + g.redshift! / 2);
      logLuminosity.push(Math.log10(flux * dL * dL));
      logSfr.push(g.truth.logSfr);
    });
    assert.ok(logSfr.length > 100, `${logSfr.length} detected Hα lines`);
    const r = pearson(logLuminosity, logSfr);
    assert.ok(r > 0.8, `r = ${r}`);
  });

  it("makes star-forming galaxies blue and quenched ones red in u − r (r < −0.7 against specific SFR, which saturates below 1e-12 /yr)", () => {
    const colours: number[] = [];
    const logSsfr: number[] = [];
    galaxies.forEach((g, k) => {
      const { value, mask } = observed[k].image!;
      // A 10-pixel (4 arcsec) aperture: the whole cutout would add the sky noise of 4,096 pixels.
      const total = (band: number) => {
        let s = 0;
        for (let y = 0; y < 64; y++)
          for (let x = 0; x < 64; x++) {
            const i = band * 4096 + y * 64 + x;
            if ((x - 31.5) ** 2 + (y - 31.5) ** 2 <= 100 && !mask[i]) s += value[i];
          }
        return s;
      };
      const [u, r] = [total(0), total(2)];
      if (u <= 0 || r <= 0) return;
      colours.push(-2.5 * Math.log10(u / r));
      logSsfr.push(Math.max(-12, Math.min(-9.5, g.truth.logSfr - g.truth.logStellarMass)));
    });
    const r = pearson(colours, logSsfr);
    assert.ok(r < -0.7, `r = ${r}`);
  });

  it("observes the same galaxy identically every time, and labels nothing as real", () => {
    const again = observeGalaxy(galaxies[7]);
    assert.deepEqual(again.image!.value, observed[7].image!.value);
    assert.deepEqual(again.spectrum!.sigma, observed[7].spectrum!.sigma);
    assert.ok(galaxies.every((g) => g.survey === "SYNTHETIC"));
  });

  it("leaves NaN gaps, masked, at the 5577 Å sky line; sigma positive elsewhere", () => {
    const { value, sigma, mask } = observed[0].spectrum!;
    grid.forEach((l, i) => {
      if (l > 5572 && l < 5588) assert.ok(mask[i] === 1 && Number.isNaN(value[i]));
      if (!mask[i]) assert.ok(sigma[i] > 0);
    });
  });
});
