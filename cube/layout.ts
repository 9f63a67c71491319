/**
 * The layout of our HDF5 cube (format "skycube-cube", version 1). One row per
 * catalogued galaxy (`galaxies.cube_row`), the same row in every dataset:
 *
 *   /images/{zoom}/flux, sigma   float32 (rows, 5, size, size)   bands u,g,r,i,z; nanomaggies
 *   /images/{zoom}/mask          uint8   (rows, 5, size, size)   1 = no data
 *   /images/wcs                  float64 (rows, 8)               zoom-0 TAN WCS: CRVAL1 CRVAL2 CRPIX1 CRPIX2 CD1_1 CD1_2 CD2_1 CD2_2
 *   /spectra/{zoom}/flux, sigma  float32 (rows, bins)            1e-17 erg/s/cm²/Å
 *   /spectra/{zoom}/mask         uint8   (rows, bins)
 *   /spectra/{zoom}/wavelength   float64 (bins)                  Angstrom (vacuum)
 *
 * zoom = 0..4 (images 64…4 px, spectra 4620…288 bins). Every dataset is
 * chunked one row at a time, so reading one galaxy at one zoom touches one
 * chunk per dataset, and the row axis is unlimited so ingest can append.
 */
export const CUBE_FORMAT = "skycube-cube";
export const CUBE_VERSION = 1;
export const BAND_NAMES = ["u", "g", "r", "i", "z"] as const;
export type BandName = (typeof BAND_NAMES)[number];
export const BAND_COUNT = BAND_NAMES.length;
/** SDSS imaging pixel scale at zoom 0, arcsec per pixel. */
export const PIXEL_SCALE_ARCSEC = 0.396;

export const imagePath = (zoom: number, part: "flux" | "sigma" | "mask") => `images/${zoom}/${part}`;
export const spectrumPath = (zoom: number, part: "flux" | "sigma" | "mask" | "wavelength") => `spectra/${zoom}/${part}`;
export const WCS_PATH = "images/wcs";
