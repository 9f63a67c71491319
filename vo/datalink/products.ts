/**
 * #this and #preview links of a galaxy: its cutouts (all five bands, every
 * zoom) and its spectrum (every zoom) as FITS, the spectrum as a VOTable,
 * and the PNG previews.
 */
import type { GalaxyRecord } from "../../catalog/galaxy-record.js";
import { BAND_COUNT } from "../../cube/layout.js";
import { imageSize, spectrumBins, ZOOM_LEVELS } from "../../cube/zoom.js";
import { spectrumUrl } from "../ssa/columns.js";
import type { Link } from "./link.js";

const FITS_BLOCK = 2880;
const padded = (bytes: number) => Math.ceil(bytes / FITS_BLOCK) * FITS_BLOCK;

/** Bytes of /cutouts/{id}.fits at a zoom: one header block each for flux, SIGMA, MASK; float32 flux and sigma, uint8 mask. */
export function cutoutBytes(zoom: number, bands: number = BAND_COUNT): number {
  const pixels = bands * imageSize(zoom) ** 2;
  return 3 * FITS_BLOCK + 2 * padded(4 * pixels) + padded(pixels);
}

const zooms = Array.from({ length: ZOOM_LEVELS }, (_, zoom) => zoom);

export function productLinks(galaxy: GalaxyRecord, base: string, id: string): Link[] {
  const links: Link[] = [];
  if (galaxy.hasImage) {
    for (const zoom of zooms) {
      const size = imageSize(zoom);
      links.push({
        id, accessUrl: `${base}/cutouts/${galaxy.id}.fits?zoom=${zoom}`, semantics: "#this",
        description: `u, g, r, i, z cutout, ${size}x${size} px at ${(0.396 * 2 ** zoom).toFixed(3)} arcsec/px (zoom ${zoom}), flux, SIGMA and MASK HDUs, TAN WCS`,
        contentType: "application/fits", contentLength: cutoutBytes(zoom), contentQualifier: "image", localSemantics: `cutout-zoom-${zoom}`,
      });
    }
    links.push({
      id, accessUrl: `${base}/cutouts/${galaxy.id}.png?zoom=0`, semantics: "#preview",
      description: "g, r, i colour preview of the cutout (asinh stretch)", contentType: "image/png", contentQualifier: "image", localSemantics: "cutout-preview",
    });
  }
  if (galaxy.hasSpectrum) {
    for (const zoom of zooms) {
      links.push({
        id, accessUrl: spectrumUrl(base, galaxy.id, "fits", zoom), semantics: "#this",
        description: `spectrum, ${spectrumBins(zoom)} bins from 3839.7 to 8914.6 Angstrom (zoom ${zoom}): WAVELENGTH, FLUX, SIGMA, MASK`,
        contentType: "application/fits", contentLength: 3 * FITS_BLOCK + padded(20 * spectrumBins(zoom)), contentQualifier: "spectrum", localSemantics: `spectrum-zoom-${zoom}`,
      });
    }
    links.push({
      id, accessUrl: spectrumUrl(base, galaxy.id, "votable", 0), semantics: "#this",
      description: "spectrum as a VOTable (4620 bins)", contentType: "application/x-votable+xml", contentQualifier: "spectrum", localSemantics: "spectrum-votable",
    });
    links.push({
      id, accessUrl: `${base}/spectra/${galaxy.id}.png?zoom=0`, semantics: "#preview",
      description: "plot of the spectrum with its 1-sigma band", contentType: "image/png", contentQualifier: "spectrum", localSemantics: "spectrum-preview",
    });
  }
  return links;
}
