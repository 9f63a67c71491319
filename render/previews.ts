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
import { drawText, textWidth } from "./font.js";
import { luptonPixel, luptonStretch } from "./lupton.js";
import { observedAngstrom, SPECTRAL_LINES } from "./spectral-lines.js";
import { encodePng } from "./png.js";
import { pixelToSky, skyToPixel } from "../sky/tan-wcs.js";

export function cutoutPng(view: ImageView, scale = 4, annotate = false): Buffer {
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
  const top = annotate ? TITLE_HEIGHT : 0;
  const height = width + top;
  const rgb = new Uint8Array(width * height * 3).fill(255);
  for (let y = 0; y < width; y++) {
    const row = size - 1 - Math.floor(y / scale); // top of the picture = last FITS row
    for (let x = 0; x < width; x++) {
      const i = row * size + Math.floor(x / scale);
      rgb.set(luptonPixel(red[i], green[i], blue[i], stretch) ?? [128, 128, 128], ((y + top) * width + x) * 3);
    }
  }
  if (annotate) annotateCutout(rgb, width, view, scale);
  return encodePng(width, height, rgb);
}

const TITLE_HEIGHT = 12;
const SCALE_BAR_ARCSEC = [1, 2, 5, 10, 15, 20, 30, 60, 120];

/**
 * What a preview needs to be read: a title (bands, stretch, zoom, size), a
 * scale bar (a round number of arcseconds, at most a third of the width)
 * and, with a WCS, a compass whose N and E arrows point where declination
 * and right ascension grow (computed from the WCS, so a rotated frame shows
 * it). Marks are white with a dark outline, readable on sky and galaxy.
 */
function annotateCutout(rgb: Uint8Array, width: number, view: ImageView, scale: number): void {
  const height = rgb.length / 3 / width;
  const set = (x: number, y: number, colour: readonly [number, number, number]) => {
    if (x >= 0 && y >= 0 && x < width && y < height) rgb.set(colour, (Math.round(y) * width + Math.round(x)) * 3);
  };
  const WHITE = [255, 255, 255] as const;
  const DARK = [20, 20, 20] as const;
  const outlined = (draw: (ink: (x: number, y: number) => void) => void) => {
    for (const [dx, dy] of [[-1, 0], [1, 0], [0, -1], [0, 1]]) draw((x, y) => set(x + dx, y + dy, DARK));
    draw((x, y) => set(x, y, WHITE));
  };
  const line = (ax: number, ay: number, bx: number, by: number) => (ink: (x: number, y: number) => void) => {
    const steps = Math.max(1, Math.ceil(Math.hypot(bx - ax, by - ay)));
    for (let k = 0; k <= steps; k++) ink(ax + ((bx - ax) * k) / steps, ay + ((by - ay) * k) / steps);
  };
  const title = `GRI ASINH  ZOOM ${view.zoom}  ${view.size} PX`;
  drawText(title.length * 6 <= width ? title : `Z${view.zoom} ${view.size}PX`, 2, 2, (x, y) => set(x, y, DARK));

  const top = TITLE_HEIGHT;
  const pixels = width / scale; // cutout pixels across
  const fieldArcsec = pixels * view.pixelScaleArcsec;
  const barArcsec = [...SCALE_BAR_ARCSEC].reverse().find((a) => a <= fieldArcsec / 3);
  if (barArcsec !== undefined && width >= 64) {
    const length = (barArcsec / view.pixelScaleArcsec) * scale;
    const [x0, y0] = [6, top + width - 8];
    outlined((ink) => {
      line(x0, y0, x0 + length, y0)(ink);
      line(x0, y0 - 1, x0 + length, y0 - 1)(ink);
    });
    outlined((ink) => drawText(`${barArcsec}"`, x0, y0 - 11, ink));
  }
  if (view.wcs && width >= 64) {
    // Directions of growing Dec and RA at the centre, in picture coordinates (y down, FITS rows flipped).
    const centre = (view.size + 1) / 2;
    const sky = pixelToSky(view.wcs, centre, centre);
    const step = view.pixelScaleArcsec / 3600;
    const north = skyToPixel(view.wcs, sky.raDeg, sky.decDeg + step);
    const east = skyToPixel(view.wcs, sky.raDeg + step / Math.cos((sky.decDeg * Math.PI) / 180), sky.decDeg);
    const origin = [width - 24, top + 24];
    for (const [tip, label] of [[north, "N"], [east, "E"]] as const) {
      if (!tip) continue;
      const [dx, dy] = [tip.x - centre, -(tip.y - centre)];
      const norm = Math.hypot(dx, dy) || 1;
      const [ex, ey] = [origin[0] + (16 * dx) / norm, origin[1] + (16 * dy) / norm];
      outlined(line(origin[0], origin[1], ex, ey));
      outlined((ink) => drawText(label, ex + (5 * dx) / norm - 2, ey + (5 * dy) / norm - 3, ink));
    }
  }
}

/** Round tick values, 1, 2 or 5 × 10^k apart, about `count` of them in [low, high]. */
function ticks(low: number, high: number, count: number): number[] {
  const raw = (high - low) / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power;
  const out: number[] = [];
  for (let t = Math.ceil(low / step) * step; t <= high + 1e-9; t += step) out.push(Math.round(t * 1e6) / 1e6);
  return out;
}

const MARGIN = { left: 48, right: 10, top: 26, bottom: 30 };
const LINE_SHORT_NAMES: Record<string, string> = {
  OII_3727: "OII", CaII_K: "K", CaII_H: "H", Hbeta: "HB", OIII_5007: "OIII", Mgb: "MGB", NaD: "NAD", Halpha: "HA", NII_6584: "NII",
};

