import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { degrade, nested29 } from "../sky/healpix.js";
import { cellCentreDeg } from "../sky/healpix-centre.js";
import { pythonModuleMissing, runPython } from "./support/python.js";

describe("HEALPix cell centres", () => {
  it("puts every cell's centre back into that cell (orders 0, 1, 3, 6, all cells; order 12, 2,000 cells)", () => {
    for (const order of [0, 1, 3, 6]) {
      for (let index = 0; index < 12 * 4 ** order; index++) {
        const { raDeg, decDeg } = cellCentreDeg(order, index);
        assert.equal(degrade(nested29(raDeg, decDeg), order), BigInt(index), `order ${order} cell ${index}`);
      }
    }
    for (let k = 0; k < 2000; k++) {
      const index = Math.floor((k * 12 * 4 ** 12) / 2000);
      const { raDeg, decDeg } = cellCentreDeg(12, index);
      assert.equal(degrade(nested29(raDeg, decDeg), 12), BigInt(index));
    }
  });

  it("matches astropy-healpix's healpix_to_lonlat (nested, cell centres) within 1e-9 degrees at orders 2, 6 and 10", { skip: pythonModuleMissing("astropy_healpix") }, () => {
    const cases = [2, 6, 10].flatMap((order) => Array.from({ length: 400 }, (_, k) => ({ order, index: Math.floor((k * 12 * 4 ** order) / 400) })));
    const reference = runPython<[number, number][]>(`
import json, sys
import numpy as np
from astropy_healpix import healpy
cases = json.load(sys.stdin)
out = []
for c in cases:
    theta, phi = healpy.pix2ang(2 ** c["order"], c["index"], nest=True)
    out.append([float(np.degrees(phi)), float(90 - np.degrees(theta))])
print(json.dumps(out))`, cases);
    cases.forEach(({ order, index }, k) => {
      const { raDeg, decDeg } = cellCentreDeg(order, index);
      assert.ok(Math.abs(raDeg - reference[k][0]) < 1e-9 || Math.abs(Math.abs(raDeg - reference[k][0]) - 360) < 1e-9, `ra of ${order}/${index}: ${raDeg} vs ${reference[k][0]}`);
      assert.ok(Math.abs(decDeg - reference[k][1]) < 1e-9, `dec of ${order}/${index}: ${decDeg} vs ${reference[k][1]}`);
    });
  });
});
