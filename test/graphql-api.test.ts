/**
 * The GraphQL contract, exercised over HTTP against a real server on both
 * databases: lookups, pagination, cone search, every bad input, limits,
 * CSRF protection, DataLoader batching, health and readiness.
 */
import { after, before, describe, it } from "node:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import assert from "node:assert/strict";
import { insertGalaxies } from "../catalog/bulk-load.js";
import { loadDemo } from "../ingest/synthetic/load-demo.js";
import { angularDistanceDeg } from "../sky/angles.js";
import { nested29 } from "../sky/healpix.js";
import { backends, type TestDatabase } from "./support/databases.js";
import { startTestServer, type TestServer } from "./support/server.js";
import { openCube } from "../cube/cube-store.js";

/** Decodes a base64 little-endian array as a client would. */
function decode<T>(base64: string, type: new (buffer: ArrayBuffer) => T): T {
  const bytes = Buffer.from(base64, "base64");
  return new type(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}

for (const backend of backends) {
  describe(`GraphQL API on ${backend.name}`, { skip: backend.skip }, () => {
    let db: TestDatabase;
    let server: TestServer;
    const queries: string[] = [];

    const dataDir = mkdtempSync(join(tmpdir(), "skycube-api-"));

    before(async () => {
      db = await backend.open({ onQuery: (query) => queries.push(query) });
      // The first 30 demo galaxies with images and spectra in the cube, the rest catalogue only.
      await loadDemo(db.sql, { count: 30, cube: await openCube(dataDir) });
      await loadDemo(db.sql, { count: 400 });
      await insertGalaxies(db.sql, [
        {
          sourceKey: "sdss/test/1",
          survey: "SDSS",
          objid: "1237648721217716541",
          specobjid: "299616297939116032",
          plate: 266,
          mjd: 51630,
          fiberid: 168,
          raDeg: 146.71421,
          decDeg: -1.0413,
          redshift: 0.0213,
          class: "GALAXY",
          sfr: { avg: 0.25, median: 0.24, p16: 0.1, p84: 0.4, flag: 0 },
        },
      ]);
      server = await startTestServer(db, { dataDir });
    });
    after(async () => {
      await server?.close();
      await db?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    });

    async function sdssGalaxyId(): Promise<string> {
      const [row] = await db.sql`SELECT id FROM galaxies WHERE source_key = 'sdss/test/1'`;
      return String(row.id);
    }

    it("returns a galaxy with its SDSS identifiers, SFR label and HEALPix index at any order", async () => {
      const id = await sdssGalaxyId();
      const { data, errors } = await server.graphql(
        `query($id: ID!) { galaxy(id: $id) { id survey objid specobjid plate mjd fiberid ra dec redshift class
           h29: healpix h10: healpix(order: 10) h0: healpix(order: 0) distance sfr { avg median p16 p84 flag } } }`,
        { id },
      );
      assert.equal(errors, undefined);
      const g = data!.galaxy;
      assert.equal(g.objid, "1237648721217716541");
      assert.equal(g.specobjid, "299616297939116032");
      assert.deepEqual([g.plate, g.mjd, g.fiberid, g.ra, g.dec, g.redshift, g.class], [266, 51630, 168, 146.71421, -1.0413, 0.0213, "GALAXY"]);
      const index29 = nested29(146.71421, -1.0413);
      assert.equal(g.h29, index29.toString());
      assert.equal(g.h10, (index29 >> 38n).toString());
      assert.equal(g.h0, (index29 >> 58n).toString());
      assert.equal(g.distance, null);
      assert.deepEqual(g.sfr, { avg: 0.25, median: 0.24, p16: 0.1, p84: 0.4, flag: 0 });
    });

    it("answers NOT_FOUND for an unknown id and BAD_USER_INPUT for a malformed one", async () => {
      const missing = await server.graphql(`{ galaxy(id: "987654321") { id } }`);
      // galaxy(id) is non-null: an absent galaxy is an error, never a silent null.
      assert.equal(missing.data, null);
      assert.equal(missing.errors![0].extensions.code, "NOT_FOUND");
      assert.deepEqual(missing.errors![0].extensions.problems, [{ argument: "id", message: 'Galaxy "987654321" does not exist' }]);
      const malformed = await server.graphql(`{ galaxy(id: "abc") { id } }`);
      assert.equal(malformed.errors![0].extensions.code, "BAD_USER_INPUT");
    });

    it("pages through all galaxies with keyset cursors, each exactly once, with a consistent totalCount", async () => {
      const seen: string[] = [];
      let after: string | null = null;
      let pages = 0;
      for (;;) {
        const { data, errors }: any = await server.graphql(
          `query($after: String) { galaxies(first: 150, after: $after) { totalCount pageInfo { hasNextPage hasPreviousPage endCursor } edges { cursor node { id } } } }`,
          { after },
        );
        assert.equal(errors, undefined);
        const c = data.galaxies;
        assert.equal(c.totalCount, 401);
        assert.equal(c.pageInfo.hasPreviousPage, after !== null);
        seen.push(...c.edges.map((e: any) => e.node.id));
        pages++;
        if (!c.pageInfo.hasNextPage) break;
        assert.equal(c.pageInfo.endCursor, c.edges[c.edges.length - 1].cursor);
        after = c.pageInfo.endCursor;
      }
      assert.equal(pages, 3);
      assert.equal(seen.length, 401);
      assert.equal(new Set(seen).size, 401);
    });

    it("filters galaxies by survey, redshift and label", async () => {
      const { data } = await server.graphql(
        `{ sdss: galaxies(filter: { survey: SDSS }) { totalCount edges { node { survey } } }
           near: galaxies(first: 500, filter: { redshiftMin: 0.05, redshiftMax: 0.1 }) { totalCount edges { node { redshift } } }
           labelled: galaxies(first: 500, filter: { hasSfrLabel: true }) { totalCount edges { node { sfr { avg flag } } } }
           unlabelled: galaxies(filter: { hasSfrLabel: false }) { totalCount } }`,
      );
      assert.equal(data!.sdss.totalCount, 1);
      assert.ok(data!.near.totalCount > 50);
      assert.ok(data!.near.edges.every((e: any) => e.node.redshift >= 0.05 && e.node.redshift <= 0.1));
      assert.ok(data!.labelled.edges.every((e: any) => e.node.sfr.flag === 0 && Number.isFinite(e.node.sfr.avg)));
      assert.equal(data!.labelled.totalCount + data!.unlabelled.totalCount, 401);
      assert.ok(data!.unlabelled.totalCount > 0);
    });

    it("finds the galaxy at a sky position by cone search, with its distance", async () => {
      const { data, errors } = await server.graphql(
        `{ coneSearch(ra: 146.7142, dec: -1.0413, radius: 0.000833) { totalCount edges { node { objid distance } } } }`,
      );
      assert.equal(errors, undefined);
      assert.equal(data!.coneSearch.totalCount, 1);
      const node = data!.coneSearch.edges[0].node;
      assert.equal(node.objid, "1237648721217716541");
      const expected = angularDistanceDeg(146.7142, -1.0413, 146.71421, -1.0413);
      assert.ok(Math.abs(node.distance - expected) < 1e-12, `${node.distance * 3600} arcsec, expected ${expected * 3600}`);
    });

    it("answers a cone of plain fields from their columns alone, with the same values as the full rows", async () => {
      const { data: seed } = await server.graphql(`{ galaxies(first: 1) { edges { node { ra dec } } } }`);
      const { ra, dec } = seed!.galaxies.edges[0].node;
      const plain = `cursor distance node { id survey objid specobjid plate mjd fiberid ra dec redshift class healpix(order: 12) hasImage hasSpectrum sfr { avg median p2p5 p16 p84 p97p5 flag } }`;
      const cone = (fields: string) => `{ coneSearch(ra: ${ra}, dec: ${dec}, radius: 10, first: 100) { totalCount pageInfo { hasNextPage endCursor } edges { ${fields} } } }`;
      queries.length = 0;
      const lean = await server.graphql(cone(plain));
      assert.equal(lean.errors, undefined);
      assert.ok(queries.some((q) => q.includes("unnest")) && !queries.some((q) => q.includes("unnest") && q.includes("cube_shards")), "plain fields: no cube lookup");
      const full = await server.graphql(cone(plain.replace("sfr {", "image(zoom: 4) { size } sfr {")));
      assert.equal(full.errors, undefined);
      assert.ok(lean.data!.coneSearch.edges.length >= 2, `${lean.data!.coneSearch.edges.length} rows`);
      assert.ok(full.data!.coneSearch.edges.some((e: any) => e.node.image !== null), "the full rows reach the cube");
      for (const edge of full.data!.coneSearch.edges) delete edge.node.image;
      assert.deepEqual(lean.data, full.data);
    });

    it("rejects every out-of-domain argument with BAD_USER_INPUT naming each problem", async () => {
      const cases: [string, string[]][] = [
        [`{ coneSearch(ra: -0.1, dec: 0, radius: 1) { totalCount } }`, ["ra"]],
        [`{ coneSearch(ra: 360, dec: 0, radius: 1) { totalCount } }`, ["ra"]],
        [`{ coneSearch(ra: 10, dec: 90.5, radius: 1) { totalCount } }`, ["dec"]],
        [`{ coneSearch(ra: 10, dec: -91, radius: 1) { totalCount } }`, ["dec"]],
        [`{ coneSearch(ra: 10, dec: 0, radius: 0) { totalCount } }`, ["radius"]],
        [`{ coneSearch(ra: 10, dec: 0, radius: -1) { totalCount } }`, ["radius"]],
        [`{ coneSearch(ra: 10, dec: 0, radius: 10.5) { totalCount } }`, ["radius"]],
        [`{ coneSearch(ra: 400, dec: 100, radius: 0) { totalCount } }`, ["ra", "dec", "radius"]],
        [`{ coneSearch(ra: 10, dec: 0, radius: 1, first: 501) { totalCount } }`, ["first"]],
        [`{ coneSearch(ra: 10, dec: 0, radius: 1, after: "bm90IGEgY3Vyc29y") { totalCount } }`, ["after"]],
        [`{ coneSearch(ra: 10, dec: 0, radius: 1, after: "%%%") { totalCount } }`, ["after"]],
        [`{ galaxies(first: -1) { totalCount } }`, ["first"]],
        [`{ galaxies(first: 10000) { totalCount } }`, ["first"]],
        [`{ galaxies(after: "garbage") { totalCount } }`, ["after"]],
        [`{ galaxies(filter: { redshiftMin: 0.3, redshiftMax: 0.1 }) { totalCount } }`, ["filter.redshiftMin"]],
        [`{ galaxies(first: 1) { edges { node { healpix(order: 30) } } } }`, ["order"]],
        [`{ galaxies(first: 1) { edges { node { healpix(order: -1) } } } }`, ["order"]],
      ];
      for (const [query, argumentsWrong] of cases) {
        const { errors } = await server.graphql(query);
        assert.ok(errors, `${query} should fail`);
        assert.equal(errors[0].extensions.code, "BAD_USER_INPUT", query);
        const problems = (errors[0].extensions.problems as { argument: string }[]).map((p) => p.argument);
        assert.deepEqual(problems, argumentsWrong, query);
        assert.equal(errors[0].extensions.stacktrace, undefined, "no stack traces in production");
      }
    });

    it("rejects a cursor from another field", async () => {
      const { data } = await server.graphql(`{ galaxies(first: 1) { pageInfo { endCursor } } }`);
      const { errors } = await server.graphql(`query($c: String) { coneSearch(ra: 1, dec: 0, radius: 1, after: $c) { totalCount } }`, {
        c: data!.galaxies.pageInfo.endCursor,
      });
      assert.equal(errors![0].extensions.code, "BAD_USER_INPUT");
    });

    it("reports wrongly typed arguments as BAD_USER_INPUT or a validation failure, never a crash", async () => {
      const typed = await server.graphql(`query($ra: Float!) { coneSearch(ra: $ra, dec: 0, radius: 1) { totalCount } }`, { ra: "east" });
      assert.equal(typed.errors![0].extensions.code, "BAD_USER_INPUT");
      const invalid = await server.graphql(`{ coneSearch(ra: "east", dec: 0, radius: 1) { totalCount } }`);
      assert.equal(invalid.errors![0].extensions.code, "GRAPHQL_VALIDATION_FAILED");
      const parse = await server.graphql(`{ coneSearch(`);
      assert.equal(parse.errors![0].extensions.code, "GRAPHQL_PARSE_FAILED");
    });

    it("refuses queries over the cost limit with QUERY_TOO_COMPLEX", async () => {
      const fields = "id ra dec redshift class plate mjd fiberid objid specobjid sfr { avg median p2p5 p16 p84 p97p5 flag }";
      const aliases = Array.from({ length: 8 }, (_, i) => `a${i}: galaxies(first: 500) { edges { node { ${fields} } } }`).join(" ");
      const { status, errors } = await server.graphql(`{ ${aliases} }`);
      assert.equal(errors![0].extensions.code, "QUERY_TOO_COMPLEX");
      assert.equal(status, 400);
    });

    it("counts a `first` passed as a variable in the query cost", async () => {
      const fields = "id ra dec redshift class plate mjd fiberid objid specobjid sfr { avg median p2p5 p16 p84 p97p5 flag }";
      const aliases = Array.from({ length: 8 }, (_, i) => `a${i}: galaxies(first: $n) { edges { node { ${fields} } } }`).join(" ");
      const query = `query($n: Int) { ${aliases} }`;
      assert.equal((await server.graphql(query, { n: 1 })).errors, undefined);
      const { errors } = await server.graphql(query, { n: 500 });
      assert.equal(errors![0].extensions.code, "QUERY_TOO_COMPLEX");
      assert.equal((await server.graphql(query, { n: 2 })).errors, undefined);
    });

    it("refuses queries deeper than the depth limit", async () => {
      const deep = `{ galaxies { edges { node { sfr { avg } } } } }`.replace("avg", "avg __typename");
      assert.equal((await server.graphql(deep)).errors, undefined);
      const tooDeep = await startTestServer(db, { maxQueryDepth: 3 });
      try {
        const { errors } = await tooDeep.graphql(deep);
        assert.match(errors![0].message, /exceeds maximum operation depth/);
        assert.equal(errors![0].extensions.code, "GRAPHQL_VALIDATION_FAILED");
      } finally {
        await tooDeep.close();
      }
    });

    it("loads several galaxies asked for in one request with one SQL query (DataLoader)", async () => {
      const { data } = await server.graphql(`{ galaxies(first: 5) { edges { node { id } } } }`);
      const ids = data!.galaxies.edges.map((e: any) => e.node.id);
      const aliases = ids.map((id: string, i: number) => `g${i}: galaxy(id: "${id}") { id ra }`).join(" ");
      queries.length = 0;
      const result = await server.graphql(`{ ${aliases} }`);
      assert.equal(result.errors, undefined);
      assert.deepEqual(ids.map((_: string, i: number) => result.data![`g${i}`].id), ids);
      assert.equal(queries.filter((q) => /FROM galaxies g WHERE g.id = ANY/.test(q)).length, 1);
    });

    it("blocks requests that could be cross-site forgeries (CSRF) and accepts scripts that send the header", async () => {
      const form = await fetch(`${server.url}/graphql`, { method: "POST", headers: { "content-type": "text/plain" }, body: '{"query":"{ __typename }"}' });
      assert.equal(form.status, 400);
      const bareGet = await fetch(`${server.url}/graphql?query=${encodeURIComponent("{ __typename }")}`);
      assert.equal(bareGet.status, 400);
      const scriptGet = await fetch(`${server.url}/graphql?query=${encodeURIComponent("{ __typename }")}`, { headers: { "apollo-require-preflight": "true" } });
      assert.equal(scriptGet.status, 200);
      assert.deepEqual(await scriptGet.json(), { data: { __typename: "Query" } });
    });

    it("answers malformed JSON bodies with 400 and BAD_USER_INPUT", async () => {
      const response = await fetch(`${server.url}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body: "{nope" });
      assert.equal(response.status, 400);
      const body = (await response.json()) as { errors: { extensions: { code: string } }[] };
      assert.equal(body.errors[0].extensions.code, "BAD_USER_INPUT");
    });

    async function firstGalaxyWithImage(): Promise<string> {
      const [row] = await db.sql`SELECT id FROM galaxies WHERE has_image ORDER BY id LIMIT 1`;
      return String(row.id);
    }

    it("serves a galaxy's image at every zoom level, as base64 float32 and as plain values", async () => {
      const id = await firstGalaxyWithImage();
      for (const zoom of [0, 1, 2, 3, 4]) {
        const size = 64 >> zoom;
        const { data, errors } = await server.graphql(
          `query($id: ID!, $zoom: Int) { galaxy(id: $id) { hasImage image(zoom: $zoom) { zoom size bands pixelScale wcs { crval1 crpix1 cd2_2 }
             flux { dtype shape base64 values } sigma { base64 } mask { dtype base64 } } } }`,
          { id, zoom },
        );
        assert.equal(errors, undefined);
        const image = data!.galaxy.image;
        assert.equal(data!.galaxy.hasImage, true);
        assert.deepEqual([image.zoom, image.size, image.bands], [zoom, size, ["U", "G", "R", "I", "Z"]]);
        assert.deepEqual(image.flux.shape, [5, size, size]);
        assert.equal(image.flux.dtype, "float32");
        const decoded = decode(image.flux.base64, Float32Array);
        assert.equal(decoded.length, 5 * size * size);
        decoded.forEach((v, i) => assert.equal(Number.isNaN(v) ? null : v, image.flux.values[i]));
        const sigma = decode(image.sigma.base64, Float32Array);
        const mask = Buffer.from(image.mask.base64, "base64");
        sigma.forEach((s, i) => assert.ok(mask[i] === 1 ? Number.isNaN(s) : s > 0));
        assert.ok(Math.abs(image.pixelScale - 0.396 * 2 ** zoom) < 1e-9);
        assert.equal(image.wcs.crpix1, (32.5 - 0.5) / 2 ** zoom + 0.5);
      }
    });

    it("serves in-between image sizes and chosen bands, and spectra at every zoom or any length", async () => {
      const id = await firstGalaxyWithImage();
      const { data, errors } = await server.graphql(
        `query($id: ID!) { galaxy(id: $id) {
           image(size: 40, bands: [R, U]) { zoom size bands flux { shape } }
           s0: spectrum { zoom length unit wavelength { dtype shape base64 } }
           s4: spectrum(zoom: 4) { length wavelength { values } flux { values } }
           s1000: spectrum(bins: 1000) { zoom length } } }`,
        { id },
      );
      assert.equal(errors, undefined);
      const g = data!.galaxy;
      assert.deepEqual([g.image.zoom, g.image.size, g.image.bands, g.image.flux.shape], [0, 40, ["R", "U"], [2, 40, 40]]);
      assert.deepEqual([g.s0.zoom, g.s0.length, g.s0.unit], [0, 4620, "1e-17 erg/s/cm^2/Angstrom"]);
      const wavelength = decode(g.s0.wavelength.base64, Float64Array);
      assert.equal(wavelength[0], 3839.7244);
      assert.equal(g.s4.length, 288);
      assert.ok(Math.abs(g.s4.wavelength.values[287] - 8914.597) < 1e-9);
      assert.deepEqual([g.s1000.zoom, g.s1000.length], [2, 1000]);
    });

    it("answers null for a galaxy without image or spectrum, and still rejects bad arguments", async () => {
      const [row] = await db.sql`SELECT id FROM galaxies WHERE NOT has_image ORDER BY id LIMIT 1`;
      const { data, errors } = await server.graphql(`query($id: ID!) { galaxy(id: $id) { hasImage hasSpectrum image { size } spectrum { length } } }`, { id: String(row.id) });
      assert.equal(errors, undefined);
      assert.deepEqual(data!.galaxy, { hasImage: false, hasSpectrum: false, image: null, spectrum: null });
      const bad = await server.graphql(`query($id: ID!) { galaxy(id: $id) { image(zoom: 5) { size } spectrum(bins: 99999) { length } } }`, { id: String(row.id) });
      assert.deepEqual(bad.errors!.map((e) => [e.extensions.code, (e.extensions.problems as any[])[0].argument]), [["BAD_USER_INPUT", "zoom"], ["BAD_USER_INPUT", "bins"]]);
    });

    it("rejects bad image and spectrum arguments with BAD_USER_INPUT", async () => {
      const id = await firstGalaxyWithImage();
      const cases: [string, string[]][] = [
        [`image(zoom: -1) { size }`, ["zoom"]],
        [`image(size: 3) { size }`, ["size"]],
        [`image(size: 65) { size }`, ["size"]],
        [`image(bands: [R, R]) { size }`, ["bands"]],
        [`image(bands: []) { size }`, ["bands"]],
        [`spectrum(zoom: 5) { length }`, ["zoom"]],
        [`spectrum(bins: 287) { length }`, ["bins"]],
      ];
      for (const [field, problems] of cases) {
        const { errors } = await server.graphql(`query($id: ID!) { galaxy(id: $id) { ${field} } }`, { id });
        assert.equal(errors![0].extensions.code, "BAD_USER_INPUT", field);
        assert.deepEqual((errors![0].extensions.problems as any[]).map((p) => p.argument), problems, field);
      }
      const unknownBand = await server.graphql(`query($id: ID!) { galaxy(id: $id) { image(bands: [Y]) { size } } }`, { id });
      assert.equal(unknownBand.errors![0].extensions.code, "GRAPHQL_VALIDATION_FAILED");
      const tooMany = await server.graphql(`query($id: ID!) { galaxy(id: $id) { image { flux { values } } spectrum { flux { values } } } }`, { id });
      assert.equal(tooMany.errors, undefined, "one full image (20,480 values) and one spectrum fit");
    });

    it("returns cutouts for every galaxy of a cone search in one query", async () => {
      const [row] = await db.sql`SELECT ra, dec FROM galaxies WHERE has_image ORDER BY id LIMIT 1`;
      const { data, errors } = await server.graphql(
        `query($ra: Float!, $dec: Float!) { coneSearch(ra: $ra, dec: $dec, radius: 3) { edges { node { hasImage image(zoom: 3) { size flux { base64 } } } } } }`,
        { ra: row.ra, dec: row.dec },
      );
      assert.equal(errors, undefined);
      const nodes = data!.coneSearch.edges.map((e: any) => e.node);
      assert.ok(nodes.some((n: any) => n.image !== null));
      assert.ok(nodes.every((n: any) => (n.image !== null) === n.hasImage));
    });

    it("serves /healthz, /readyz and the landing page", async () => {
      assert.deepEqual(await (await fetch(`${server.url}/healthz`)).json(), { status: "ok" });
      const ready = await fetch(`${server.url}/readyz`);
      assert.equal(ready.status, 200);
      assert.deepEqual(await ready.json(), { status: "ready", database: backend.name });
      const landing = await fetch(`${server.url}/`);
      assert.match(await landing.text(), /coneSearch/);
      const missing = await fetch(`${server.url}/nowhere`);
      assert.equal(missing.status, 404);
    });
  });
}
