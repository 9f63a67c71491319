/**
 * Preview pictures of cube data.
 *  - Cutouts: a g, r, i colour composite with the asinh stretch of Lupton et
 *    al. 2004 (PASP 116, 133): all three bands scaled by one factor
 *    asinh(Q (I − min)/stretch)/Q / I with I the mean of the bands, so colours
 *    are kept; masked pixels grey. Shown with north up (FITS row 1 at the bottom).
 *  - Spectra: flux against wavelength, the ±1 sigma band in grey, masked bins
 *    left as gaps.
 */
import type { ImageView, SpectrumView } from "../cube/views.js";
import { luptonPixel, luptonStretch } from "./lupton.js";
import { encodePng } from "./png.js";

export function cutoutPng(view: ImageView, scale = 4): Buffer {
  const { size } = view;
  const plane = (band: string) => view.bands.indexOf(band as never);
  const [b, g, r] = ["g", "r", "i"].map(plane);
  if (b < 0 || g < 0 || r < 0) throw new Error("a colour preview needs the g, r and i bands");
  const n = size * size;
  const red = view.value.subarray(r * n, (r + 1) * n);
  const green = view.value.subarray(g * n, (g + 1) * n);
  const blue = view.value.subarray(b * n, (b + 1) * n);
  const stretch = luptonStretch(red, green, blue);
  const width = size * scale;
  const rgb = new Uint8Array(width * width * 3);
  for (let y = 0; y < width; y++) {
    const row = size - 1 - Math.floor(y / scale); // top of the picture = last FITS row
    for (let x = 0; x < width; x++) {
      const i = row * size + Math.floor(x / scale);
      rgb.set(luptonPixel(red[i], green[i], blue[i], stretch) ?? [128, 128, 128], (y * width + x) * 3);
    }
  }
  return encodePng(width, width, rgb);
}

export function spectrumPng(view: SpectrumView, width = 800, height = 300): Buffer {
  const rgb = new Uint8Array(width * height * 3).fill(255);
  const good = Array.from(view.value.keys()).filter((i) => !view.mask[i]);
  const sorted = good.map((i) => view.value[i]).sort((a, b) => a - b);
  const lo = Math.min(0, sorted[Math.floor(0.01 * (sorted.length - 1))] ?? 0);
  const hi = (sorted[Math.floor(0.995 * (sorted.length - 1))] ?? 1) * 1.15 || 1;
  const [w0, w1] = [view.wavelengthAngstrom[0], view.wavelengthAngstrom[view.wavelengthAngstrom.length - 1]];
  const px = (l: number) => Math.round(((l - w0) / (w1 - w0)) * (width - 1));
  const py = (f: number) => Math.round((1 - (f - lo) / (hi - lo)) * (height - 1));
  const dot = (x: number, y: number, shade: number) => {
    if (x < 0 || y < 0 || x >= width || y >= height) return;
    rgb.fill(shade, (y * width + x) * 3, (y * width + x) * 3 + 3);
  };
  for (const i of good) {
    const x = px(view.wavelengthAngstrom[i]);
    for (let y = py(view.value[i] + view.sigma[i]); y <= py(view.value[i] - view.sigma[i]); y++) dot(x, y, 205);
  }
  for (let k = 1; k < view.value.length; k++) {
    if (view.mask[k] || view.mask[k - 1]) continue;
    const [x0, y0, x1, y1] = [px(view.wavelengthAngstrom[k - 1]), py(view.value[k - 1]), px(view.wavelengthAngstrom[k]), py(view.value[k])];
    const steps = Math.max(Math.abs(x1 - x0), Math.abs(y1 - y0), 1);
    for (let s = 0; s <= steps; s++) dot(Math.round(x0 + ((x1 - x0) * s) / steps), Math.round(y0 + ((y1 - y0) * s) / steps), 0);
  }
  for (let x = 0; x < width; x++) dot(x, py(0), 150); // zero flux
  return encodePng(width, height, rgb);
}
