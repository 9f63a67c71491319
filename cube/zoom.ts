/**
 * The zoom levels of the cube. Images: 64 → 32 → 16 → 8 → 4 pixels per side.
 * Spectra: 4620 → 2310 → 1155 → 577 → 288 bins on HiSS-Cube's linear
 * wavelength grid, so that cubes are interchangeable with HiSS-Cube's: zoom 0
 * has 4620 points evenly from 3839.7244 to 8914.597 Angstrom; each next zoom
 * has half as many points (rounded down) evenly between the previous grid's
 * first and last points.
 */
export const ZOOM_LEVELS = 5;
export const IMAGE_SIZE_0 = 64;
export const SPECTRUM_BINS_0 = 4620;
export const WAVELENGTH_FIRST_ANGSTROM = 3839.7244;
export const WAVELENGTH_LAST_ANGSTROM = 8914.597;

export function imageSize(zoom: number): number {
  return IMAGE_SIZE_0 >> zoom;
}

export function spectrumBins(zoom: number): number {
  return Math.floor(SPECTRUM_BINS_0 / 2 ** zoom);
}

/**
 * Wavelength grid (bin centres, Angstrom) with `bins` points. Every zoom
 * spans the same first and last point, so the grid depends only on its
 * length: wavelengthGrid(spectrumBins(zoom)) for a zoom level, any other
 * length for sizes between levels.
 */
export function wavelengthGrid(bins: number): Float64Array {
  const step = (WAVELENGTH_LAST_ANGSTROM - WAVELENGTH_FIRST_ANGSTROM) / (bins - 1);
  return Float64Array.from({ length: bins }, (_, i) => WAVELENGTH_FIRST_ANGSTROM + i * step);
}

/**
 * A TAN WCS rescaled for an image binned by `factor` (input pixels per output
 * pixel): pixel centres move, so CRPIX' = (CRPIX − 0.5) / factor + 0.5 (FITS
 * pixel 1 is centred on 1.0, its edge at 0.5) and the CD matrix grows by factor.
 */
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