/**
 * Flux against observed wavelength with the ±1σ band (light blue), masked
 * bins as gaps, axes with tick labels (Å below, flux in 1e-17 erg s⁻¹ cm⁻² Å⁻¹
 * left), and, with a redshift, the lines of render/spectral-lines.ts marked
 * (emission red, absorption blue). The y range keeps the strong lines' peaks.
 */
export function spectrumPng(view: SpectrumView, width = 800, height = 300, redshift: number | null = null): Buffer {
  const rgb = new Uint8Array(width * height * 3).fill(255);
  const w = view.wavelengthAngstrom;
  const good = Array.from(view.value.keys()).filter((i) => !view.mask[i] && Number.isFinite(view.value[i]));
  const sorted = good.map((i) => view.value[i]).sort((a, b) => a - b);
  const lo = Math.min(0, sorted[Math.floor(0.01 * (sorted.length - 1))] ?? 0);
  let peak = sorted[Math.floor(0.995 * (sorted.length - 1))] ?? 1;
  if (redshift !== null) {
    for (const line of SPECTRAL_LINES) {
      if (!line.strong) continue;
      const centre = observedAngstrom(line, redshift);
      for (const i of good) if (Math.abs(w[i] - centre) <= 8) peak = Math.max(peak, view.value[i]);
    }
  }
  const hi = peak + (peak - lo) * 0.1 || 1;
  const [w0, w1] = [w[0], w[w.length - 1]];
  const [x0, x1, y0, y1] = [MARGIN.left, width - 1 - MARGIN.right, MARGIN.top, height - 1 - MARGIN.bottom];
  const px = (l: number) => Math.round(x0 + ((l - w0) / (w1 - w0)) * (x1 - x0));
  const py = (f: number) => Math.round(y0 + (1 - (f - lo) / (hi - lo)) * (y1 - y0));
  const dot = (x: number, y: number, colour: readonly [number, number, number]) => {
    if (x < 0 || y < 0 || x >= width || y >= height) return;
    rgb.set(colour, (y * width + x) * 3);
  };
  const inPlot = (x: number, y: number, colour: readonly [number, number, number]) => {
    if (x >= x0 && x <= x1 && y >= y0 && y <= y1) dot(x, y, colour);
  };
  const BLACK = [0, 0, 0] as const;
  const GREY = [120, 120, 120] as const;
  const BAND = [185, 205, 230] as const;
  for (const i of good) {
    const x = px(w[i]);
    for (let y = py(view.value[i] + view.sigma[i]); y <= py(view.value[i] - view.sigma[i]); y++) inPlot(x, y, BAND);
  }
  for (let x = x0; x <= x1; x++) inPlot(x, py(0), GREY); // zero flux
  if (redshift !== null) {
    for (const line of SPECTRAL_LINES) {
      const x = px(observedAngstrom(line, redshift));
      if (x < x0 || x > x1) continue;
      const colour = line.kind === "emission" ? ([179, 38, 30] as const) : ([31, 95, 168] as const);
      for (let y = y0; y <= y1; y++) if (y % 6 < 3) dot(x, y, colour);
      const label = LINE_SHORT_NAMES[line.id] ?? line.id;
      const row = SPECTRAL_LINES.indexOf(line) % 2;
      drawText(label, Math.min(x1 - textWidth(label), Math.max(x0, x - (textWidth(label) >> 1))), 2 + row * 10, (tx, ty) => dot(tx, ty, colour));
    }
  }
  for (let k = 1; k < view.value.length; k++) {
    if (view.mask[k] || view.mask[k - 1]) continue;
    const [ax, ay, bx, by] = [px(w[k - 1]), py(view.value[k - 1]), px(w[k]), py(view.value[k])];
    const steps = Math.max(Math.abs(bx - ax), Math.abs(by - ay), 1);
    for (let s = 0; s <= steps; s++) inPlot(Math.round(ax + ((bx - ax) * s) / steps), Math.round(ay + ((by - ay) * s) / steps), BLACK);
  }
  // Axes, ticks and labels.
  for (let x = x0; x <= x1; x++) dot(x, y1 + 1, BLACK);
  for (let y = y0; y <= y1 + 1; y++) dot(x0 - 1, y, BLACK);
  for (const t of ticks(w0, w1, 8)) {
    const x = px(t);
    for (let d = 0; d < 4; d++) dot(x, y1 + 2 + d, BLACK);
    const label = String(Math.round(t));
    drawText(label, x - (textWidth(label) >> 1), y1 + 8, (tx, ty) => dot(tx, ty, BLACK));
  }
  for (const t of ticks(lo, hi, 5)) {
    const y = py(t);
    if (y < y0 || y > y1) continue;
    for (let d = 0; d < 4; d++) dot(x0 - 2 - d, y, BLACK);
    const label = String(t);
    drawText(label, x0 - 8 - textWidth(label), y - 3, (tx, ty) => dot(tx, ty, BLACK));
  }
  const xTitle = redshift === null ? "WAVELENGTH (A, OBSERVED)" : `WAVELENGTH (A, OBSERVED)  Z = ${redshift.toFixed(4)}`;
  drawText(xTitle, ((x0 + x1) >> 1) - (textWidth(xTitle) >> 1), height - 10, (tx, ty) => dot(tx, ty, BLACK));
  drawText("FLUX", 2, 14, (tx, ty) => dot(tx, ty, GREY));
  return encodePng(width, height, rgb);
}
