/**
 * Start-up and configuration failures, as an operator meets them: the
 * command line run as a child process, each failure one line on stderr
 * naming the path (or port) and the cause, with exit code 2 for a bad
 * setting and 1 for the machine's refusal. A read-only folder and a full
 * disk are real: a read-only or 2 MB tmpfs mounted for the test when running
 * as root (chmod does not stop root), chmod 555 otherwise; skipped with the
 * reason when neither is possible.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type AddressInfo, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { backends, testDatabaseUrl } from "./support/databases.js";

const cli = fileURLToPath(new URL("../cli/main.js", import.meta.url));
const isRoot = process.getuid?.() === 0;

function run(args: string[], env: Record<string, string>) {
  const result = spawnSync(process.execPath, [cli, ...args], { encoding: "utf8", timeout: 120_000, env: { ...process.env, DATABASE_URL: "", DEMO_COUNT: "0", ...env } });
  return { code: result.status, signal: result.signal, stdout: result.stdout, stderr: result.stderr };
}

/** Mounts a tmpfs (as root); the reason it cannot, or undefined once mounted. */
function mountTmpfs(dir: string, options: string): string | undefined {
  if (!isRoot) return "mounting a tmpfs needs root";
  const result = spawnSync("mount", ["-t", "tmpfs", "-o", options, "tmpfs", dir], { encoding: "utf8" });
  return result.status === 0 ? undefined : `mount -t tmpfs failed: ${(result.stderr || result.error?.message || "").trim()}`;
}

function unmount(dir: string): void {
  spawnSync("umount", [dir]);
}

