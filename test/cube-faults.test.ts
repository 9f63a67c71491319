/**
 * The cube under faults (issue 10): a disk that fills while a batch writes
 * its shards (a real 4 MB tmpfs, so the real write path meets ENOSPC), a
 * corrupt, truncated or missing shard behind the GraphQL API, and a kill
 * between the shards' rename and the commit of the rows that refer to them.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { closeSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync, statfsSync, truncateSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { CubeError, openCube, type CubeLocation, type CubeStore } from "../cube/cube-store.js";
import { connect, type Sql } from "../db/database.js";
import { migrate } from "../db/migrate.js";
import { loadDemo } from "../ingest/synthetic/load-demo.js";
import { backends, type TestDatabase } from "./support/databases.js";
import { startTestServer, type TestServer } from "./support/server.js";

const TOKEN = "test-token-0123456789abcdef";
const cli = fileURLToPath(new URL("../cli/main.js", import.meta.url));

async function locations(sql: Sql): Promise<Map<string, CubeLocation>> {
  const rows = await sql`SELECT g.id, g.cube_row, s.name FROM galaxies g JOIN cube_shards s ON s.id = g.cube_shard ORDER BY g.id`;
  return new Map(rows.map((r) => [String(r.id), { shard: r.name as string, row: r.cube_row as number }]));
}

/** A digest of what a galaxy serves: image and spectrum at every zoom. */
function served(cube: CubeStore, at: CubeLocation): string {
  const hash = createHash("sha256");
  for (let zoom = 0; zoom < 5; zoom++) {
    for (const m of [cube.readImage(at, zoom), cube.readSpectrum(at, zoom)]) {
      for (const part of [m.value, m.sigma, m.mask]) hash.update(new Uint8Array(part.buffer, part.byteOffset, part.byteLength));
    }
  }
  return hash.digest("hex");
}

/** Every file under the cube's shard folder, relative names. */
function filesUnder(root: string): string[] {
  const base = join(root, "cube", "shards");
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) walk(join(dir, entry.name));
      else out.push(join(dir, entry.name).slice(root.length + 1));
    }
  };
  try {
    walk(base);
  } catch {
    // no shard folder yet
  }
  return out.sort();
}

