/**
 * The SDSS ugriz filters as spectral intervals, metres. Approximate edges
 * where each response curve (Doi et al. 2010, AJ 139, 1628) falls to about
 * half its peak; effective wavelengths from Fukugita et al. 1996 (AJ 111,
 * 1748). Good enough to answer "which bands overlap this BAND interval".
 */
import type { BandName } from "../../cube/layout.js";

export interface Passband {
  /** Metres. */
  minMetres: number;
  maxMetres: number;
  effectiveMetres: number;
}

const ANGSTROM = 1e-10;
const band = (min: number, max: number, effective: number): Passband => ({ minMetres: min * ANGSTROM, maxMetres: max * ANGSTROM, effectiveMetres: effective * ANGSTROM });

export const SDSS_PASSBANDS: Record<BandName, Passband> = {
  u: band(3200, 3900, 3551),
  g: band(4050, 5450, 4686),
  r: band(5600, 6800, 6166),
  i: band(6950, 8250, 7480),
  z: band(8300, 9800, 8932),
};