describe("start-up and configuration failures", () => {
  const root = mkdtempSync(join(tmpdir(), "skycube-startup-"));
  after(() => rmSync(root, { recursive: true, force: true }));

  it("refuses a DATABASE_URL that is not PostgreSQL's at once, without echoing it (exit 2)", () => {
    const result = run(["migrate"], { DATABASE_URL: "mysql://user:secret@db.example/skycube", DATA_DIR: join(root, "mysql") });
    assert.equal(result.code, 2);
    assert.equal(
      result.stderr,
      "skycube: Bad configuration: DATABASE_URL must be a postgres:// or postgresql:// URL (PostgreSQL is the only database server supported; leave it empty for the embedded PGlite), got the scheme \"mysql:\"\n",
    );
    const notUrl = run(["serve"], { DATABASE_URL: "localhost:5432", DATA_DIR: join(root, "mysql") });
    assert.equal(notUrl.code, 2);
    assert.match(notUrl.stderr, /^skycube: Bad configuration: DATABASE_URL must be a postgres:\/\/ or postgresql:\/\/ URL .*, got the scheme "localhost:"\n$/);
    assert.ok(!existsSync(join(root, "mysql")), "nothing was created");
  });

  it("refuses a DATA_DIR whose parent folder does not exist, naming both (exit 1)", () => {
    const dataDir = join(root, "no-such-folder", "data");
    const result = run(["migrate"], { DATA_DIR: dataDir });
    assert.equal(result.code, 1);
    assert.equal(result.stderr, `skycube: DATA_DIR ${dataDir}: its parent folder ${join(root, "no-such-folder")} does not exist; create it or correct DATA_DIR\n`);
  });

  it("refuses a DATA_DIR that is a file, or lies under one (exit 1)", () => {
    const file = join(root, "a-file");
    writeFileSync(file, "x");
    const isFile = run(["migrate"], { DATA_DIR: file });
    assert.equal(isFile.code, 1);
    assert.equal(isFile.stderr, `skycube: DATA_DIR ${file}: is a file, not a folder; correct DATA_DIR\n`);
    const under = run(["serve"], { DATA_DIR: join(file, "data"), PORT: "0", HOST: "127.0.0.1" });
    assert.equal(under.code, 1);
    assert.equal(under.stderr, `skycube: DATA_DIR ${join(file, "data")}: ${file} is a file, not a folder; correct DATA_DIR\n`);
  });

  describe("a read-only DATA_DIR", () => {
    const dataDir = join(root, "read-only");
    let skip: string | undefined;
    before(() => {
      mkdirSync(dataDir);
      if (isRoot) skip = mountTmpfs(dataDir, "ro,size=1m");
      else chmodSync(dataDir, 0o555);
    });
    after(() => (isRoot ? unmount(dataDir) : chmodSync(dataDir, 0o755)));

    it("is named with its cause, for the server and for a command (exit 1)", (t) => {
      if (skip) return t.skip(skip);
      const cause = isRoot ? "read-only file system (EROFS)" : "permission denied (EACCES)";
      const expected = `skycube: DATA_DIR ${dataDir}: ${cause} at ${join(dataDir, "skycube.lock")} while writing its lock file; make it writable or set DATA_DIR to a writable folder\n`;
      for (const args of [["serve"], ["demo", "--count", "10"]]) {
        const result = run(args, { DATA_DIR: dataDir, PORT: "0", HOST: "127.0.0.1" });
        assert.equal(result.code, 1, args.join(" "));
        assert.equal(result.stderr, expected, args.join(" "));
      }
      const below = join(dataDir, "data");
      const missing = run(["migrate"], { DATA_DIR: below });
      assert.equal(missing.code, 1);
      const refusal = isRoot ? "read-only file system (EROFS)" : "permission denied (EACCES)";
      assert.equal(missing.stderr, `skycube: DATA_DIR ${below}: ${refusal} while creating the folder; make it writable or set DATA_DIR to a writable folder\n`);
    });
  });

  describe("a full disk at first start", () => {
    const disk = join(root, "small-disk");
    const dataDir = join(disk, "data");
    let skip: string | undefined;
    before(() => {
      mkdirSync(disk);
      // PGlite's initdb writes ~39 MB: 2 MB fill up while the embedded database is made.
      skip = mountTmpfs(disk, "size=2m");
    });
    after(() => {
      if (!skip) unmount(disk);
    });

    it("is named with the path and the free space, leaves no half-made database, and recovers once space is back (exit 1)", (t) => {
      if (skip) return t.skip(`${skip}: cannot make a small disk`);
      const full = run(["serve"], { DATA_DIR: dataDir, PORT: "0", HOST: "127.0.0.1" });
      assert.equal(full.code, 1, full.stderr);
      assert.match(
        full.stderr,
        new RegExp(`^skycube: DATA_DIR ${dataDir}: no space left on device \\(ENOSPC; \\d+\\.\\d MB free now\\) while opening the embedded database; free some space or set DATA_DIR to a folder on a larger disk\\n$`),
      );
      assert.deepEqual(readdirSync(dataDir), [], "no pglite/ folder, no lock left behind");
      const grown = spawnSync("mount", ["-o", "remount,size=200m", disk], { encoding: "utf8" });
      assert.equal(grown.status, 0, grown.stderr);
      const retried = run(["migrate"], { DATA_DIR: dataDir });
      assert.equal(retried.code, 0, retried.stderr);
      assert.match(retried.stdout, /migrate: applied 001_galaxies/);
    });
  });

  it("names the PostgreSQL server of DATABASE_URL, never its user or password, when it cannot be reached (exit 1)", () => {
    const url = "postgres://someone:secret@127.0.0.1:1/skycube";
    for (const [args, step] of [[["migrate"], "applying the migrations"], [["serve"], "applying the migrations"], [["worker"], "applying the migrations"]] as const) {
      const result = run([...args], { DATABASE_URL: url, DATA_DIR: join(root, "pg"), PORT: "0", HOST: "127.0.0.1" });
      assert.equal(result.code, 1, `${args.join(" ")}: ${result.signal} ${result.stderr}`);
      assert.equal(
        result.stderr,
        `skycube: the PostgreSQL server of DATABASE_URL (127.0.0.1:1, database "skycube"): cannot be reached (ECONNREFUSED) while ${step}; start it or correct DATABASE_URL\n`,
        args.join(" "),
      );
    }
  });

  const postgres = backends.find((b) => b.name === "postgres")!;
  it("names a database the PostgreSQL server does not have (exit 1)", { skip: postgres.skip }, () => {
    const url = new URL(testDatabaseUrl);
    url.pathname = "/skycube_no_such_database";
    const result = run(["migrate"], { DATABASE_URL: url.toString(), DATA_DIR: join(root, "pg") });
    assert.equal(result.code, 1);
    assert.equal(result.stderr, `skycube: the PostgreSQL server of DATABASE_URL (${url.hostname}:${url.port || 5432}, database "skycube_no_such_database"): the database does not exist (3D000) while applying the migrations; correct DATABASE_URL\n`);
  });

  describe("a port in use", () => {
    let holder: Server;
    let port: number;
    before(async () => {
      holder = createServer();
      await new Promise<void>((resolve) => holder.listen(0, "127.0.0.1", resolve));
      port = (holder.address() as AddressInfo).port;
    });
    after(() => new Promise<void>((resolve) => holder.close(() => resolve())));

    it("is refused before the database is opened, naming the port (exit 1)", () => {
      const dataDir = join(root, "port");
      const result = run(["serve"], { DATA_DIR: dataDir, PORT: String(port), HOST: "127.0.0.1" });
      assert.equal(result.code, 1);
      assert.equal(result.stderr, `skycube: port ${port} on 127.0.0.1 is in use by another process (EADDRINUSE); stop it or set PORT to a free port\n`);
      assert.ok(!existsSync(dataDir), "failed before touching DATA_DIR");
    });
  });
});
