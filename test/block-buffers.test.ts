/**
 * BlockBuffers (export/bulk.ts), the block buffers a bulk download reuses:
 * a buffer given back is lent again, never while lent; anything else given
 * is ignored; at most `keep` are kept free.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { BlockBuffers } from "../export/bulk.js";

describe("BlockBuffers", () => {
  it("lends a buffer again only after it is given back, and ignores buffers it did not lend", () => {
    const buffers = new BlockBuffers(2);
    const a = buffers.take(100);
    const b = buffers.take(100);
    assert.notEqual(a, b, "two lent at once are two buffers");
    assert.ok(a.byteLength >= 100 && b.byteLength >= 100);
    buffers.give(new ArrayBuffer(100)); // not lent: ignored
    buffers.give(a);
    assert.equal(buffers.take(60), a, "a smaller block reuses a free buffer");
    assert.notEqual(buffers.take(200), b, "a larger block gets a new one (b is still lent)");
    assert.equal(buffers.made, 3);
    buffers.give(a);
    buffers.give(a); // twice: the second is ignored
    assert.equal(buffers.take(100), a);
    assert.notEqual(buffers.take(100), a);
  });

  it("keeps at most `keep` free buffers", () => {
    const buffers = new BlockBuffers(1);
    const lent = [buffers.take(8), buffers.take(8), buffers.take(8)];
    for (const b of lent) buffers.give(b);
    const again = [buffers.take(8), buffers.take(8)];
    assert.equal(again[0], lent[0]);
    assert.ok(!lent.includes(again[1]), "only one was kept");
    assert.equal(buffers.made, 4);
  });
});
