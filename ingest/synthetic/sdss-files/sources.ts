/**
 * What each planned object looks like on a frame: its five-band fluxes and
 * a 64 x 64 stamp of its seeing-convolved light, as the demo's cutouts
 * draw them (galaxy-model.ts: same profiles, colours and seeing; the shape
 * is drawn from the object's own seed, so it is the same on every field it
 * lies on). Stars and quasars are point sources (the seeing alone) with
 * stellar or quasar colours: r 15–19.5 and g − r 0.2–1.4 for stars
 * (u − g, r − i, i − z following g − r along the stellar locus, roughly
 * Covey et al. 2007, AJ 134, 2398), r 18–20.5 and blue UV-excess colours
 * for quasars.
 */
import { PIXEL_SCALE_ARCSEC } from "../../../cube/layout.js";
import { IMAGE_SIZE_0 } from "../../../cube/zoom.js";
import { Random } from "../../../random/random.js";
import { bandTotalsNmgy, drawImageShape, renderProfile, seedOf, SEEING_FWHM_ARCSEC, type ImageShape } from "../galaxy-model.js";
import type { PlannedObject } from "./plan.js";

export const STAMP_SIZE = IMAGE_SIZE_0;

export interface SourceLook {
  /** Total flux per band u,g,r,i,z, nanomaggies. */
  totalsNmgy: number[];
  /** Galaxy shape, or null for a point source. */
  shape: ImageShape | null;
}

const magnitudesToNmgy = (r: number, offsets: number[]) => offsets.map((o) => 10 ** ((22.5 - (r + o)) / 2.5));

export function sourceLook(object: PlannedObject): SourceLook {
  const random = new Random(seedOf(`${object.galaxy.sourceKey}/image`));
  if (object.class === "GALAXY") return { totalsNmgy: bandTotalsNmgy(object.galaxy), shape: drawImageShape(object.galaxy, random) };
  if (object.class === "STAR") {
    const r = random.uniform(15, 19.5);
    const gr = random.uniform(0.2, 1.4);
    const ug = 0.7 + 1.4 * gr;
    const ri = Math.max(0.05, 0.45 * gr - 0.05);
    const iz = 0.5 * ri;
    return { totalsNmgy: magnitudesToNmgy(r, [ug + gr, gr, 0, -ri, -ri - iz]), shape: null };
  }
  const r = random.uniform(18, 20.5);
  return { totalsNmgy: magnitudesToNmgy(r, [0.35, 0.2, 0, -0.15, -0.25]), shape: null };
}

/** A STAMP_SIZE² stamp of the source's light centred at 0-based (centreX, centreY), summing to ~1. */
export function renderStamp(look: SourceLook, centreX: number, centreY: number): Float64Array {
  if (look.shape) return renderProfile(look.shape, STAMP_SIZE, centreX, centreY);
  const sigma = SEEING_FWHM_ARCSEC / 2.355 / PIXEL_SCALE_ARCSEC;
  const stamp = new Float64Array(STAMP_SIZE * STAMP_SIZE);
  let sum = 0;
  for (let y = 0; y < STAMP_SIZE; y++)
    for (let x = 0; x < STAMP_SIZE; x++) sum += stamp[y * STAMP_SIZE + x] = Math.exp(-((x - centreX) ** 2 + (y - centreY) ** 2) / (2 * sigma * sigma));
  for (let i = 0; i < stamp.length; i++) stamp[i] /= sum;
  return stamp;
}
