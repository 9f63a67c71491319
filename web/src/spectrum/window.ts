/** The visible wavelength window of a spectrum plot and how zooming and panning move it. */
export interface Window {
  fromAngstrom: number;
  toAngstrom: number;
}

const MIN_WIDTH_ANGSTROM = 20;

export function clampWindow(window: Window, full: Window): Window {
  const fullWidth = full.toAngstrom - full.fromAngstrom;
  const width = Math.min(fullWidth, Math.max(MIN_WIDTH_ANGSTROM, window.toAngstrom - window.fromAngstrom));
  let from = window.fromAngstrom;
  from = Math.min(Math.max(from, full.fromAngstrom), full.toAngstrom - width);
  return { fromAngstrom: from, toAngstrom: from + width };
}

/** Zooms by `factor` (> 1 zooms in) keeping `centreAngstrom` where it is on screen. */
export function zoomWindow(window: Window, full: Window, factor: number, centreAngstrom = (window.fromAngstrom + window.toAngstrom) / 2): Window {
  const from = centreAngstrom - (centreAngstrom - window.fromAngstrom) / factor;
  const to = centreAngstrom + (window.toAngstrom - centreAngstrom) / factor;
  return clampWindow({ fromAngstrom: from, toAngstrom: to }, full);
}

/** Pans by a fraction of the window's width (positive: to the red). */
export function panWindow(window: Window, full: Window, fraction: number): Window {
  const shift = (window.toAngstrom - window.fromAngstrom) * fraction;
  return clampWindow({ fromAngstrom: window.fromAngstrom + shift, toAngstrom: window.toAngstrom + shift }, full);
}

/** About `count` round tick values (1, 2 or 5 × 10^k apart) covering [from, to]. */
export function niceTicks(from: number, to: number, count = 8): number[] {
  const raw = (to - from) / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power;
  const ticks: number[] = [];
  for (let t = Math.ceil(from / step) * step; t <= to; t += step) ticks.push(Math.round(t * 1e6) / 1e6);
  return ticks;
}
