/** The PNG encoder (chunk structure and CRCs per the PNG specification, pixels recovered by inflating) and the annotated cutout preview. */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { encodePng } from "../render/png.js";
import { decodePng } from "./support/png.js";
import { cutoutPng } from "../render/previews.js";
import type { ImageView } from "../cube/views.js";

it("encodes RGB pixels that decode back exactly, with valid chunks", () => {
  const rgb = Uint8Array.from([255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 20, 30, 1, 2, 3, 4, 5, 6]);
  const decoded = decodePng(encodePng(3, 2, rgb));
  assert.deepEqual([decoded.width, decoded.height], [3, 2]);
  assert.deepEqual([...decoded.rgb], [...rgb]);
  assert.throws(() => encodePng(2, 2, rgb), /expected 12 bytes/);
});

describe("the annotated cutout preview", () => {
  const SCALE_DEG = 0.396 / 3600;
  const view = (cd: [number, number, number, number]): ImageView => {
    const size = 64;
    const n = 5 * size * size;
    return {
      zoom: 0, size, bands: ["u", "g", "r", "i", "z"], pixelScaleArcsec: 0.396,
      value: new Float32Array(n).fill(0.01), sigma: new Float32Array(n).fill(0.01), mask: new Uint8Array(n),
      wcs: { crval1: 150, crval2: 30, crpix1: 32.5, crpix2: 32.5, cd1_1: cd[0], cd1_2: cd[1], cd2_1: cd[2], cd2_2: cd[3] },
    };
  };
  const white = (png: { width: number; rgb: Uint8Array }, x: number, y: number) => [0, 1, 2].every((c) => png.rgb[(y * png.width + x) * 3 + c] === 255);
  // The compass's origin is 24 px in from the top-right corner of the picture (below the 12-px title); arrows are 16 px.
  const [ox, oy] = [256 - 24, 12 + 24];

  it("points N and E where the WCS says: north up and east left for the usual orientation, turned with the frame", () => {
    const usual = decodePng(cutoutPng(view([-SCALE_DEG, 0, 0, SCALE_DEG]), 4, true));
    assert.deepEqual([usual.width, usual.height], [256, 268], "a 12-px title strip above the picture");
    assert.ok(white(usual, ox, oy - 10) && !white(usual, ox, oy + 10), "north arrow up");
    assert.ok(white(usual, ox - 10, oy) && !white(usual, ox + 10, oy), "east arrow left");
    // A frame turned by 90°: declination grows with the column, right ascension with the row.
    const turned = decodePng(cutoutPng(view([0, SCALE_DEG, SCALE_DEG, 0]), 4, true));
    assert.ok(white(turned, ox + 10, oy) && !white(turned, ox - 10, oy), "north arrow right");
    assert.ok(white(turned, ox, oy - 10) && !white(turned, ox, oy + 10), "east arrow up (FITS rows grow upwards)");
  });

  it("draws a scale bar of a round number of arcseconds, at most a third of the field, and nothing without annotate", () => {
    const png = decodePng(cutoutPng(view([-SCALE_DEG, 0, 0, SCALE_DEG]), 4, true));
    // 64 px × 0.396″ = 25.3″ across: the bar is 5″ = 12.6 cutout px = 50.5 picture px, from x = 6, 8 px above the bottom.
    const y = 268 - 8;
    let run = 0;
    while (white(png, 6 + run, y)) run++;
    assert.ok(Math.abs(run - 51) <= 1, `bar ${run} px long`);
    const bare = decodePng(cutoutPng(view([-SCALE_DEG, 0, 0, SCALE_DEG]), 4));
    assert.deepEqual([bare.width, bare.height], [256, 256]);
    assert.equal(white(bare, 6 + 10, 256 - 8), false);
  });
});
