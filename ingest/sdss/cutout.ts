/**
 * 64 x 64 cutouts centred on a sky position, cut from the five frames of
 * one field. The cutout is centred on the pixel nearest the position; the
 * part that falls off the frame is kept masked (NaN, mask 1), never
 * zero-filled. SDSS frames of one field are not pixel-aligned across bands,
 * so each band is centred through its own WCS: the object sits on the same
 * cutout pixel in all five bands. The stored WCS is the r-band frame's with
 * CRPIX shifted to the cutout.
 */
import type { Measured } from "../../cube/rebin.js";
import { IMAGE_SIZE_0 } from "../../cube/zoom.js";
import type { TanWcs } from "../../sky/tan-wcs.js";
import { skyToPixel } from "../../sky/tan-wcs.js";
import type { Frame } from "./frame.js";

export interface Cutout extends Measured {
  wcs: TanWcs;
  /** Pixels of the cutout that lie on the frame, per band. */
  onFrame: number;
}

/** FITS pixel of a position on a frame, or null when it is not on it. */
export function positionOnFrame(frame: Pick<Frame, "wcs" | "width" | "height">, raDeg: number, decDeg: number): { x: number; y: number } | null {
  const p = skyToPixel(frame.wcs, raDeg, decDeg);
  if (!p || p.x < 0.5 || p.y < 0.5 || p.x > frame.width + 0.5 || p.y > frame.height + 0.5) return null;
  return p;
}

/** Five-band cutout from frames in u,g,r,i,z order (all of one field). */
export function cutOut(frames: Frame[], raDeg: number, decDeg: number): Cutout | null {
  const size = IMAGE_SIZE_0;
  const n = size * size;
  const R = 2; // the reference band (u,g,r,i,z order)
  const reference = positionOnFrame(frames[R], raDeg, decDeg);
  if (!reference) return null;
  const out: Cutout = { value: new Float32Array(5 * n), sigma: new Float32Array(5 * n), mask: new Uint8Array(5 * n), wcs: frames[R].wcs, onFrame: 0 };
  frames.forEach((frame, band) => {
    const p = positionOnFrame(frame, raDeg, decDeg) ?? skyToPixel(frame.wcs, raDeg, decDeg)!;
    // 0-based index of the first cutout column/row: the centre pixel sits at index size/2.
    const x0 = Math.round(p.x) - 1 - size / 2;
    const y0 = Math.round(p.y) - 1 - size / 2;
    let onFrame = 0;
    for (let row = 0; row < size; row++) {
      for (let col = 0; col < size; col++) {
        const [x, y] = [x0 + col, y0 + row];
        const j = band * n + row * size + col;
        if (x >= 0 && y >= 0 && x < frame.width && y < frame.height) {
          out.value[j] = frame.valueAt(x, y);
          out.sigma[j] = frame.sigmaAt(x, y);
          onFrame++;
        } else {
          out.value[j] = NaN;
          out.sigma[j] = NaN;
          out.mask[j] = 1;
        }
      }
    }
    if (band === R) {
      out.wcs = { ...frame.wcs, crpix1: frame.wcs.crpix1 - x0, crpix2: frame.wcs.crpix2 - y0 };
      out.onFrame = onFrame;
    }
  });
  return out;
}
