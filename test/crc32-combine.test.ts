/**
 * CRC-32 combined from the CRCs of parts (cube/crc32.ts) equals zlib's
 * CRC-32 of the concatenated bytes, for random parts of every awkward size
 * (empty, one byte, odd, a zoom-0 band plane, a whole cutout); and the CRCs
 * a cube keeps per plane (CubeStore.readRowsWithCrcs) are zlib's CRC-32 of
 * the bytes it returns, on the first read and on a read from the kept ones.
 */
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { crc32 } from "node:zlib";
import { crc32Appender, crc32Combine } from "../cube/crc32.js";
import { openCube, type CubeRecord } from "../cube/cube-store.js";
import { Random } from "../random/random.js";

function bytes(n: number, random: Random): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.floor(random.next() * 256);
  return out;
}

const concat = (parts: readonly Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};

const SIZES = [0, 1, 2, 3, 4, 5, 7, 8, 15, 16, 17, 63, 64, 65, 255, 256, 1000, 4095, 4096, 4620 * 4, 64 * 64 * 4, 5 * 64 * 64 * 4 + 3];

describe("CRC-32 combine", () => {
  const random = new Random(15);

  it("combines two parts of every size into zlib's CRC of both", () => {
    for (const a of SIZES) {
      for (const b of SIZES) {
        const A = bytes(a, random);
        const B = bytes(b, random);
        assert.equal(crc32Combine(crc32(A), crc32(B), b), crc32(concat([A, B])) >>> 0, `|A| = ${a}, |B| = ${b}`);
      }
    }
  });

  it("appends many equal rows (as a zip entry of a block of rows) into zlib's CRC of the whole, from the CRC of no bytes", () => {
    for (const size of [0, 1, 3, 64, 4620 * 4, 64 * 64 * 4, 64 * 64]) {
      for (const count of [0, 1, 2, 7, 64]) {
        const rows = Array.from({ length: count }, () => bytes(size, random));
        const append = crc32Appender(size);
        let crc = 0;
        for (const row of rows) crc = append(crc, crc32(row));
        assert.equal(crc, crc32(concat(rows)) >>> 0, `${count} rows of ${size} bytes`);
      }
    }
  });

  it("continues a CRC started over a header (a .npy header, then blocks of rows)", () => {
    const header = bytes(128, random);
    const blocks = [bytes(81920 * 3, random), bytes(81920, random), bytes(1, random)];
    let crc = crc32(header);
    for (const block of blocks) crc = crc32Combine(crc, crc32(block), block.length);
    assert.equal(crc, crc32(concat([header, ...blocks])) >>> 0);
  });

  it("is associative for lengths past 2^32 (archives stay below 4 GiB, but the arithmetic must not wrap)", () => {
    const [a, b, c] = [0x12345678, 0x9abcdef0, 0x0fedcba9];
    for (const [lb, lc] of [[2 ** 32 + 5, 7], [2 ** 33, 2 ** 31 + 1], [3, 2 ** 40 + 3]]) {
      assert.equal(crc32Combine(crc32Combine(a, b, lb), c, lc), crc32Combine(a, crc32Combine(b, c, lc), lb + lc), `${lb}, ${lc}`);
    }
    // and a known value: combining with an empty part changes nothing
    assert.equal(crc32Combine(a, 0, 0), a);
  });
});

describe("plane CRCs kept by the cube", () => {
  const dir = mkdtempSync(join(tmpdir(), "skycube-crc-"));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const random = new Random(3);
  const plane = (n: number, masked: number): { value: Float32Array; sigma: Float32Array; mask: Uint8Array } => {
    const value = new Float32Array(n);
    const sigma = new Float32Array(n);
    const mask = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      if (random.next() < masked) [value[i], sigma[i], mask[i]] = [NaN, NaN, 1];
      else [value[i], sigma[i]] = [random.normal(0, 3), random.uniform(0.1, 1)];
    }
    return { value, sigma, mask };
  };
  const wcs = { crval1: 10, crval2: -1, crpix1: 32.5, crpix2: 32.5, cd1_1: -0.00011, cd1_2: 0, cd2_1: 0, cd2_2: 0.00011 };
  const records: CubeRecord[] = Array.from({ length: 5 }, (_, i) => ({ image: { ...plane(5 * 64 * 64, i / 10), wcs }, spectrum: plane(4620, 0.05) }));

  it("are zlib's CRC-32 of every plane returned, first read and kept, in any order and with repeats", async () => {
    const writer = await openCube(dir);
    await writer.writeShard("cube/shards/o2-0001/c.h5", records);
    writer.close();
    const cube = await openCube(dir);
    try {
      const at = (row: number) => ({ shard: "cube/shards/o2-0001/c.h5", row });
      for (const [kind, planes] of [["image", 5], ["spectrum", 1]] as const) {
        for (const zoom of [0, 2]) {
          for (const part of ["flux", "sigma", "mask"] as const) {
            // Second list: partly kept (rows 4, 1 read before), partly new (row 0, 3), with a repeat.
            for (const rows of [[4, 1, 2], [0, 4, 4, 3, 1]]) {
              const locations = rows.map(at);
              const got = cube.readRowsWithCrcs(kind, locations, zoom, part);
              const plain = cube.readRows(kind, locations, zoom, [part])[part];
              const gotBytes = new Uint8Array(got.values.buffer, got.values.byteOffset, got.values.byteLength);
              assert.deepEqual(gotBytes, new Uint8Array(plain.buffer, plain.byteOffset, plain.byteLength), "the same bytes as readRows");
              assert.equal(got.planes, planes);
              assert.equal(got.planeBytes * planes * rows.length, gotBytes.length);
              for (let k = 0; k < rows.length * planes; k++) {
                assert.equal(got.planeCrcs[k], crc32(gotBytes.subarray(k * got.planeBytes, (k + 1) * got.planeBytes)) >>> 0, `${kind} zoom ${zoom} ${part} rows ${rows} plane ${k}`);
              }
            }
          }
        }
      }
    } finally {
      cube.close();
    }
  });
});
