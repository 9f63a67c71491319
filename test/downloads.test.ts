/**
 * FITS downloads over HTTP, read back by astropy (the independent reader):
 * a cutout's WCS puts the galaxy at the centre of the image at every zoom
 * and at in-between sizes; a spectrum has wavelength, flux, sigma and mask
 * columns with units. Bad requests get JSON errors with their HTTP status.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadDemo } from "../ingest/synthetic/load-demo.js";
import { backends, type TestDatabase } from "./support/databases.js";
import { pythonModuleMissing, runPython } from "./support/python.js";
import { startTestServer, type TestServer } from "./support/server.js";
import { decodePng } from "./support/png.js";
import { openCube } from "../cube/cube-store.js";

const CHECK = `
import json, sys
from astropy.io import fits
from astropy.wcs import WCS
job = json.load(sys.stdin)
out = []
for path in job["cutouts"]:
    with fits.open(path) as h:
        w = WCS(h[0].header, naxis=2)
        x, y = w.world_to_pixel_values(job["ra"], job["dec"])
        n = h[0].header["NAXIS1"]
        out.append({"offset": [float(x) - (n - 1) / 2, float(y) - (n - 1) / 2], "shape": list(h[0].data.shape),
                    "extensions": [e.name for e in h[1:]], "bunit": h[0].header["BUNIT"]})
with fits.open(job["spectrum"]) as s:
    cols = s[1].columns
    spectrum = {"names": cols.names, "units": [c.unit for c in cols], "rows": len(s[1].data),
                "first": float(s[1].data["WAVELENGTH"][0])}
print(json.dumps({"cutouts": out, "spectrum": spectrum}))
`;

for (const backend of backends) {
  describe(`FITS downloads on ${backend.name}`, { skip: backend.skip || pythonModuleMissing("astropy.wcs") }, () => {
    let db: TestDatabase;
    let server: TestServer;
    const dataDir = mkdtempSync(join(tmpdir(), "skycube-downloads-"));
    before(async () => {
      db = await backend.open();
      await loadDemo(db.sql, { count: 3, cube: await openCube(dataDir) });
      await loadDemo(db.sql, { count: 4 });
      server = await startTestServer(db, { dataDir });
    });
    after(async () => {
      await server?.close();
      await db?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    });

    it("serves cutouts whose WCS puts the galaxy at the image centre (within 0.01 px) at every zoom and size", async () => {
      const [galaxy] = await db.sql`SELECT id, ra, dec FROM galaxies WHERE has_image ORDER BY id LIMIT 1`;
      const queries = ["zoom=0", "zoom=1", "zoom=2", "zoom=3", "zoom=4", "size=48", "size=20&bands=g,r,i"];
      const paths: string[] = [];
      for (const [i, query] of queries.entries()) {
        const response = await fetch(`${server.url}/cutouts/${galaxy.id}.fits?${query}`);
        assert.equal(response.status, 200, query);
        assert.equal(response.headers.get("content-type"), "application/fits");
        paths.push(join(dataDir, `cutout-${i}.fits`));
        writeFileSync(paths[i], Buffer.from(await response.arrayBuffer()));
      }
      const spectrum = await fetch(`${server.url}/spectra/${galaxy.id}.fits?bins=1000`);
      assert.equal(spectrum.status, 200);
      const spectrumPath = join(dataDir, "spectrum.fits");
      writeFileSync(spectrumPath, Buffer.from(await spectrum.arrayBuffer()));
      const result = runPython<any>(CHECK, { cutouts: paths, spectrum: spectrumPath, ra: galaxy.ra, dec: galaxy.dec });
      const sizes = [64, 32, 16, 8, 4, 48, 20];
      result.cutouts.forEach((cutout: any, i: number) => {
        // The synthetic galaxy's reference point is the centre of the 64-px image; every level keeps it there.
        assert.ok(Math.abs(cutout.offset[0]) < 0.01 && Math.abs(cutout.offset[1]) < 0.01, `${queries[i]}: offset ${cutout.offset}`);
        assert.deepEqual(cutout.shape, [i === 6 ? 3 : 5, sizes[i], sizes[i]]);
        assert.deepEqual(cutout.extensions, ["SIGMA", "MASK"]);
        assert.equal(cutout.bunit, "nanomaggy");
      });
      assert.deepEqual(result.spectrum.names, ["WAVELENGTH", "FLUX", "SIGMA", "MASK"]);
      assert.deepEqual(result.spectrum.units.slice(0, 2), ["Angstrom", "1e-17 erg/(s cm2 Angstrom)"]);
      assert.equal(result.spectrum.rows, 1000);
      assert.equal(result.spectrum.first, 3839.7244);
    });

    it("serves PNG previews: a colour cutout at least 256 px across and a spectrum plot", async () => {
      const [galaxy] = await db.sql`SELECT id FROM galaxies WHERE has_image ORDER BY id LIMIT 1`;
      for (const [query, side, title] of [["?annotate=0", 256, 0], ["?zoom=3&annotate=0", 256, 0], ["?size=48&annotate=0", 288, 0], ["", 256, 12], ["?zoom=3", 256, 12]] as const) {
        const response = await fetch(`${server.url}/cutouts/${galaxy.id}.png${query}`);
        assert.equal(response.headers.get("content-type"), "image/png");
        const png = decodePng(Buffer.from(await response.arrayBuffer()));
        assert.deepEqual([png.width, png.height], [side, side + title], query);
        // The galaxy is brighter at the centre than in the corner.
        const at = (x: number, y: number) => png.rgb[(y * png.width + x) * 3] + png.rgb[(y * png.width + x) * 3 + 1] + png.rgb[(y * png.width + x) * 3 + 2];
        assert.ok(at(side >> 1, title + (side >> 1)) > at(2, title + 2), query);
      }
      assert.equal((await fetch(`${server.url}/cutouts/${galaxy.id}.png?annotate=yes`)).status, 400);
      const spectrum = decodePng(Buffer.from(await (await fetch(`${server.url}/spectra/${galaxy.id}.png?zoom=2`)).arrayBuffer()));
      assert.deepEqual([spectrum.width, spectrum.height], [800, 300]);
      assert.ok(spectrum.rgb.includes(0), "the flux line is drawn");
      // Axes: a black x axis just below the plot (row 300 − 1 − 30 + 1) and tick labels beneath it.
      const colourAt = (x: number, y: number) => [...spectrum.rgb.subarray((y * 800 + x) * 3, (y * 800 + x) * 3 + 3)];
      assert.deepEqual(colourAt(400, 270), [0, 0, 0]);
      let labelInk = 0;
      for (let y = 277; y < 285; y++) for (let x = 48; x < 790; x++) if (colourAt(x, y)[0] === 0) labelInk++;
      assert.ok(labelInk > 100, `tick labels drawn (${labelInk} dark pixels)`);
      // Hα marked in red at its observed wavelength, 6564.6 (1 + z) Å, on the 3839.7244..8914.597 Å axis spanning x 48..789.
      const [{ redshift }] = await db.sql`SELECT redshift FROM galaxies WHERE id = ${galaxy.id}`;
      const column = Math.round(48 + ((6564.6 * (1 + Number(redshift)) - 3839.7244) / (8914.597 - 3839.7244)) * (789 - 48));
      const red = Array.from({ length: 240 }, (_, k) => colourAt(column, 26 + k)).filter(([r, g, b]) => r === 179 && g === 38 && b === 30).length;
      assert.ok(red > 60, `Hα marker at x = ${column} (${red} red pixels)`);
      const refused = await fetch(`${server.url}/cutouts/${galaxy.id}.png?bands=u,g`);
      assert.equal(refused.status, 400);
    });

    it("answers bad and impossible requests with JSON errors and HTTP statuses", async () => {
      const [without] = await db.sql`SELECT id FROM galaxies WHERE NOT has_image ORDER BY id LIMIT 1`;
      const cases: [string, number, string][] = [
        [`/cutouts/999999.fits`, 404, "NOT_FOUND"],
        [`/cutouts/${without.id}.fits`, 404, "NOT_FOUND"],
        [`/spectra/${without.id}.fits`, 404, "NOT_FOUND"],
        [`/cutouts/1.fits?zoom=7`, 400, "BAD_USER_INPUT"],
        [`/cutouts/1.fits?bands=y`, 400, "BAD_USER_INPUT"],
        [`/cutouts/1.fits?size=abc`, 400, "BAD_USER_INPUT"],
        [`/spectra/1.fits?bins=5`, 400, "BAD_USER_INPUT"],
        [`/cutouts/99999999999999999999.fits`, 400, "BAD_USER_INPUT"],
      ];
      for (const [path, status, code] of cases) {
        const response = await fetch(`${server.url}${path}`);
        assert.equal(response.status, status, path);
        assert.equal(((await response.json()) as any).error.code, code, path);
      }
    });
  });
}
