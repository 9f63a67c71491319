/**
 * A decoded cutout (band-major, row 0 = lowest FITS row) and its drawing:
 * the g, r, i composite with the Lupton et al. 2004 stretch and each band in
 * grey (asinh), north up, masked pixels in magenta when the mask is shown.
 */
import { luptonPixel, luptonStretch } from "../../../render/lupton.js";
import { decodeArray } from "../api/arrays";
import type { GalaxyCard } from "../galaxy/query";

export const MASK_COLOUR: [number, number, number] = [255, 0, 200];

export interface Cutout {
  size: number;
  bands: string[];
  flux: Float32Array;
  sigma: Float32Array;
  mask: Uint8Array;
}

export function decodeCutout(image: NonNullable<GalaxyCard["image"]>): Cutout {
  return {
    size: image.size,
    bands: image.bands.map((b) => b.toLowerCase()),
    flux: decodeArray(image.flux) as Float32Array,
    sigma: decodeArray(image.sigma) as Float32Array,
    mask: decodeArray(image.mask) as Uint8Array,
  };
}

export function plane(cutout: Cutout, band: string, which: "flux" | "sigma" | "mask" = "flux"): ArrayLike<number> {
  const k = cutout.bands.indexOf(band);
  if (k < 0) throw new Error(`no ${band} band`);
  const n = cutout.size * cutout.size;
  return cutout[which].subarray(k * n, (k + 1) * n);
}

function paint(canvas: HTMLCanvasElement, size: number, colourAt: (index: number) => [number, number, number] | null, masked: (index: number) => boolean, showMask: boolean): void {
  canvas.width = size;
  canvas.height = size;
  const context = canvas.getContext("2d")!;
  const pixels = context.createImageData(size, size);
  for (let y = 0; y < size; y++) {
    const row = size - 1 - y; // top of the canvas = last FITS row (north up)
    for (let x = 0; x < size; x++) {
      const index = row * size + x;
      const colour = showMask && masked(index) ? MASK_COLOUR : colourAt(index) ?? [128, 128, 128];
      pixels.data.set([...colour, 255], (y * size + x) * 4);
    }
  }
  context.putImageData(pixels, 0, 0);
}

export function drawComposite(canvas: HTMLCanvasElement, cutout: Cutout, showMask: boolean): void {
  const [red, green, blue] = ["i", "r", "g"].map((band) => plane(cutout, band));
  const masks = ["i", "r", "g"].map((band) => plane(cutout, band, "mask"));
  const stretch = luptonStretch(red, green, blue);
  paint(canvas, cutout.size, (i) => luptonPixel(red[i], green[i], blue[i], stretch), (i) => masks.some((m) => m[i] !== 0), showMask);
}

export function drawBand(canvas: HTMLCanvasElement, cutout: Cutout, band: string, showMask: boolean): void {
  const flux = plane(cutout, band);
  const mask = plane(cutout, band, "mask");
  const finite = Array.from(flux).filter(Number.isFinite).sort((a, b) => a - b);
  const low = finite[Math.floor(0.05 * (finite.length - 1))] ?? 0;
  const high = finite[Math.floor(0.995 * (finite.length - 1))] ?? 1;
  const soften = Math.max((high - low) / 20, 1e-9);
  const top = Math.asinh((high - low) / soften);
  paint(canvas, cutout.size, (i) => {
    if (!Number.isFinite(flux[i])) return null;
    const v = Math.round(255 * Math.min(1, Math.max(0, Math.asinh((flux[i] - low) / soften) / top)));
    return [v, v, v];
  }, (i) => mask[i] !== 0, showMask);
}
