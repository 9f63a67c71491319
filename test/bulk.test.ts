/**
 * Bulk downloads (/bulk/images, /bulk/spectra): NumPy (the independent
 * reader, fetching over HTTP itself as the README's snippet does) opens the
 * .npz, and its arrays are byte for byte the GraphQL `image`/`spectrum`
 * base64 of the same galaxies at two zooms, ids in the order asked; the
 * cone form is the same file as the ids form of coneSearch's galaxies; the
 * coneSearch `bulk` URLs download that; every zip entry's CRC-32 is that of
 * its bytes (zipfile.testzip), also when it was combined from the CRCs the
 * cube kept of a first read; errors are coded; a shard failing
 * mid-stream leaves a short body that NumPy refuses, not a valid file.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { request as httpRequest } from "node:http";
import { mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadDemo } from "../ingest/synthetic/load-demo.js";
import { CubeError, openCube } from "../cube/cube-store.js";
import { backends, type TestDatabase } from "./support/databases.js";
import { PYTHON, pythonModuleMissing, runPython } from "./support/python.js";
import { runProcess } from "./support/run-async.js";
import { startTestServer, type TestServer } from "./support/server.js";

/** Fetches a bulk URL with urllib and opens it with numpy.load, as the README shows; prints every array's dtype, shape and per-galaxy base64. */
const FETCH_AND_LOAD = `
import base64, io, json, sys, urllib.request, zipfile
import numpy as np
job = json.load(sys.stdin)
req = urllib.request.Request(job["url"], data=None if job.get("body") is None else json.dumps(job["body"]).encode(),
                             headers={"Content-Type": "application/json"})
raw = urllib.request.urlopen(req).read()
data = np.load(io.BytesIO(raw))
z = zipfile.ZipFile(io.BytesIO(raw))
# testzip reads every entry and checks its CRC-32 (None: all sound); numpy.load checks them too as it reads.
out = {"files": sorted(data.files), "methods": sorted({i.compress_type for i in z.infolist()}), "testzip": z.testzip(),
       "crcs": {i.filename: i.CRC for i in z.infolist()}}
for name in data.files:
    a = data[name]
    out[name] = {"dtype": a.dtype.str, "shape": list(a.shape)}
    if name in ("flux", "sigma", "mask"):
        out[name]["rows"] = [base64.b64encode(np.ascontiguousarray(r).tobytes()).decode() for r in a]
    elif name == "ids":
        out[name]["values"] = [str(int(v)) for v in a]
    elif name == "bands":
        out[name]["values"] = [str(v) for v in a]
    else:
        out[name]["base64"] = base64.b64encode(a.tobytes()).decode()
print(json.dumps(out))
`;

const LOAD_FILE = `
import json, sys
import numpy as np
try:
    np.load(json.load(sys.stdin)["path"])["flux"].sum()
    print(json.dumps({"opened": True}))
except Exception as e:
    print(json.dumps({"opened": False, "error": type(e).__name__}))
`;

async function numpyFetch(url: string, body?: unknown): Promise<any> {
  const result = await runProcess(PYTHON, ["-c", FETCH_AND_LOAD], JSON.stringify({ url, body }));
  if (result.status !== 0) throw new Error(`python failed: ${result.stderr}`);
  return JSON.parse(result.stdout);
}

/** Whatever bytes arrive before the server closes (node:http does not throw on a short body), with the announced length. */
function rawGet(url: string, body: unknown): Promise<{ status: number; length: number; bytes: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: "POST", headers: { "content-type": "application/json" } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      const done = () => resolve({ status: res.statusCode!, length: Number(res.headers["content-length"]), bytes: Buffer.concat(chunks) });
      res.on("end", done);
      res.on("aborted", done);
      res.on("error", done);
    });
    req.on("error", reject);
    req.end(JSON.stringify(body));
  });
}

