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
