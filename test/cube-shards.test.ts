/**
 * The sharded cube's life cycle: compaction changes no served value, the
 * start-up sweep removes what a crash left, one process per data folder,
 * and an ingest killed with SIGKILL at a random moment finishes on rerun
 * with nothing duplicated, nothing missing and no orphan files.
 */
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { compactCube } from "../ingest/compact.js";
import { openCube, type CubeLocation, type CubeStore } from "../cube/cube-store.js";
import { LocalShardStorage } from "../cube/storage.js";
import { sweepCube } from "../cube/sweep.js";
import { DataDirLockedError, lockDataDir, lockPath } from "../db/data-dir-lock.js";
import { connect, type Sql } from "../db/database.js";
import { migrate } from "../db/migrate.js";
import { loadDemo } from "../ingest/synthetic/load-demo.js";
import { backends } from "./support/databases.js";

const cli = fileURLToPath(new URL("../cli/main.js", import.meta.url));

async function locations(sql: Sql): Promise<{ id: string; at: CubeLocation }[]> {
  const rows = await sql`SELECT g.id, g.cube_row, s.name FROM galaxies g JOIN cube_shards s ON s.id = g.cube_shard ORDER BY g.id`;
  return rows.map((r) => ({ id: String(r.id), at: { shard: r.name as string, row: r.cube_row as number } }));
}

/** A digest of everything served for each galaxy: image and spectrum, every part, every zoom. */
function served(cube: CubeStore, at: CubeLocation): string {
  const hash = createHash("sha256");
  for (let zoom = 0; zoom < 5; zoom++) {
    const image = cube.readImage(at, zoom);
    const spectrum = cube.readSpectrum(at, zoom);
    for (const part of [image.value, image.sigma, image.mask, spectrum.value, spectrum.sigma, spectrum.mask]) hash.update(new Uint8Array(part.buffer, part.byteOffset, part.byteLength));
    hash.update(JSON.stringify(image.wcs));
  }
  return hash.digest("hex");
}

for (const backend of backends) {
  describe(`cube shards on ${backend.name}`, { skip: backend.skip }, () => {
    const dir = mkdtempSync(join(tmpdir(), "skycube-shards-"));
    after(() => rmSync(dir, { recursive: true, force: true }));

    it("compacts small shards into one per sky cell without changing any served value", async () => {
      const db = await backend.open();
      const cube = await openCube(join(dir, "compact"));
      try {
        await loadDemo(db.sql, { count: 40, cube, batchSize: 4 });
        const before = new Map((await locations(db.sql)).map((g) => [g.id, served(cube, g.at)]));
        const [{ shards: shardsBefore }] = await db.sql`SELECT count(*)::int AS shards FROM cube_shards`;
        // Galaxies of cells that hold more than one shard: those are the ones to move.
        const [{ crowded }] = await db.sql`SELECT count(*)::int AS crowded FROM galaxies g JOIN cube_shards s ON s.id = g.cube_shard
          WHERE s.cell IN (SELECT cell FROM cube_shards GROUP BY cell HAVING count(*) > 1)`;
        const report = await compactCube(db.sql, cube);
        const [{ shards, cells }] = await db.sql`SELECT count(*)::int AS shards, count(DISTINCT cell)::int AS cells FROM cube_shards WHERE retired_at IS NULL`;
        assert.equal(shards, cells, "one live shard per cell");
        assert.ok(shards < shardsBefore, `${shardsBefore} → ${shards} shards`);
        assert.ok(crowded > 0);
        assert.equal(report.moved, crowded);
        const after = await locations(db.sql);
        for (const g of after) assert.equal(served(cube, g.at), before.get(g.id), `galaxy ${g.id}`);
        const swept = await sweepCube(db.sql, cube.storage, { graceSeconds: 0 });
        assert.equal(swept.retired.length, report.retired);
        assert.deepEqual(cube.storage.list().shards.map((s) => s.name).sort(), [...new Set(after.map((g) => g.at.shard))].sort(), "only live shards stay on disk");
      } finally {
        cube.close();
        await db.drop();
      }
    });

    it("removes and reports shards no row refers to and temporary files, and keeps the rest", async () => {
      const db = await backend.open();
      const root = join(dir, "sweep");
      const cube = await openCube(root);
      try {
        await loadDemo(db.sql, { count: 3, cube });
        const live = cube.storage.list().shards.map((s) => s.name);
        await cube.writeShard("cube/shards/o2-0001/orphan.h5", [{}]);
        const temporary = join(root, "cube/shards/o2-0001/x.h5.tmp-99999-abcd1234");
        writeFileSync(temporary, "half a shard");
        const report = await sweepCube(db.sql, new LocalShardStorage(root), { graceSeconds: 0 });
        assert.deepEqual(report.orphans, ["cube/shards/o2-0001/orphan.h5"]);
        assert.deepEqual(report.temporaries, [temporary]);
        assert.deepEqual(cube.storage.list().shards.map((s) => s.name), live);
        assert.equal(existsSync(temporary), false);
        const young = await sweepCube(db.sql, new LocalShardStorage(root), { graceSeconds: 3600 });
        assert.deepEqual(young, { orphans: [], temporaries: [], retired: [] });
      } finally {
        cube.close();
        await db.drop();
      }
    });
  });
}

