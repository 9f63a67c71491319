/**
 * The FITS TAN (gnomonic) projection: sky ↔ pixel for a WCS with a CD
 * matrix. Calabretta & Greisen 2002, A&A 395, 1077, §5.1.3 (TAN) and
 * Greisen & Calabretta 2002, A&A 395, 1061 (CD matrix). Pixels are FITS
 * 1-based (pixel 1 is centred on 1.0); degrees at the edges.
 */

/** A TAN WCS with a CD matrix: reference pixel (FITS 1-based), reference sky position (degrees), CD in degrees per pixel. */
export interface TanWcs {
  crval1: number;
  crval2: number;
  crpix1: number;
  crpix2: number;
  cd1_1: number;
  cd1_2: number;
  cd2_1: number;
  cd2_2: number;
}

/**
 * A TAN WCS rescaled for an image binned by `factor` (input pixels per output
 * pixel): pixel centres move, so CRPIX' = (CRPIX − 0.5) / factor + 0.5 (FITS
 * pixel 1 is centred on 1.0, its edge at 0.5) and the CD matrix grows by factor.
 */
export function rescaleWcs(wcs: TanWcs, factor: number): TanWcs {
  return {
    ...wcs,
    crpix1: (wcs.crpix1 - 0.5) / factor + 0.5,
    crpix2: (wcs.crpix2 - 0.5) / factor + 0.5,
    cd1_1: wcs.cd1_1 * factor,
    cd1_2: wcs.cd1_2 * factor,
    cd2_1: wcs.cd2_1 * factor,
    cd2_2: wcs.cd2_2 * factor,
  };
}

const DEG = Math.PI / 180;

/** Pixel (FITS 1-based x = column, y = row) of a sky position; null on the far hemisphere. */
export function skyToPixel(wcs: TanWcs, raDeg: number, decDeg: number): { x: number; y: number } | null {
  const [ra, dec, ra0, dec0] = [raDeg * DEG, decDeg * DEG, wcs.crval1 * DEG, wcs.crval2 * DEG];
  const cosC = Math.sin(dec0) * Math.sin(dec) + Math.cos(dec0) * Math.cos(dec) * Math.cos(ra - ra0);
  if (cosC <= 0) return null;
  // Standard coordinates (intermediate world coordinates), degrees.
  const xi = ((Math.cos(dec) * Math.sin(ra - ra0)) / cosC) / DEG;
  const eta = ((Math.cos(dec0) * Math.sin(dec) - Math.sin(dec0) * Math.cos(dec) * Math.cos(ra - ra0)) / cosC) / DEG;
  const det = wcs.cd1_1 * wcs.cd2_2 - wcs.cd1_2 * wcs.cd2_1;
  const dx = (wcs.cd2_2 * xi - wcs.cd1_2 * eta) / det;
  const dy = (-wcs.cd2_1 * xi + wcs.cd1_1 * eta) / det;
  return { x: wcs.crpix1 + dx, y: wcs.crpix2 + dy };
}

/** Sky position (degrees) of a FITS 1-based pixel position. */
export function pixelToSky(wcs: TanWcs, x: number, y: number): { raDeg: number; decDeg: number } {
  const dx = x - wcs.crpix1;
  const dy = y - wcs.crpix2;
  const xi = (wcs.cd1_1 * dx + wcs.cd1_2 * dy) * DEG;
  const eta = (wcs.cd2_1 * dx + wcs.cd2_2 * dy) * DEG;
  const [ra0, dec0] = [wcs.crval1 * DEG, wcs.crval2 * DEG];
  const denominator = Math.cos(dec0) - eta * Math.sin(dec0);
  const ra = ra0 + Math.atan2(xi, denominator);
  const dec = Math.atan2(Math.sin(dec0) + eta * Math.cos(dec0), Math.sqrt(xi * xi + denominator * denominator));
  return { raDeg: (((ra / DEG) % 360) + 360) % 360, decDeg: dec / DEG };
}
