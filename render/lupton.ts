/**
 * The asinh colour stretch of Lupton et al. 2004 (PASP 116, 133, eq. 2-4):
 * the three bands (i → red, r → green, g → blue) are scaled by one factor
 * asinh(Q I / stretch) / (Q I), I the mean of the three, so colours are kept
 * while bright cores do not saturate. Pure arithmetic, shared by the PNG
 * previews (render/previews.ts) and the explorer's canvases (web/).
 */
export const LUPTON_Q = 8;

export interface LuptonStretch {
  q: number;
  /** Linear range, in flux units: the intensity where the stretch turns logarithmic. */
  stretch: number;
}

/** The stretch for an image: from its 99.5th-percentile mean intensity, robust to a few hot pixels. */
export function luptonStretch(red: ArrayLike<number>, green: ArrayLike<number>, blue: ArrayLike<number>): LuptonStretch {
  const intensities: number[] = [];
  for (let i = 0; i < red.length; i++) {
    const v = (red[i] + green[i] + blue[i]) / 3;
    if (Number.isFinite(v)) intensities.push(v);
  }
  intensities.sort((x, y) => x - y);
  const high = intensities[Math.floor(0.995 * (intensities.length - 1))] ?? 1;
  return { q: LUPTON_Q, stretch: Math.max(high, 1e-6) / 10 };
}

/** 0..255 red, green, blue of one pixel, or null when any band is missing (masked). */
export function luptonPixel(red: number, green: number, blue: number, { q, stretch }: LuptonStretch): [number, number, number] | null {
  if (!Number.isFinite(red) || !Number.isFinite(green) || !Number.isFinite(blue)) return null;
  const mean = Math.max(1e-12, (red + green + blue) / 3);
  const factor = Math.asinh((q * mean) / stretch) / q / mean;
  const byte = (v: number) => Math.max(0, Math.min(255, Math.round(255 * factor * v * 0.9)));
  return [byte(red), byte(green), byte(blue)];
}