describe("one process per data folder", () => {
  const dir = mkdtempSync(join(tmpdir(), "skycube-lock-"));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("refuses a second holder with its pid and port, and takes over the lock of a dead process", () => {
    const lock = lockDataDir(dir, "skycube serve");
    lock.setServer(4321);
    assert.throws(() => lockDataDir(dir, "skycube demo"), (e: unknown) => e instanceof DataDirLockedError && e.message.includes(`pid ${process.pid}`) && e.message.includes("port 4321"));
    lock.release();
    assert.equal(existsSync(lockPath(dir)), false);
    const dead = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"]).stdout.toString();
    writeFileSync(lockPath(dir), JSON.stringify({ pid: Number(dead), host: hostname(), command: "skycube demo", startedAt: "then" }));
    const taken = lockDataDir(dir, "skycube demo");
    taken.release();
  });

  it("makes a CLI command on a folder a server holds refuse, naming the server", async () => {
    const dataDir = join(dir, "served");
    const env = { ...process.env, DATABASE_URL: "", DATA_DIR: dataDir, PORT: "0", HOST: "127.0.0.1", DEMO_COUNT: "0" };
    const server = spawn(process.execPath, [cli, "serve"], { env, stdio: ["ignore", "pipe", "pipe"] });
    try {
      await new Promise<void>((resolve, reject) => {
        server.stdout.on("data", (chunk: Buffer) => chunk.toString().includes("listening") && resolve());
        server.on("exit", (code) => reject(new Error(`server exited ${code}`)));
      });
      const demo = spawnSync(process.execPath, [cli, "demo", "--count", "5"], { env, encoding: "utf8" });
      assert.equal(demo.status, 2, demo.stderr);
      assert.match(demo.stderr, new RegExp(`in use by skycube serve \\(pid ${server.pid} .*serving on port \\d+`));
    } finally {
      server.kill("SIGTERM");
      await new Promise((resolve) => server.once("exit", resolve));
    }
  });
});

describe("an ingest killed at a random moment", () => {
  const dir = mkdtempSync(join(tmpdir(), "skycube-kill-"));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("finishes on rerun: every galaxy once, every row in a live shard, no orphan files", async () => {
    const env = { ...process.env, DATABASE_URL: "", DATA_DIR: dir, INGEST_BATCH_SIZE: "40" };
    const count = 400;
    for (const delayMs of [1500, 3500]) {
      const child = spawn(process.execPath, [cli, "demo", "--count", String(count)], { env, stdio: "ignore" });
      const exited = new Promise((resolve) => child.once("exit", resolve));
      // Killed mid-run unless it finished first (a fast machine): the rerun must finish the job either way.
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, delayMs))]);
      child.kill("SIGKILL");
      await exited;
    }
    const rerun = spawnSync(process.execPath, [cli, "demo", "--count", String(count)], { env, encoding: "utf8" });
    assert.equal(rerun.status, 0, rerun.stderr);
    const db = await connect({ dataDir: dir });
    await migrate(db.sql);
    const cube = await openCube(dir);
    try {
      const [{ galaxies, keys, located }] = await db.sql`SELECT count(*)::int AS galaxies, count(DISTINCT source_key)::int AS keys, count(cube_shard)::int AS located FROM galaxies`;
      assert.deepEqual([galaxies, keys, located], [count, count, count]);
      const manifest = new Set((await db.sql`SELECT name FROM cube_shards`).map((r) => r.name as string));
      const onDisk = cube.storage.list();
      assert.deepEqual(onDisk.temporaries, []);
      assert.deepEqual(onDisk.shards.filter((s) => !manifest.has(s.name)), [], "no orphan shard");
      for (const g of await locations(db.sql)) assert.ok(cube.readSpectrum(g.at, 3).value.length > 0);
    } finally {
      cube.close();
      await db.close();
    }
  });
});
