/**
 * Our order-29 nested HEALPix index against an independent implementation,
 * astropy-healpix (C code, Debian package python3-astropy-healpix).
 * Tolerance: random positions must agree exactly at every order; positions
 * built to sit exactly on a cell boundary (poles, RA 0/90/180/270, the
 * z = ±2/3 transition) may fall on either side, but then a shift of at most
 * 1e-10 degrees (0.36 µas, 1/1000 of an order-29 cell) must give the
 * reference's cell.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ang2pix_nest } from "@hscmap/healpix";
import { cellCount, cellRange29, cellSizeDeg, degrade, faceXY, MAX_ORDER, nested29 } from "../sky/healpix.js";
import { Random } from "../random/random.js";
import { pythonModuleMissing, runPython } from "./support/python.js";

const ORDERS = [0, 1, 5, 10, 13, 15, 20, 25, 28, 29];

function testPositions(): { random: [number, number][]; boundary: [number, number][] } {
  const random = new Random(20251125);
  const uniform: [number, number][] = [];
  for (let i = 0; i < 20000; i++) {
    uniform.push([random.uniform(0, 360), (Math.asin(random.uniform(-1, 1)) * 180) / Math.PI]);
  }
  // Crowd the poles and the RA = 0/360 seam.
  for (let i = 0; i < 2000; i++) {
    uniform.push([random.uniform(0, 360), 90 - random.next() ** 4 * 1e-3]);
    uniform.push([random.uniform(0, 360), -90 + random.next() ** 4 * 1e-3]);
    uniform.push([random.next() * 1e-6, random.uniform(-90, 90)]);
    uniform.push([360 - random.next() * 1e-6 - 1e-12, random.uniform(-90, 90)]);
  }
  const boundary: [number, number][] = [];
  const transition = (Math.asin(2 / 3) * 180) / Math.PI;
  for (const ra of [0, 45, 90, 135, 180, 225, 270, 315, 359.9999999999999]) {
    for (const dec of [-90, -transition, -45, 0, 45, transition, 90]) boundary.push([ra, dec]);
  }
  return { random: uniform, boundary };
}

const REFERENCE = `
import json, sys
import numpy as np
import astropy.units as u
from astropy_healpix.core import lonlat_to_healpix
data = json.load(sys.stdin)
pos = np.array(data["positions"], dtype=float)
out = {}
for order in data["orders"]:
    pix = lonlat_to_healpix(pos[:, 0] * u.deg, pos[:, 1] * u.deg, 2 ** order, order="nested")
    out[str(order)] = [str(int(p)) for p in pix]
print(json.dumps(out))
`;

const missing = pythonModuleMissing("astropy_healpix");

describe("HEALPix nested index against astropy-healpix", { skip: missing }, () => {
  const { random, boundary } = testPositions();
  const reference = runPython<Record<string, string[]>>(REFERENCE, { positions: [...random, ...boundary], orders: ORDERS });

  it("agrees exactly on 28,000 random positions (poles and RA seam crowded) at orders 0 to 29", () => {
    for (const order of ORDERS) {
      let mismatches = 0;
      random.forEach(([ra, dec], i) => {
        if (degrade(nested29(ra, dec), order).toString() !== reference[order][i]) mismatches++;
      });
      assert.equal(mismatches, 0, `order ${order}: ${mismatches} of ${random.length} differ`);
    }
  });

  it("puts positions exactly on cell boundaries within 1e-10 degrees of the reference cell", () => {
    const shift = 1e-10;
    const moves = [[0, 0], [shift, 0], [-shift, 0], [0, shift], [0, -shift], [shift, shift], [-shift, -shift], [shift, -shift], [-shift, shift]];
    boundary.forEach(([ra, dec], j) => {
      const expected = reference[MAX_ORDER][random.length + j];
      const reached = moves.some(([dRa, dDec]) => {
        const d = Math.max(-90, Math.min(90, dec + dDec));
        return nested29((ra + dRa + 360) % 360, d).toString() === expected;
      });
      assert.ok(reached, `(${ra}, ${dec}): ours ${nested29(ra, dec)}, astropy-healpix ${expected}`);
    });
  });
});

describe("HEALPix helpers", () => {
  it("agrees with @hscmap/healpix (used for disc coverage) at orders up to 15", () => {
    const random = new Random(7);
    for (let i = 0; i < 5000; i++) {
      const ra = random.uniform(0, 360);
      const dec = (Math.asin(random.uniform(-1, 1)) * 180) / Math.PI;
      for (const order of [0, 3, 8, 12, 15]) {
        const theirs = ang2pix_nest(2 ** order, ((90 - dec) * Math.PI) / 180, (ra * Math.PI) / 180);
        assert.equal(degrade(nested29(ra, dec), order), BigInt(theirs), `(${ra}, ${dec}) at order ${order}`);
      }
    }
  });

  it("keeps every index inside [0, 12 * 4^29) and face coordinates inside the face", () => {
    for (const [ra, dec] of [[0, 90], [0, -90], [359.999999999, 0], [180, 89.99999999999], [0, 0]]) {
      const index = nested29(ra, dec);
      assert.ok(index >= 0n && index < cellCount(29), `${index}`);
      const { face, x, y } = faceXY(ra, dec, 2 ** 29);
      assert.ok(face >= 0 && face < 12 && x >= 0 && x < 2 ** 29 && y >= 0 && y < 2 ** 29);
    }
  });

  it("maps an order-k cell to the order-29 range that degrades back to it", () => {
    const [first, last] = cellRange29(10, 12345);
    assert.equal(degrade(first, 10), 12345n);
    assert.equal(degrade(last - 1n, 10), 12345n);
    assert.equal(degrade(last, 10), 12346n);
    assert.equal(last - first, 1n << 38n);
  });

  it("gives the documented mean cell size (order 0: 58.63 degrees; order 29: 0.393 mas)", () => {
    assert.ok(Math.abs(cellSizeDeg(0) - 58.6323) < 1e-4);
    assert.ok(Math.abs(cellSizeDeg(29) * 3.6e6 - 0.393) < 1e-3);
  });
});