/** Mounts a tmpfs of `size` at a new folder; the reason it could not, otherwise. */
function smallDisk(size: string): { dir: string; unmount(): void } | string {
  if (process.platform !== "linux") return "a tmpfs needs Linux";
  if (process.getuid?.() !== 0) return "mounting a tmpfs needs root";
  const dir = mkdtempSync(join(tmpdir(), "skycube-full-"));
  const mounted = spawnSync("mount", ["-t", "tmpfs", "-o", `size=${size}`, "tmpfs", dir], { encoding: "utf8" });
  if (mounted.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    return `mount -t tmpfs is not permitted here (${(mounted.stderr || mounted.error?.message || "").trim()})`;
  }
  return {
    dir,
    unmount() {
      spawnSync("umount", [dir]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Every temporary shard file under `root` (a writer's `.tmp-<pid>-<hex>` names). */
const temporariesUnder = (root: string) => filesUnder(root).filter((f) => /\.tmp-\d+-[0-9a-f]+$/.test(f));

describe("a disk that fills while a batch writes its shards", () => {
  // "before": the free-space check before the write refuses it. "during": that check is skipped
  // (SKYCUBE_TEST_SKIP=space-precheck), so h5wasm's own writes meet ENOSPC on the real tmpfs.
  for (const when of ["before", "during"] as const) {
    it(`fails the batch with CUBE_NO_SPACE naming the shard when the disk is full ${when} the write, keeps the data before it bit-identical, leaves no temporary file, and a rerun with space succeeds`, async (t) => {
      const disk = smallDisk("4m");
      if (typeof disk === "string") return t.skip(disk);
      const root = disk.dir;
      const db = await connect({}); // the database in memory: only the cube is on the small disk
      const cube = await openCube(root);
      try {
        await migrate(db.sql);
        await loadDemo(db.sql, { count: 2, cube, batchSize: 2 });
        const before = await locations(db.sql);
        const digests = new Map([...before].map(([id, at]) => [id, served(cube, at)]));
        const manifest = await db.sql`SELECT id, name, sha256 FROM cube_shards ORDER BY id`;
        const files = filesUnder(root);
        const fileBytes = new Map(files.map((f) => [f, createHash("sha256").update(readFileSync(join(root, f))).digest("hex")]));
        // Fill the disk but for 200 KB: less than one more galaxy's shard.
        const filler = join(root, "filler");
        const fd = openSync(filler, "w");
        const block = Buffer.alloc(64 * 1024, 1);
        try {
          for (;;) {
            const { bavail, bsize } = statfsSync(root);
            const free = bavail * bsize;
            if (free <= 200 * 1024) break;
            writeSync(fd, block, 0, Math.min(block.length, free - 200 * 1024));
          }
        } finally {
          closeSync(fd);
        }
        if (when === "during") process.env.SKYCUBE_TEST_SKIP = "space-precheck";
        const failure = await loadDemo(db.sql, { count: 6, cube, batchSize: 6 })
          .then(
            () => assert.fail("the ingest should have failed on a full disk"),
            (error: unknown) => error,
          )
          .finally(() => delete process.env.SKYCUBE_TEST_SKIP);
        assert.ok(failure instanceof CubeError, String(failure));
        assert.equal(failure.code, "CUBE_NO_SPACE");
        assert.ok(failure.path?.startsWith(join(root, "cube", "shards")) && failure.path.endsWith(".h5"), failure.path);
        assert.ok(failure.message.includes(failure.path!), failure.message);
        assert.match(failure.message, /no space left to write cube shard .*\.h5: nothing of this batch was stored/);
        // Nothing of the failed batch: no rows, no manifest entry, no file, no temporary.
        assert.deepEqual(await locations(db.sql), before);
        assert.deepEqual(await db.sql`SELECT id, name, sha256 FROM cube_shards ORDER BY id`, manifest);
        assert.deepEqual(temporariesUnder(root), []);
        assert.deepEqual(filesUnder(root), files);
        for (const [f, digest] of fileBytes) assert.equal(createHash("sha256").update(readFileSync(join(root, f))).digest("hex"), digest, `${f} is bit-identical`);
        for (const [id, at] of before) assert.equal(served(cube, at), digests.get(id), `galaxy ${id} still serves what it did`);
        // Space comes back: the same command finishes the job.
        rmSync(filler);
        await loadDemo(db.sql, { count: 6, cube, batchSize: 6 });
        const now = await locations(db.sql);
        assert.equal(now.size, 6);
        for (const [id, at] of before) assert.equal(served(cube, now.get(id)!), digests.get(id));
        for (const at of now.values()) served(cube, at); // every row readable
        assert.deepEqual(filesUnder(root), (await db.sql`SELECT name FROM cube_shards ORDER BY name`).map((r) => r.name as string).sort());
      } finally {
        cube.close();
        await db.close();
        disk.unmount();
      }
    });
  }
});

for (const backend of backends) {
  describe(`damaged shards over GraphQL on ${backend.name}`, { skip: backend.skip }, () => {
    let db: TestDatabase;
    let server: TestServer;
    const dataDir = mkdtempSync(join(tmpdir(), "skycube-damaged-"));
    const damage = new Map<string, string>(); // shard → how
    before(async () => {
      db = await backend.open();
      await loadDemo(db.sql, { count: 40, cube: await openCube(dataDir), batchSize: 8 }); // 40: enough labelled galaxies to train on (30)
      const shards = (await db.sql`SELECT s.name FROM cube_shards s WHERE EXISTS (SELECT 1 FROM galaxies g WHERE g.cube_shard = s.id AND g.has_image) ORDER BY s.id`).map((r) => r.name as string);
      assert.ok(shards.length >= 5, `${shards.length} shards`);
      truncateSync(join(dataDir, shards[0]), 4096);
      damage.set(shards[0], "truncated");
      const garbage = openSync(join(dataDir, shards[1]), "r+");
      writeSync(garbage, Buffer.alloc(2048, 0x5a), 0, 2048, 0); // the superblock overwritten
      closeSync(garbage);
      damage.set(shards[1], "overwritten");
      rmSync(join(dataDir, shards[2]));
      damage.set(shards[2], "missing");
      // Bytes flipped in the middle, size kept: HDF5's structure may well survive; the manifest's sha256 does not.
      const flipped = join(dataDir, shards[3]);
      const bytes = readFileSync(flipped);
      const middle = Math.floor(bytes.length / 2);
      for (let k = middle; k < middle + 512; k++) bytes[k] ^= 0xff;
      const fd = openSync(flipped, "r+");
      writeSync(fd, bytes, middle, 512, middle);
      closeSync(fd);
      damage.set(shards[3], "flipped");
      server = await startTestServer(db, { dataDir, apiToken: TOKEN });
    });
    after(async () => {
      await server?.close();
      await db?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    });

    it("fails image and spectrum of the galaxies in a corrupt, truncated, missing or bit-flipped shard with CUBE_UNREADABLE naming it; the others serve in the same response", async () => {
      const shardOf = new Map([...(await locations(db.sql))].map(([id, at]) => [id, at.shard]));
      const response = await server.graphql(`{ galaxies(first: 100) { edges { node { id ra image(zoom: 1) { size flux { values } } spectrum(zoom: 2) { length } } } } }`);
      assert.equal(response.status, 200);
      const edges = response.data!.galaxies.edges as { node: { id: string; ra: number; image: { size: number; flux: { values: number[] } } | null; spectrum: { length: number } | null } }[];
      assert.equal(edges.length, 40);
      const errors = response.errors ?? [];
      let served = 0;
      edges.forEach(({ node }, i) => {
        const shard = shardOf.get(node.id)!;
        assert.equal(typeof node.ra, "number", "the catalogue fields serve whatever the cube");
        const mine = errors.filter((e) => (e.path as unknown[] | undefined)?.[2] === i); // ["galaxies", "edges", i, "node", field]
        if (damage.has(shard)) {
          assert.equal(node.spectrum, null, `${damage.get(shard)} shard`);
          assert.ok(mine.some((e) => e.path?.[4] === "spectrum"));
          for (const error of mine) {
            assert.equal(error.extensions.code, "CUBE_UNREADABLE");
            assert.equal(error.extensions.shard, shard);
            assert.ok(error.message.includes(shard), error.message);
            assert.doesNotMatch(error.message, new RegExp(dataDir), "no server paths in the message");
          }
        } else {
          assert.deepEqual(mine, [], `galaxy ${node.id} in a sound shard`);
          assert.equal(node.spectrum!.length, 1155);
          if (node.image) {
            assert.equal(node.image.size, 32);
            served++;
          }
        }
      });
      assert.ok(served > 0, "galaxies with images in sound shards served theirs");
      for (const shard of damage.keys()) assert.ok(errors.some((e) => e.extensions.shard === shard), `an error names ${shard}`);
      // The same for one galaxy asked alone.
      const [victim] = [...shardOf].find(([, shard]) => damage.get(shard) === "truncated")!;
      const alone = await server.graphql(`query($id: ID!) { galaxy(id: $id) { id spectrum { length } } }`, { id: victim });
      assert.equal(alone.data!.galaxy.id, victim);
      assert.equal(alone.data!.galaxy.spectrum, null);
      assert.equal(alone.errors![0].extensions.code, "CUBE_UNREADABLE");
    });

    it("fails a training run and an embedding over a damaged shard with CUBE_UNREADABLE naming it (worker threads check the bytes too)", async () => {
      const damaged = /cube shard (\S+) does not hold the bytes the manifest recorded/;
      const auth = { authorization: `Bearer ${TOKEN}` };
      const queued = await server.graphql(`mutation { trainPredictor(input: { kind: DECISION_TREE, modality: SPECTRUM, features: ENGINEERED, folds: 3, labelFilter: { flag: null } }) { id } }`, {}, auth);
      assert.equal(queued.errors, undefined, JSON.stringify(queued.errors));
      let run: { status: string; error: string | null; errorCode: string | null } | undefined;
      for (let i = 0; i < 600 && !["SUCCEEDED", "FAILED"].includes(run?.status ?? ""); i++) {
        await new Promise((r) => setTimeout(r, 100));
        run = (await server.graphql(`query($id: ID!) { trainingRun(id: $id) { status error errorCode } }`, { id: queued.data!.trainPredictor.id })).data!.trainingRun;
      }
      assert.equal(run!.status, "FAILED", run!.error ?? "");
      assert.equal(run!.errorCode, "CUBE_UNREADABLE");
      const named = damaged.exec(run!.error!)?.[1];
      assert.ok(named && ["truncated", "overwritten", "flipped"].includes(damage.get(named)!), run!.error!);
      assert.doesNotMatch(run!.error!, new RegExp(dataDir));

      // Asked once; a FAILED embedding is computed again when asked again, so its row is watched instead.
      const asked = await server.graphql(`{ embedding(input: { method: PCA, modality: SPECTRUM, first: 20 }) { id status } }`);
      assert.equal(asked.errors, undefined, JSON.stringify(asked.errors));
      let embedding: { status: string; error: string | null } | undefined;
      for (let i = 0; i < 600 && !["SUCCEEDED", "FAILED"].includes(embedding?.status ?? ""); i++) {
        await new Promise((res) => setTimeout(res, 100));
        [embedding] = (await db.sql`SELECT status, error FROM embeddings WHERE id = ${asked.data!.embedding.id}`) as unknown as { status: string; error: string | null }[];
      }
      assert.equal(embedding!.status, "FAILED");
      const inEmbedding = damaged.exec(embedding!.error!)?.[1];
      assert.ok(inEmbedding && damage.has(inEmbedding), embedding!.error!);
    });
  });
}

describe("an ingest killed between its shards' rename and the commit", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "skycube-renamed-"));
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  const run = (env: Record<string, string>) => spawn(process.execPath, [cli, "demo", "--count", "8"], { env: { ...process.env, DATABASE_URL: "", DATA_DIR: dataDir, INGEST_BATCH_SIZE: "4", ...env }, stdio: ["ignore", "pipe", "pipe"] });

  it("leaves published shards no row refers to, which the next start removes and reports; the rerun loads everything once", async () => {
    // First run: let the first batch commit, then stop the second after its rename.
    const first = spawnSync(process.execPath, [cli, "demo", "--count", "4"], { env: { ...process.env, DATABASE_URL: "", DATA_DIR: dataDir, INGEST_BATCH_SIZE: "4" }, encoding: "utf8" });
    assert.equal(first.status, 0, first.stderr);
    const committed = filesUnder(dataDir);
    const paused = run({ SKYCUBE_TEST_PAUSE_AFTER: "shard-renamed" });
    let stderr = "";
    await new Promise<void>((resolve, reject) => {
      paused.stderr.on("data", (chunk: Buffer) => {
        stderr += chunk.toString();
        if (stderr.includes("SKYCUBE_TEST_PAUSED shard-renamed")) resolve();
      });
      paused.on("exit", (code) => reject(new Error(`exited ${code} before pausing: ${stderr}`)));
    });
    const published = filesUnder(dataDir).filter((f) => !committed.includes(f));
    assert.ok(published.length > 0 && published.every((f) => f.endsWith(".h5")), `published, not committed: ${published}`);
    paused.kill("SIGKILL");
    await new Promise((resolve) => paused.once("exit", resolve));
    // The rerun: the start-up sweep removes the orphans and reports them, then the demo finishes.
    const rerun = run({});
    let out = "";
    rerun.stdout.on("data", (c: Buffer) => (out += c.toString()));
    rerun.stderr.on("data", (c: Buffer) => (out += c.toString()));
    const code = await new Promise((resolve) => rerun.once("exit", resolve));
    assert.equal(code, 0, out);
    assert.match(out, new RegExp(`removed ${published.length} shards no row refers to`));
    const db = await connect({ dataDir, purpose: "test" });
    try {
      const [{ galaxies, keys }] = await db.sql`SELECT count(*)::int AS galaxies, count(DISTINCT source_key)::int AS keys FROM galaxies`;
      assert.deepEqual({ galaxies, keys }, { galaxies: 8, keys: 8 });
      const names = (await db.sql`SELECT name FROM cube_shards ORDER BY name`).map((r) => r.name as string).sort();
      assert.deepEqual(filesUnder(dataDir), names, "every file on disk is in the manifest");
      for (const orphan of published) assert.ok(!names.includes(orphan));
      const cube = await openCube(dataDir);
      for (const at of (await locations(db.sql)).values()) served(cube, at);
      cube.close();
    } finally {
      await db.close();
    }
  });
});
