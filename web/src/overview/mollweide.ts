/**
 * The Mollweide (equal-area) projection of the whole sky, RA increasing to
 * the left as on the sky, centred on RA 0: x = 2√2/π λ cos θ, y = √2 sin θ with
 * 2θ + sin 2θ = π sin φ (Snyder 1987, "Map projections — a working manual", p. 251).
 * Output in units where the ellipse spans x ∈ [−2√2, 2√2], y ∈ [−√2, √2].
 */
export const MOLLWEIDE_HALF_WIDTH = 2 * Math.SQRT2;
export const MOLLWEIDE_HALF_HEIGHT = Math.SQRT2;

export function mollweide(raDeg: number, decDeg: number): { x: number; y: number } {
  const phi = (decDeg * Math.PI) / 180;
  let lambda = ((((raDeg + 180) % 360) + 360) % 360) - 180; // (−180, 180]
  lambda = (-lambda * Math.PI) / 180; // east (increasing RA) to the left
  let theta = phi;
  if (Math.abs(Math.abs(phi) - Math.PI / 2) > 1e-9) {
    for (let k = 0; k < 30; k++) {
      const step = (2 * theta + Math.sin(2 * theta) - Math.PI * Math.sin(phi)) / (2 + 2 * Math.cos(2 * theta));
      theta -= step;
      if (Math.abs(step) < 1e-12) break;
    }
  }
  return { x: ((2 * Math.SQRT2) / Math.PI) * lambda * Math.cos(theta), y: Math.SQRT2 * Math.sin(theta) };
}

/** The inverse, or null outside the ellipse. */
export function inverseMollweide(x: number, y: number): { raDeg: number; decDeg: number } | null {
  if ((x / MOLLWEIDE_HALF_WIDTH) ** 2 + (y / MOLLWEIDE_HALF_HEIGHT) ** 2 > 1) return null;
  const theta = Math.asin(y / Math.SQRT2);
  const phi = Math.asin((2 * theta + Math.sin(2 * theta)) / Math.PI);
  const lambda = Math.cos(theta) === 0 ? 0 : (Math.PI * x) / (2 * Math.SQRT2 * Math.cos(theta));
  return { raDeg: (((-lambda * 180) / Math.PI) % 360 + 360) % 360, decDeg: (phi * 180) / Math.PI };
}