async function post(server: TestServer, path: string, body: unknown, contentType = "application/json") {
  const response = await fetch(`${server.url}${path}`, { method: "POST", headers: { "content-type": contentType }, body: typeof body === "string" ? body : JSON.stringify(body) });
  return { status: response.status, body: response.headers.get("content-type")?.includes("json") ? ((await response.json()) as any) : Buffer.from(await response.arrayBuffer()) };
}

const IMAGE = (zoom: number, bands = "") => `image(zoom: ${zoom}${bands}) { flux { base64 } sigma { base64 } mask { base64 } }`;
const SPECTRUM = (zoom: number) => `spectrum(zoom: ${zoom}) { wavelength { base64 } flux { base64 } sigma { base64 } mask { base64 } }`;

for (const backend of backends) {
  describe(`bulk downloads on ${backend.name}`, { skip: backend.skip || pythonModuleMissing("numpy") }, () => {
    let db: TestDatabase;
    let server: TestServer;
    let withImage: string[];
    let withSpectrum: string[];
    let noCube: string;
    const dataDir = mkdtempSync(join(tmpdir(), "skycube-bulk-"));
    before(async () => {
      db = await backend.open();
      await loadDemo(db.sql, { count: 6, cube: await openCube(dataDir) });
      await loadDemo(db.sql, { count: 2, seed: 2 }); // catalogue rows without cube data
      server = await startTestServer(db, { dataDir, maxBulkGalaxies: 20, maxConeRadiusDeg: 45 });
      withImage = (await db.sql`SELECT id FROM galaxies WHERE has_image AND cube_shard IS NOT NULL ORDER BY id`).map((r) => String(r.id));
      withSpectrum = (await db.sql`SELECT id FROM galaxies WHERE has_spectrum AND cube_shard IS NOT NULL ORDER BY id`).map((r) => String(r.id));
      noCube = String((await db.sql`SELECT id FROM galaxies WHERE cube_shard IS NULL ORDER BY id LIMIT 1`)[0].id);
      assert.ok(withImage.length >= 3 && withSpectrum.length >= 3, "the demo has images and spectra");
    });
    after(async () => {
      await server?.close();
      await db?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    });

    it("serves images that numpy opens, equal to GraphQL image at zoom 0 and at zoom 2 with bands, ids in the order asked", async () => {
      const ids = [...withImage].reverse();
      for (const [zoom, bands, gqlBands] of [[0, null, ""], [2, ["g", "r", "i"], ", bands: [G, R, I]"]] as const) {
        const body = { ids, zoom, ...(bands ? { bands } : {}) };
        const got = await numpyFetch(`${server.url}/bulk/images`, body);
        const size = 64 >> zoom;
        const nBands = bands ? 3 : 5;
        assert.deepEqual(got.files, ["bands", "flux", "ids", "mask", "sigma"]);
        assert.deepEqual(got.methods, [0], "entries are stored, not deflated");
        assert.equal(got.testzip, null, "every entry's CRC-32 is that of its bytes");
        assert.deepEqual(got.ids, { dtype: "<i8", shape: [ids.length], values: ids });
        assert.deepEqual(got.bands.values, bands ?? ["u", "g", "r", "i", "z"]);
        assert.deepEqual([got.flux.dtype, got.sigma.dtype, got.mask.dtype], ["<f4", "<f4", "|u1"]);
        for (const part of ["flux", "sigma", "mask"]) assert.deepEqual(got[part].shape, [ids.length, nBands, size, size], part);
        const { data } = await server.graphql(`{ ${ids.map((id, i) => `g${i}: galaxy(id: "${id}") { ${IMAGE(zoom, gqlBands)} }`).join(" ")} }`);
        ids.forEach((id, i) => {
          for (const part of ["flux", "sigma", "mask"]) assert.equal(got[part].rows[i], data![`g${i}`].image[part].base64, `${part} of ${id} at zoom ${zoom}`);
        });
      }
    });

    it("serves the same bytes again from the CRCs the cube kept, and every entry's CRC is zlib's of its bytes (band subsets, repeats, first and kept reads)", async () => {
      // Fresh handles: the first download computes every plane's CRC, the second reuses them (rows repeated, bands reordered).
      for (const shard of new Set((await db.sql`SELECT s.name FROM cube_shards s`).map((r) => r.name as string))) server.services.cube.forget(shard);
      const ids = [withImage[2], withImage[0], withImage[2], withImage[1]];
      for (const body of [{ ids, zoom: 0, bands: ["z", "u", "r"] }, { ids, zoom: 1 }]) {
        const first = await post(server, "/bulk/images", body);
        const again = await post(server, "/bulk/images", body);
        assert.equal(first.status, 200);
        assert.ok(Buffer.isBuffer(first.body) && first.body.equals(again.body as Buffer), "byte-identical");
        const got = await numpyFetch(`${server.url}/bulk/images`, body);
        assert.equal(got.testzip, null);
        assert.deepEqual(got.ids.values, ids);
        const { data } = await server.graphql(`{ ${ids.map((id, i) => `g${i}: galaxy(id: "${id}") { ${IMAGE(body.zoom, body.bands ? ", bands: [Z, U, R]" : "")} }`).join(" ")} }`);
        ids.forEach((id, i) => {
          for (const part of ["flux", "sigma", "mask"]) assert.equal(got[part].rows[i], data![`g${i}`].image[part].base64, `${part} of ${id}`);
        });
      }
      const spectra = [withSpectrum[1], withSpectrum[1], withSpectrum[0]];
      const first = await numpyFetch(`${server.url}/bulk/spectra`, { ids: spectra, zoom: 0 });
      const again = await numpyFetch(`${server.url}/bulk/spectra`, { ids: spectra, zoom: 0 });
      assert.equal(again.testzip, null);
      assert.deepEqual(again.crcs, first.crcs);
      assert.deepEqual(again.flux.rows, first.flux.rows);
    });

    it("serves spectra (GET form) equal to GraphQL spectrum at zoom 0 and 1, with the wavelength grid", async () => {
      const ids = [withSpectrum[1], withSpectrum[0], withSpectrum[2]];
      for (const zoom of [0, 1]) {
        const got = await numpyFetch(`${server.url}/bulk/spectra?ids=${ids.join(",")}&zoom=${zoom}`);
        assert.deepEqual(got.files, ["flux", "ids", "mask", "sigma", "wavelength"]);
        assert.deepEqual(got.ids.values, ids);
        const bins = Math.floor(4620 / 2 ** zoom);
        assert.deepEqual(got.flux.shape, [3, bins]);
        assert.deepEqual(got.wavelength.shape, [bins]);
        assert.equal(got.wavelength.dtype, "<f8");
        const { data } = await server.graphql(`{ ${ids.map((id, i) => `g${i}: galaxy(id: "${id}") { ${SPECTRUM(zoom)} }`).join(" ")} }`);
        assert.equal(got.wavelength.base64, data!.g0.spectrum.wavelength.base64);
        ids.forEach((id, i) => {
          for (const part of ["flux", "sigma", "mask"]) assert.equal(got[part].rows[i], data![`g${i}`].spectrum[part].base64, `${part} of ${id} at zoom ${zoom}`);
        });
      }
    });

    it("makes the cone form the same file as the ids of coneSearch's galaxies, and coneSearch's bulk URLs download it", async () => {
      // Four of the six demo galaxies (seed 1) are within 20 degrees of (178, 30), the other two 150 degrees away.
      const cone = { ra: 178, dec: 30, radius: 20 };
      const { data } = await server.graphql(
        `query($ra: Float!, $dec: Float!) { coneSearch(ra: $ra, dec: $dec, radius: 20, first: 500) { edges { node { id hasImage hasSpectrum } } bulk(zoom: 1, bands: [R]) { imagesUrl spectraUrl } } }`,
        { ra: cone.ra, dec: cone.dec },
      );
      const nodes = data!.coneSearch.edges.map((e: any) => e.node);
      const imageIds = nodes.filter((n: any) => n.hasImage && withImage.includes(n.id)).map((n: any) => n.id);
      const spectrumIds = nodes.filter((n: any) => n.hasSpectrum && withSpectrum.includes(n.id)).map((n: any) => n.id);
      assert.ok(imageIds.length >= 3 && imageIds.length < withImage.length, `${imageIds.length} of ${withImage.length} in the cone`);
      for (const [kind, ids] of [["images", imageIds], ["spectra", spectrumIds]] as const) {
        const byCone = await post(server, `/bulk/${kind}`, { cone, zoom: 1, ...(kind === "images" ? { bands: ["r"] } : {}) });
        const byIds = await post(server, `/bulk/${kind}`, { ids, zoom: 1, ...(kind === "images" ? { bands: ["r"] } : {}) });
        assert.equal(byCone.status, 200);
        assert.ok(Buffer.isBuffer(byCone.body) && byCone.body.equals(byIds.body as Buffer), `${kind}: cone form = ids form`);
        const url = kind === "images" ? data!.coneSearch.bulk.imagesUrl : data!.coneSearch.bulk.spectraUrl;
        assert.ok(url.startsWith(`${server.url}/bulk/${kind}?ra=`), url);
        const viaUrl = Buffer.from(await (await fetch(url)).arrayBuffer());
        assert.ok(viaUrl.equals(byCone.body as Buffer), `${kind}: the GraphQL URL downloads the cone`);
      }
      // With a page of ids (galaxies()), the URLs list the page's galaxies that have the data.
      const page = await server.graphql(`{ galaxies(first: 3) { edges { node { id } } bulk { imagesUrl } } }`);
      const first3 = page.data!.galaxies.edges.map((e: any) => e.node.id).filter((id: string) => withImage.includes(id));
      assert.equal(page.data!.galaxies.bulk.imagesUrl, `${server.url}/bulk/images?ids=${first3.join(",")}&zoom=0`);
    });

    it("refuses unknown ids, ids without data, too many galaxies and bad input with coded errors", async () => {
      const unknown = await post(server, "/bulk/images", { ids: [withImage[0], "999999999", "888888888"] });
      assert.equal(unknown.status, 404);
      assert.equal(unknown.body.error.code, "NOT_FOUND");
      assert.deepEqual(unknown.body.error.missing, ["999999999", "888888888"]);
      const without = await post(server, "/bulk/spectra", { ids: [noCube] });
      assert.equal(without.status, 404);
      assert.deepEqual(without.body.error.without, [noCube]);

      const many = await post(server, "/bulk/images", { ids: Array.from({ length: 21 }, (_, i) => String(i + 1)) });
      assert.equal(many.status, 400);
      assert.equal(many.body.error.code, "BAD_USER_INPUT");
      assert.match(many.body.error.message, /at most 20 ids/);
      const settings = server.services.settings as { maxBulkGalaxies: number };
      settings.maxBulkGalaxies = 2;
      try {
        const bigCone = await post(server, "/bulk/images", { cone: { ra: 178, dec: 30, radius: 20 } });
        assert.equal(bigCone.status, 400);
        assert.equal(bigCone.body.error.code, "BAD_USER_INPUT");
        assert.equal(bigCone.body.error.limit, 2);
      } finally {
        settings.maxBulkGalaxies = 20;
      }

      const bad = await post(server, "/bulk/images", { ids: ["1"], cone: { ra: 400, dec: 0, radius: 1 }, zoom: 7, bands: ["g", "x"], size: 3 });
      assert.equal(bad.status, 400);
      assert.equal(bad.body.error.code, "BAD_USER_INPUT");
      assert.deepEqual(bad.body.error.problems.map((p: any) => p.argument).sort(), ["bands", "cone", "ra", "size", "zoom"]);
      const badGet = await fetch(`${server.url}/bulk/spectra?ra=1&radius=x&zoom=0`);
      assert.equal(badGet.status, 400);
      assert.equal(((await badGet.json()) as any).error.code, "BAD_USER_INPUT");
      const noIds = await post(server, "/bulk/spectra", { ids: [] });
      assert.equal(noIds.body.error.code, "BAD_USER_INPUT");
      const form = await post(server, "/bulk/images", `{"ids":["${withImage[0]}"]}`, "text/plain");
      assert.equal(form.status, 400);
      assert.equal(form.body.error.code, "BAD_REQUEST");
      const malformed = await post(server, "/bulk/images", "{ids", "application/json");
      assert.equal(malformed.status, 400);
      assert.equal(malformed.body.error.code, "BAD_USER_INPUT");
      const gql = await server.graphql(`{ coneSearch(ra: 0, dec: 0, radius: 1) { bulk(zoom: 9) { imagesUrl } } }`);
      assert.equal(gql.errors?.[0].extensions.code, "BAD_USER_INPUT");
    });

    it("ends the stream short when a shard fails mid-way, so numpy refuses the file", async () => {
      const cube = server.services.cube;
      const readRows = cube.readRows;
      let calls = 0;
      cube.readRows = function (this: typeof cube, ...args: Parameters<typeof readRows>) {
        if (++calls === 2) throw new CubeError("cube shard test-shard: damaged (injected)", { code: "CUBE_UNREADABLE", shard: "test-shard" });
        return readRows.apply(this, args);
      } as typeof readRows;
      const errors: unknown[] = [];
      const consoleError = console.error;
      console.error = (...args: unknown[]) => void errors.push(args);
      try {
        const got = await rawGet(`${server.url}/bulk/images`, { ids: withImage });
        assert.equal(got.status, 200);
        assert.ok(got.bytes.length < got.length, `short body: ${got.bytes.length} of ${got.length} bytes`);
        const path = join(dataDir, "short.npz");
        writeFileSync(path, got.bytes);
        const opened = runPython<{ opened: boolean; error?: string }>(LOAD_FILE, { path });
        assert.equal(opened.opened, false);
        assert.equal(opened.error, "BadZipFile");
        assert.ok(errors.some((e) => /bulk download of \d+ images aborted: .*injected/.test(String((e as unknown[])[0]))), "the abort is logged");
      } finally {
        cube.readRows = readRows;
        console.error = consoleError;
      }
    });

    it("survives clients that go away mid-download, and serves the same file after", async () => {
      const body = { ids: [...withImage, ...withImage, ...withImage], zoom: 0 };
      const whole = await post(server, "/bulk/images", body);
      for (let k = 0; k < 3; k++) {
        const got = await new Promise<number>((resolve, reject) => {
          const req = httpRequest(`${server.url}/bulk/images`, { method: "POST", headers: { "content-type": "application/json" } }, (res) => {
            res.once("data", (chunk: Buffer) => {
              req.destroy(); // gone after the first chunk
              resolve(chunk.length);
            });
          });
          req.on("error", (error) => ((error as NodeJS.ErrnoException).code === "ECONNRESET" ? undefined : reject(error)));
          req.end(JSON.stringify(body));
        });
        assert.ok(got > 0 && got < (whole.body as Buffer).length);
      }
      const after = await post(server, "/bulk/images", body);
      assert.ok(Buffer.isBuffer(after.body) && after.body.equals(whole.body as Buffer));
      assert.equal((await fetch(`${server.url}/healthz`)).status, 200);
    });

    it("answers 500 CUBE_UNREADABLE naming a missing shard before sending anything", async () => {
      const [{ name }] = await db.sql`SELECT s.name FROM galaxies g JOIN cube_shards s ON s.id = g.cube_shard WHERE g.id = ${withImage[0]}::int8`;
      const path = server.services.cube.storage.localPath(name as string);
      renameSync(path, `${path}.away`);
      server.services.cube.forget(name as string);
      const consoleError = console.error;
      console.error = () => {};
      try {
        const got = await post(server, "/bulk/images", { ids: [withImage[0]] });
        assert.equal(got.status, 500);
        assert.equal(got.body.error.code, "CUBE_UNREADABLE");
        assert.equal(got.body.error.shard, name);
      } finally {
        console.error = consoleError;
        renameSync(`${path}.away`, path);
        server.services.cube.forget(name as string);
      }
    });
  });
}
