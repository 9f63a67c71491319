/**
 * The VO services over HTTP against a real server on both databases:
 * Simple Cone Search, SSA, SIA 2.0, DataLink, VOSI and MOC answer as their
 * IVOA documents say, agree with the GraphQL API, and turn bad input into
 * protocol error documents with a sensible HTTP status (never a stack trace).
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadDemo } from "../ingest/synthetic/load-demo.js";
import { nested29 } from "../sky/healpix.js";
import { backends, type TestDatabase } from "./support/databases.js";
import { startTestServer, type TestServer } from "./support/server.js";
import { openCube } from "../cube/cube-store.js";

const fieldNames = (xml: string) => [...xml.matchAll(/<FIELD [^>]*name="([^"]+)"/g)].map((m) => m[1]);
const rowsOf = (xml: string) => [...xml.matchAll(/<TR>(.*?)<\/TR>/g)].map((m) => [...m[1].matchAll(/<TD>(.*?)<\/TD>/g)].map((c) => c[1]));
const statusOf = (xml: string) => /<INFO name="QUERY_STATUS" value="([A-Z]+)"/.exec(xml)?.[1];
const column = (xml: string, name: string) => {
  const i = fieldNames(xml).indexOf(name);
  assert.ok(i >= 0, `column ${name}`);
  return rowsOf(xml).map((row) => row[i]);
};

for (const backend of backends) {
  describe(`VO services on ${backend.name}`, { skip: backend.skip }, () => {
    let db: TestDatabase;
    let server: TestServer;
    let galaxy: { id: string; ra: number; dec: number };
    const dataDir = mkdtempSync(join(tmpdir(), "skycube-vo-"));
    const get = async (path: string, init?: RequestInit) => {
      const response = await fetch(`${server.url}${path}`, init);
      return { status: response.status, type: response.headers.get("content-type") ?? "", text: await response.text() };
    };

    before(async () => {
      db = await backend.open();
      await loadDemo(db.sql, { count: 120, cube: await openCube(dataDir) });
      await loadDemo(db.sql, { count: 124 }); // four more without image or spectrum
      [galaxy] = (await db.sql`SELECT id::text, ra, dec FROM galaxies WHERE has_image ORDER BY id LIMIT 1`) as any;
      await db.sql`INSERT INTO galaxy_sources (galaxy_id, role, file, plate, mjd, fiberid) VALUES (${galaxy.id}, 'SPECTRUM', 'spec-0266-51602-0003.fits', 266, 51602, 3)`;
      server = await startTestServer(db, { dataDir });
    });
    after(async () => {
      await server?.close();
      await db?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    });

    it("cone search returns exactly one ID_MAIN, POS_EQ_RA_MAIN and POS_EQ_DEC_MAIN column at every verbosity, more columns as VERB rises", async () => {
      const counts: number[] = [];
      for (const verb of [1, 2, 3]) {
        const { status, type, text } = await get(`/vo/scs?RA=${galaxy.ra}&DEC=${galaxy.dec}&SR=5&VERB=${verb}`);
        assert.equal(status, 200);
        assert.equal(type, "application/x-votable+xml");
        for (const ucd of ["ID_MAIN", "POS_EQ_RA_MAIN", "POS_EQ_DEC_MAIN"]) assert.equal(text.split(`ucd="${ucd}"`).length - 1, 1, `${ucd} at VERB=${verb}`);
        assert.equal(statusOf(text), "OK");
        counts.push(fieldNames(text).length);
      }
      assert.deepEqual(counts, [3, 8, 23]);
    });

    it("cone search returns the same galaxies, in the same order, as GraphQL coneSearch", async () => {
      const { text } = await get(`/vo/scs?RA=${galaxy.ra}&DEC=${galaxy.dec}&SR=10&VERB=1`);
      const graphql = await server.graphql(`{ coneSearch(ra: ${galaxy.ra}, dec: ${galaxy.dec}, radius: 10, first: 500) { edges { node { id } } } }`);
      const expected = graphql.data!.coneSearch.edges.map((e: any) => e.node.id);
      assert.ok(expected.length > 3);
      assert.deepEqual(column(text, "id"), expected);
    });

    it("SR=0 is the metadata query: every column, no rows; unknown parameters are ignored", async () => {
      const { status, text } = await get(`/vo/scs?RA=10&DEC=0&SR=0&VERB=3&FOO=bar`);
      assert.equal(status, 200);
      assert.equal(fieldNames(text).length, 23);
      assert.equal(rowsOf(text).length, 0);
    });

    it("reports truncation at MAXREC as QUERY_STATUS=OVERFLOW", async () => {
      const { text } = await get(`/vo/scs?RA=${galaxy.ra}&DEC=${galaxy.dec}&SR=10&MAXREC=2`);
      assert.equal(rowsOf(text).length, 2);
      assert.equal(statusOf(text), "OVERFLOW");
    });

    it("SSA returns one row per spectrum with the SSA utypes, FITS by default, both formats for FORMAT=all", async () => {
      const { status, text } = await get(`/vo/ssa?REQUEST=queryData&POS=${galaxy.ra},${galaxy.dec}&SIZE=10`);
      assert.equal(status, 200);
      for (const utype of ["ssa:Target.Pos", "ssa:Access.Reference", "ssa:Access.Format", "ssa:DataID.Title", "ssa:Dataset.Length",
        "ssa:Char.SpatialAxis.Coverage.Location.Value", "ssa:Char.SpatialAxis.Coverage.Bounds.Extent", "ssa:Char.SpectralAxis.Coverage.Bounds.Start",
        "ssa:Char.SpectralAxis.Coverage.Bounds.Stop", "ssa:Char.SpectralAxis.Coverage.Location.Value", "ssa:Char.SpectralAxis.Coverage.Bounds.Extent"]) {
        assert.equal(text.split(`utype="${utype}"`).length - 1, 1, utype);
      }
      const urls = column(text, "access_url");
      assert.ok(urls.length > 3);
      assert.ok(urls.every((u) => /\/spectra\/\d+\.fits\?zoom=0$/.test(u)));
      assert.equal(column(text, "obs_publisher_did")[0], `ivo://skycube/galaxy?${galaxy.id}#spectrum-fits-0`);
      assert.match(text, /<RESOURCE type="meta" utype="adhoc:service"/);
      const all = await get(`/vo/ssa?REQUEST=queryData&POS=${galaxy.ra},${galaxy.dec}&SIZE=10&FORMAT=all&ZOOM=2`);
      assert.equal(rowsOf(all.text).length, 2 * urls.length);
      assert.deepEqual(new Set(column(all.text, "dataset_length")), new Set(["1155"]));
      assert.deepEqual(new Set(column(all.text, "access_format")), new Set(["application/fits", "application/x-votable+xml"]));
    });

    it("SSA FORMAT=metadata lists the INPUT: parameters and no rows; BAND and TIME outside the data give no rows", async () => {
      const meta = await get(`/vo/ssa?REQUEST=queryData&FORMAT=metadata`);
      assert.equal(rowsOf(meta.text).length, 0);
      for (const name of ["INPUT:POS", "INPUT:SIZE", "INPUT:BAND", "INPUT:TIME", "INPUT:FORMAT"]) assert.match(meta.text, new RegExp(`name="${name}"`));
      const band = await get(`/vo/ssa?REQUEST=queryData&POS=${galaxy.ra},${galaxy.dec}&SIZE=10&BAND=1e-6/2e-6`);
      assert.equal(statusOf(band.text), "OK");
      assert.equal(rowsOf(band.text).length, 0);
      const inside = await get(`/vo/ssa?REQUEST=queryData&POS=${galaxy.ra},${galaxy.dec}&SIZE=10&BAND=6.5e-7`);
      assert.ok(rowsOf(inside.text).length > 0);
      const time = await get(`/vo/ssa?REQUEST=queryData&POS=${galaxy.ra},${galaxy.dec}&SIZE=10&TIME=2000-01-01/2001-01-01`);
      assert.equal(rowsOf(time.text).length, 0, "synthetic galaxies have no observation date");
    });

    it("serves a spectrum as a VOTable with wavelength, flux and error columns in units", async () => {
      const { status, text } = await get(`/vo/ssa/spectra/${galaxy.id}.xml?zoom=4`);
      assert.equal(status, 200);
      assert.deepEqual(fieldNames(text), ["WAVELENGTH", "FLUX", "SIGMA", "MASK"]);
      assert.match(text, /name="WAVELENGTH" datatype="double" ucd="em.wl" utype="spec:Spectrum.Data.SpectralAxis.Value" unit="Angstrom"/);
      assert.equal(rowsOf(text).length, 288);
    });

    it("SIA 2.0 returns 25 ObsCore rows per galaxy image (5 bands x 5 zooms), BAND selects the bands it overlaps", async () => {
      const { status, text } = await get(`/vo/sia/query?POS=${encodeURIComponent(`CIRCLE ${galaxy.ra} ${galaxy.dec} 0.001`)}`);
      assert.equal(status, 200);
      assert.equal(rowsOf(text).length, 25);
      assert.equal(new Set(column(text, "access_url")).size, 25);
      for (const name of ["dataproduct_type", "calib_level", "obs_collection", "obs_id", "obs_publisher_did", "access_url", "access_format", "s_ra", "s_dec", "s_fov", "s_region", "em_min", "em_max"]) {
        assert.ok(fieldNames(text).includes(name), name);
      }
      const r = await get(`/vo/sia/query?POS=${encodeURIComponent(`CIRCLE ${galaxy.ra} ${galaxy.dec} 0.001`)}&BAND=${encodeURIComponent("6.0e-7 6.1e-7")}`);
      assert.deepEqual(column(r.text, "band"), ["r", "r", "r", "r", "r"]);
      assert.deepEqual(column(r.text, "access_url").map((u) => u.replace(/^.*\?/, "")), [0, 1, 2, 3, 4].map((z) => `zoom=${z}&amp;bands=r`));
      const limited = await get(`/vo/sia/query?POS=${encodeURIComponent(`CIRCLE ${galaxy.ra} ${galaxy.dec} 10`)}&MAXREC=30`);
      assert.equal(rowsOf(limited.text).length, 30);
      assert.equal(statusOf(limited.text), "OVERFLOW");
    });

    it("DataLink lists #this, #preview, #progenitor and #derivation links per ID, in the order asked, with an error row for an unknown ID", async () => {
      const body = new URLSearchParams([["ID", `ivo://skycube/galaxy?${galaxy.id}#cutout-r-0`], ["ID", "987654"]]);
      const { status, type, text } = await get("/vo/links", { method: "POST", body, headers: { "content-type": "application/x-www-form-urlencoded" } });
      assert.equal(status, 200);
      assert.equal(type, "application/x-votable+xml;content=datalink");
      const ids = column(text, "ID");
      const semantics = column(text, "semantics");
      const mine = semantics.filter((_, i) => ids[i].startsWith("ivo://"));
      assert.equal(mine.filter((s) => s === "#this").length, 11);
      assert.equal(mine.filter((s) => s === "#preview").length, 2);
      assert.equal(mine.filter((s) => s === "#progenitor").length, 1);
      assert.equal(mine.filter((s) => s === "#derivation").length, 1);
      assert.ok(column(text, "access_url").includes("https://data.sdss.org/sas/dr17/sdss/spectro/redux/26/spectra/lite/0266/spec-0266-51602-0003.fits"));
      assert.equal(ids[ids.length - 1], "987654");
      assert.equal(column(text, "error_message")[ids.length - 1], "NotFoundFault: galaxy 987654 does not exist");
      const sfr = await get(`/vo/sfr/${galaxy.id}.xml`);
      assert.equal(sfr.status, 200);
      assert.equal(rowsOf(sfr.text).length, 1);
    });

    it("MOC 2.0 covers every galaxy's HEALPix cell, and the three serialisations agree", async () => {
      const order = 8;
      const json = await get(`/vo/moc?format=json&order=${order}`);
      assert.equal(json.type, "application/json");
      const moc = new Map<number, Set<bigint>>();
      for (const [k, cells] of Object.entries(JSON.parse(json.text.replace(/(\d{16,})/g, '"$1"')) as Record<string, (number | string)[]>)) moc.set(Number(k), new Set(cells.map((c) => BigInt(c))));
      const galaxies = await db.sql`SELECT ra, dec FROM galaxies`;
      for (const g of galaxies) {
        const index = nested29(g.ra, g.dec);
        assert.ok([...moc].some(([k, cells]) => cells.has(index >> BigInt(2 * (29 - k)))), `galaxy at ${g.ra}, ${g.dec}`);
      }
      const cellCount = [...moc.values()].reduce((n, s) => n + s.size, 0);
      const ascii = await get(`/vo/moc?format=ascii&order=${order}`);
      const asciiCount = ascii.text.trim().split(/\s+/).flatMap((w) => w.replace(/^\d+\//, "").split(" ").filter(Boolean)).reduce((n, w) => {
        const [a, b] = w.split("-").map(Number);
        return n + (b === undefined ? 1 : b - a + 1);
      }, 0);
      assert.equal(asciiCount, cellCount);
      const fits = await fetch(`${server.url}/vo/moc?format=fits&order=${order}`);
      const bytes = Buffer.from(await fits.arrayBuffer());
      assert.match(bytes.toString("latin1", 2880, 2880 * 2), /MOCVERS = '2.0/);
      assert.match(bytes.toString("latin1", 2880, 2880 * 2), new RegExp(`NAXIS2  =\\s+${cellCount}\\b`));
    });

    it("TAP sync answers the ADQL cone form with the cone search's rows, TOP and MAXREC applied", async () => {
      const adql = `SELECT TOP 3 id FROM skycube.galaxies WHERE 1=CONTAINS(POINT('ICRS', ra, dec), CIRCLE('ICRS', ${galaxy.ra}, ${galaxy.dec}, 10))`;
      const body = new URLSearchParams({ REQUEST: "doQuery", LANG: "ADQL", QUERY: adql });
      const { status, text } = await get("/vo/tap/sync", { method: "POST", body, headers: { "content-type": "application/x-www-form-urlencoded" } });
      assert.equal(status, 200);
      const scs = await get(`/vo/scs?RA=${galaxy.ra}&DEC=${galaxy.dec}&SR=10&VERB=1&MAXREC=3`);
      assert.deepEqual(column(text, "id"), column(scs.text, "id"));
      assert.equal(statusOf(text), "OK", "TOP is not an overflow");
      const capped = await get(`/vo/tap/sync?LANG=ADQL&MAXREC=2&QUERY=${encodeURIComponent(adql)}`);
      assert.equal(rowsOf(capped.text).length, 2);
      assert.equal(statusOf(capped.text), "OVERFLOW");
    });

    it("VOSI capabilities name every service's standardID and access URL; availability is true; tables lists the columns", async () => {
      const caps = await get("/vo/capabilities");
      for (const [id, path] of [["ivo://ivoa.net/std/ConeSearch", "/vo/scs"], ["ivo://ivoa.net/std/SSA", "/vo/ssa"], ["ivo://ivoa.net/std/SIA#query-2.0", "/vo/sia/query"], ["ivo://ivoa.net/std/DataLink#links-1.1", "/vo/links"]]) {
        assert.match(caps.text, new RegExp(`standardID="${id.replace(/[.?#]/g, "\\$&")}"[\\s\\S]*?<accessURL use="base">${server.url.replace(/[.]/g, "\\.")}${path}</accessURL>`));
      }
      assert.match((await get("/vo/availability")).text, /<vosi:available>true<\/vosi:available>/);
      assert.match((await get("/vo/tables")).text, /<name>healpix29<\/name>/);
    });

    it("writes access URLs from X-Forwarded-Proto and X-Forwarded-Host, or from VO_BASE_URL when set", async () => {
      const { text } = await get(`/vo/ssa?REQUEST=queryData&POS=${galaxy.ra},${galaxy.dec}&SIZE=0.01`, { headers: { "x-forwarded-proto": "https", "x-forwarded-host": "vo.example.org" } });
      assert.equal(column(text, "access_url")[0], `https://vo.example.org/spectra/${galaxy.id}.fits?zoom=0`);
      const other = await startTestServer(db, { dataDir, voBaseUrl: "https://proxy.example.org/skycube/" });
      try {
        const response = await fetch(`${other.url}/vo/links?ID=${galaxy.id}`);
        assert.match(await response.text(), new RegExp(`<TD>https://proxy\\.example\\.org/skycube/cutouts/${galaxy.id}\\.fits\\?zoom=0</TD>`));
      } finally {
        await other.close();
      }
    });

    const badRequests: [string, number, RegExp][] = [
      ["/vo/scs?RA=abc&DEC=0&SR=1", 400, /UsageFault: RA: must be a number/],
      ["/vo/scs?RA=10&DEC=0&SR=-1", 400, /SR: must be a number in \[0, 10\]/],
      ["/vo/scs?RA=10&DEC=0&SR=11", 400, /SR: must be a number in \[0, 10\]/],
      ["/vo/scs?DEC=95&SR=1&VERB=7", 400, /RA: is required; DEC: must be .*; VERB: must be 1, 2 or 3/],
      ["/vo/scs?RA=10&DEC=0&SR=1&MAXREC=1000000000000", 400, /MAXREC: must be an integer in \[0, 100000\]/],
      ["/vo/ssa?POS=10,0", 400, /REQUEST: must be queryData/],
      ["/vo/ssa?REQUEST=queryData&POS=10;0", 400, /POS: must be "ra,dec"/],
      ["/vo/ssa?REQUEST=queryData&POS=10,0;GALACTIC", 400, /POS: must be "ra,dec"/],
      ["/vo/ssa?REQUEST=queryData&POS=10,0&BAND=red/blue", 400, /BAND: must be wavelength ranges in metres/],
      ["/vo/ssa?REQUEST=queryData&POS=10,0&BAND=7e-7/6e-7", 400, /BAND: must be/],
      ["/vo/ssa?REQUEST=queryData&POS=10,0&TIME=yesterday", 400, /TIME: must be ISO 8601/],
      ["/vo/ssa?REQUEST=queryData&POS=10,0&SIZE=-1&FORMAT=gif&MAXREC=-3", 400, /FORMAT: .*SIZE: .*MAXREC: /],
      ["/vo/sia/query?POS=CIRCLE%2010%200", 400, /POS: must be "CIRCLE ra dec radius"/],
      ["/vo/sia/query?POS=CIRCLE%2010%200%20-1", 400, /POS: must be "CIRCLE ra dec radius"/],
      ["/vo/sia/query?POS=POLYGON%201%201%202%202%203%201", 400, /POS: POLYGON is not supported/],
      ["/vo/sia/query?BAND=a%20b&TIME=5%201&MAXREC=1e99", 400, /BAND: .*TIME: .*MAXREC: /],
      ["/vo/tap/sync?LANG=ADQL&QUERY=SELECT%20*%20FROM%20galaxies", 400, /UsageFault: QUERY: expected WHERE at the end of the query; this service accepts only SELECT/],
      ["/vo/tap/sync?LANG=SQL&QUERY=SELECT%201", 400, /LANG: must be one of ADQL/],
      ["/vo/tap/sync?LANG=ADQL&QUERY=SELECT%20nope%20FROM%20galaxies%20WHERE%201%3DCONTAINS(POINT(ra%2Cdec)%2CCIRCLE(10%2C0%2C99))", 400, /CIRCLE radius: must be in \(0, 10\] degrees; QUERY: unknown column\(s\) nope/],
      ["/vo/links", 400, /UsageFault: ID: at least one identifier is required/],
      ["/vo/links?ID=1&RESPONSEFORMAT=text/html", 400, /RESPONSEFORMAT: only/],
      ["/vo/ssa/spectra/987654.xml", 404, /NotFoundFault: Galaxy "987654" has no spectrum/],
      ["/vo/ssa/spectra/1.xml?zoom=9", 400, /UsageFault: zoom: must be an integer in \[0, 4\]/],
      ["/vo/sfr/987654.xml", 404, /NotFoundFault/],
    ];
    it("answers malformed POS, BAND, TIME, SR, MAXREC, unknown IDs with protocol error documents and a 4xx status, never a stack trace", async () => {
      for (const [path, expectedStatus, message] of badRequests) {
        const { status, type, text } = await get(path);
        assert.equal(status, expectedStatus, path);
        assert.equal(type, "application/x-votable+xml", path);
        assert.match(text, /<INFO name="QUERY_STATUS" value="ERROR">/, path);
        assert.match(text, /<INFO name="Error" value="/, path);
        assert.match(text.replace(/&quot;/g, '"').replace(/&amp;/g, "&"), message, path);
        assert.doesNotMatch(text, /\bat \S+\.js:\d+|Error: .*\n\s+at /, path);
      }
      const moc = await get("/vo/moc?order=30&format=png");
      assert.equal(moc.status, 400);
      assert.deepEqual(JSON.parse(moc.text), { error: { code: "BAD_USER_INPUT", message: "format: must be one of json, ascii, fits; order: must be an integer in [0, 29]" } });
    });
  });
}
