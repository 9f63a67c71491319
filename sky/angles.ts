/**
 * Angular distance on the sphere. The haversine form (Sinnott 1984, Sky &
 * Telescope 68, 159) keeps full precision for small separations, which is
 * what cone searches need; it is exact to ~1e-16 rad away from antipodes.
 * Degrees at the edges, radians inside.
 */
const DEG = Math.PI / 180;

export function angularDistanceDeg(ra1Deg: number, dec1Deg: number, ra2Deg: number, dec2Deg: number): number {
  const sinHalfDdec = Math.sin(((dec2Deg - dec1Deg) * DEG) / 2);
  const sinHalfDra = Math.sin(((ra2Deg - ra1Deg) * DEG) / 2);
  const h = sinHalfDdec * sinHalfDdec + Math.cos(dec1Deg * DEG) * Math.cos(dec2Deg * DEG) * sinHalfDra * sinHalfDra;
  return (2 * Math.asin(Math.min(1, Math.sqrt(h)))) / DEG;
}

/** Unit vector (x, y, z) of an ICRS position in degrees. */
export function unitVector(raDeg: number, decDeg: number): [number, number, number] {
  const ra = raDeg * DEG;
  const dec = decDeg * DEG;
  return [Math.cos(dec) * Math.cos(ra), Math.cos(dec) * Math.sin(ra), Math.sin(dec)];
}
