/**
 * The VO services through pyvo and astropy, the clients astronomers use
 * (Debian's python3-pyvo and python3-astropy; skipped with the reason when
 * absent): cone search at two verbosities and its metadata query, SSA search
 * and download of the FITS spectrum, SIA 2.0 search and the cutouts' WCS,
 * DataLink followed from SSA and SIA results, DALQueryError on bad input,
 * and the MOC checked against astropy-healpix.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadDemo } from "../ingest/synthetic/load-demo.js";
import { backends, type TestDatabase } from "./support/databases.js";
import { pythonModuleMissing } from "./support/python.js";
import { runPythonAsync } from "./support/run-async.js";
import { startTestServer, type TestServer } from "./support/server.js";
import { openCube } from "../cube/cube-store.js";

const CLIENTS = `
import io, json, sys, warnings
warnings.simplefilter("ignore")
import requests, pyvo
import numpy as np
from pyvo.dal import DALQueryError
from pyvo.dal.sia2 import SIAService, SIAQuery
from astropy.io import fits, votable
from astropy.wcs import WCS

job = json.load(sys.stdin)
base, ra, dec = job["base"], job["ra"], job["dec"]
out = {}

scs = pyvo.dal.SCSService(base + "/vo/scs")
r = scs.search((ra, dec), 10)
out["scs"] = {"ids": [str(x.id) for x in r], "pos": [r[0].pos.ra.deg, r[0].pos.dec.deg], "fields": list(r.fieldnames)}
out["scs_verb3_fields"] = len(scs.search((ra, dec), 10, verbosity=3).fieldnames)
out["scs_columns"] = [c.name for c in scs.columns]

ssa = pyvo.dal.SSAService(base + "/vo/ssa")
s = ssa.search(pos=(ra, dec), diameter=0.01)
row = [x for x in s if x.format == "application/fits"][0]
spectrum = fits.open(io.BytesIO(requests.get(row.getdataurl()).content))
table = spectrum[1]
out["ssa"] = {"rows": len(s), "ra": row.ra, "dec": row.dec, "title": row.title, "url": row.getdataurl(),
  "columns": table.columns.names, "units": [c.unit for c in table.columns], "length": len(table.data),
  "finite_flux": int(np.isfinite(table.data["FLUX"]).sum())}
votrow = [x for x in s if x.format == "application/x-votable+xml"][0]
vt = votable.parse_single_table(io.BytesIO(requests.get(votrow.getdataurl()).content)).to_table()
out["ssa_votable"] = {"columns": vt.colnames, "units": [str(vt[c].unit) for c in vt.colnames[:3]], "length": len(vt)}
links = next(s.iter_datalinks())
out["ssa_links"] = {"this": [l.access_url for l in links.bysemantics("#this", include_narrower=False)],
  "preview": [l.access_url for l in links.bysemantics("#preview", include_narrower=False)],
  "derivation": [l.access_url for l in links.bysemantics("#derivation", include_narrower=False)]}

sia = SIAService(base + "/vo/sia")
images = sia.search(pos=(ra, dec, 0.001))
offsets = []
for image in images:
    if image["band"] != "r":
        continue
    with fits.open(io.BytesIO(requests.get(image["access_url"]).content)) as h:
        w = WCS(h[0].header, naxis=2)
        x, y = w.world_to_pixel_values(ra, dec)
        n = h[0].header["NAXIS1"]
        offsets.append({"zoom": int(image["zoom"]), "size": n, "dx": float(x) - (n - 1) / 2, "dy": float(y) - (n - 1) / 2, "bands": h[0].header["BANDS"]})
out["sia"] = {"rows": len(images), "offsets": offsets, "query_url": sia.query_ep}
sia_links = [dl for _, dl in zip(range(3), images.iter_datalinks())]
out["sia_links"] = [[l.semantics for l in dl] for dl in sia_links]

def query_error(run):
    try:
        run()
        return None
    except DALQueryError as e:
        return "DALQueryError: " + str(e)
    except Exception as e:
        return "unexpected " + type(e).__name__ + ": " + str(e)

def sia_raw(**params):
    q = SIAQuery(sia.query_ep)
    for k, v in params.items():
        q[k] = v
    return q.execute()

def ssa_raw(**params):
    q = pyvo.dal.SSAQuery(base + "/vo/ssa", pos=(ra, dec), diameter=0.01)
    for k, v in params.items():
        q[k] = v
    return q.execute()

out["errors"] = {
  "scs_sr": query_error(lambda: scs.search((ra, dec), 50)),
  "scs_negative": query_error(lambda: pyvo.dal.SCSQuery(base + "/vo/scs", (ra, dec), -1).execute()),
  "ssa_pos": query_error(lambda: ssa_raw(POS="nowhere")),
  "ssa_band": query_error(lambda: ssa_raw(BAND="red")),
  "ssa_time": query_error(lambda: ssa_raw(TIME="yesterday")),
  "sia_pos": query_error(lambda: sia_raw(POS="CIRCLE 1 2")),
  "sia_maxrec": query_error(lambda: sia_raw(POS="CIRCLE 1 2 3", MAXREC="999999999999")),
  "links_no_id": query_error(lambda: pyvo.dal.adhoc.DatalinkQuery(base + "/vo/links").execute()),
}
tap = pyvo.dal.TAPService(base + "/vo/tap")
cone = "SELECT TOP 5 id, ra, dec, distance FROM skycube.galaxies WHERE 1=CONTAINS(POINT('ICRS', ra, dec), CIRCLE('ICRS', %r, %r, 10))" % (ra, dec)
t = tap.run_sync(cone)
out["tap"] = {"ids": [str(x) for x in t["id"]], "fields": list(t.fieldnames), "all_columns": len(tap.run_sync(cone.replace("id, ra, dec, distance", "*")).fieldnames),
  "tables": [str(name) for name in tap.tables.keys()]}
out["errors"]["tap_where"] = query_error(lambda: tap.run_sync("SELECT * FROM skycube.galaxies WHERE redshift > 0.1"))
out["errors"]["tap_radius"] = query_error(lambda: tap.run_sync(cone.replace(", 10))", ", -1))")))
unknown = pyvo.dal.adhoc.DatalinkQuery(base + "/vo/links", id="987654").execute()
out["unknown_id"] = [str(x.error_message) for x in unknown]
print(json.dumps(out))
`;

const MOC_CHECK = `
import io, json, sys, requests
import numpy as np
from astropy.io import fits
from astropy_healpix import HEALPix
import astropy.units as u
job = json.load(sys.stdin)
out = {}
for order in job["orders"]:
    h = fits.open(io.BytesIO(requests.get(job["base"] + "/vo/moc?format=fits&order=%d" % order).content))
    uniq = np.asarray(h[1].data["UNIQ"], dtype=np.int64)
    level = (np.floor(np.log2(uniq) / 2) - 1).astype(int)
    ipix = uniq - 4 ** (level + 1).astype(np.int64)
    covered = set(zip(level.tolist(), ipix.tolist()))
    missing = 0
    for ra, dec in job["positions"]:
        ok = False
        for k in sorted(set(level.tolist())):
            cell = int(HEALPix(nside=2 ** k, order="nested").lonlat_to_healpix(ra * u.deg, dec * u.deg))
            if (k, cell) in covered:
                ok = True
                break
        missing += 0 if ok else 1
    finest = int(HEALPix(nside=2 ** order, order="nested").lonlat_to_healpix(job["positions"][0][0] * u.deg, job["positions"][0][1] * u.deg))
    out[str(order)] = {"cells": len(uniq), "missing": missing, "header": {k: h[1].header.get(k) for k in ["MOCVERS", "MOCDIM", "ORDERING", "COORDSYS", "MOCORD_S"]}}
print(json.dumps(out))
`;

const skip = pythonModuleMissing("pyvo") || pythonModuleMissing("astropy.wcs");

for (const backend of backends) {
  describe(`VO services through pyvo and astropy on ${backend.name}`, { skip: backend.skip || skip }, () => {
    let db: TestDatabase;
    let server: TestServer;
    let galaxy: { id: string; ra: number; dec: number };
    const dataDir = mkdtempSync(join(tmpdir(), "skycube-pyvo-"));
    before(async () => {
      db = await backend.open();
      await loadDemo(db.sql, { count: 60, cube: await openCube(dataDir) });
      [galaxy] = (await db.sql`SELECT id::text, ra, dec FROM galaxies ORDER BY id LIMIT 1`) as any;
      server = await startTestServer(db, { dataDir });
    });
    after(async () => {
      await server?.close();
      await db?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    });

    it("pyvo searches cones, spectra and images, downloads them, follows DataLink and raises DALQueryError on bad input", async () => {
      const out = await runPythonAsync<any>(CLIENTS, { base: server.url, ra: galaxy.ra, dec: galaxy.dec });
      // Simple Cone Search
      assert.equal(out.scs.ids[0], galaxy.id);
      assert.ok(Math.abs(out.scs.pos[0] - galaxy.ra) < 1e-9 && Math.abs(out.scs.pos[1] - galaxy.dec) < 1e-9);
      assert.deepEqual(out.scs.fields, ["id", "ra", "dec", "distance", "redshift", "class", "survey", "sfr_avg"]);
      assert.equal(out.scs_verb3_fields, 23);
      assert.deepEqual(out.scs_columns.slice(0, 3), ["id", "ra", "dec"]);
      // SSA and the FITS and VOTable spectra
      assert.equal(out.ssa.rows, 2, "FITS and VOTable rows (pyvo asks FORMAT=all)");
      assert.ok(Math.abs(out.ssa.ra - galaxy.ra) < 1e-9);
      assert.equal(out.ssa.url, `${server.url}/spectra/${galaxy.id}.fits?zoom=0`);
      assert.deepEqual(out.ssa.columns, ["WAVELENGTH", "FLUX", "SIGMA", "MASK"]);
      assert.deepEqual(out.ssa.units.slice(0, 3), ["Angstrom", "1e-17 erg/(s cm2 Angstrom)", "1e-17 erg/(s cm2 Angstrom)"]);
      assert.equal(out.ssa.length, 4620);
      assert.ok(out.ssa.finite_flux > 4000);
      assert.deepEqual(out.ssa_votable.columns, ["WAVELENGTH", "FLUX", "SIGMA", "MASK"]);
      assert.deepEqual(out.ssa_votable.units, ["Angstrom", "1e-17 erg / (Angstrom cm2 s)", "1e-17 erg / (Angstrom cm2 s)"]);
      assert.equal(out.ssa_votable.length, 4620);
      // DataLink from SSA results
      assert.equal(out.ssa_links.this.length, 11);
      assert.ok(out.ssa_links.this.includes(`${server.url}/cutouts/${galaxy.id}.fits?zoom=2`));
      assert.equal(out.ssa_links.preview.length, 2);
      assert.deepEqual(out.ssa_links.derivation, [`${server.url}/vo/sfr/${galaxy.id}.xml`]);
      // SIA 2.0: the galaxy at the centre of its r-band cutout, within a pixel, at every zoom
      assert.equal(out.sia.query_url, `${server.url}/vo/sia/query`);
      assert.equal(out.sia.rows, 25);
      assert.deepEqual(out.sia.offsets.map((o: any) => [o.zoom, o.size, o.bands]), [[0, 64, "r"], [1, 32, "r"], [2, 16, "r"], [3, 8, "r"], [4, 4, "r"]]);
      for (const o of out.sia.offsets) assert.ok(Math.abs(o.dx) < 1 && Math.abs(o.dy) < 1, `zoom ${o.zoom}: ${o.dx}, ${o.dy} px`);
      assert.equal(out.sia_links.length, 3);
      for (const semantics of out.sia_links) assert.ok(semantics.includes("#this") && semantics.includes("#preview"));
      // Errors
      for (const [name, message] of Object.entries(out.errors)) assert.match(String(message), /^DALQueryError: (UsageFault|NotFoundFault)/, name);
      assert.match(out.errors.scs_sr, /SR: must be a number in \[0, 10\]/);
      assert.match(out.errors.ssa_time, /TIME: must be ISO 8601/);
      assert.match(out.errors.sia_maxrec, /MAXREC/);
      // TAP, the ADQL cone form
      assert.deepEqual(out.tap.ids, out.scs.ids.slice(0, 5));
      assert.deepEqual(out.tap.fields, ["id", "ra", "dec", "distance"]);
      assert.equal(out.tap.all_columns, 23);
      assert.deepEqual(out.tap.tables, ["skycube.galaxies"]);
      assert.match(out.errors.tap_where, /QUERY: expected a number for the comparison at "redshift"; this service accepts only SELECT/);
      assert.match(out.errors.tap_radius, /CIRCLE radius: must be in \(0, 10\] degrees/);
      assert.deepEqual(out.unknown_id, ["NotFoundFault: galaxy 987654 does not exist"]);
    });

    it("the MOC covers every galaxy at orders 3, 10 and 29 by astropy-healpix's cells", { skip: pythonModuleMissing("astropy_healpix") }, async () => {
      const positions = (await db.sql`SELECT ra, dec FROM galaxies`).map((g) => [g.ra, g.dec]);
      const out = await runPythonAsync<any>(MOC_CHECK, { base: server.url, orders: [3, 10, 29], positions });
      for (const order of ["3", "10", "29"]) {
        assert.equal(out[order].missing, 0, `order ${order}`);
        assert.deepEqual(out[order].header, { MOCVERS: "2.0", MOCDIM: "SPACE", ORDERING: "NUNIQ", COORDSYS: "C", MOCORD_S: Number(order) });
      }
      assert.equal(out["29"].cells, positions.length, "one order-29 cell per galaxy");
      assert.ok(out["3"].cells < out["10"].cells);
    });
  });
}
