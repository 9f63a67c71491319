/** The PNG encoder: chunk structure and CRCs per the PNG specification, pixels recovered by inflating. */
import { it } from "node:test";
import assert from "node:assert/strict";
import { encodePng } from "../render/png.js";
import { decodePng } from "./support/png.js";

it("encodes RGB pixels that decode back exactly, with valid chunks", () => {
  const rgb = Uint8Array.from([255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 20, 30, 1, 2, 3, 4, 5, 6]);
  const decoded = decodePng(encodePng(3, 2, rgb));
  assert.deepEqual([decoded.width, decoded.height], [3, 2]);
  assert.deepEqual([...decoded.rgb], [...rgb]);
  assert.throws(() => encodePng(2, 2, rgb), /expected 12 bytes/);
});
