/** The command line, run as a user runs it: a child process with environment settings. */
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { backends, type TestDatabase } from "./support/databases.js";
import { sharedData, sharedDataMissing } from "./support/shared-data.js";

const cli = fileURLToPath(new URL("../cli/main.js", import.meta.url));

function run(args: string[], env: Record<string, string>) {
  const result = spawnSync(process.execPath, [cli, ...args], { encoding: "utf8", env: { ...process.env, DATABASE_URL: "", ...env } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("command line", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "skycube-cli-"));
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  it("loads the demo into the embedded database in DATA_DIR, idempotently", () => {
    const first = run(["demo", "--count", "120"], { DATA_DIR: dataDir });
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /demo: 120 new SYNTHETIC galaxies \(0 already present\) in 1 batches, 120 in the catalogue/);
    const second = run(["demo", "--count", "150"], { DATA_DIR: dataDir });
    assert.match(second.stdout, /demo: 30 new SYNTHETIC galaxies \(120 already present\) in 1 batches, 150 in the catalogue/);
    const migrated = run(["migrate"], { DATA_DIR: dataDir });
    assert.match(migrated.stdout, /database is up to date/);
  });

  it("explains a bad option, an unknown command and a bad setting with exit code 2", () => {
    const badCount = run(["demo", "--count", "lots"], { DATA_DIR: dataDir });
    assert.equal(badCount.code, 2);
    assert.match(badCount.stderr, /--count must be an integer/);
    const unknown = run(["frobnicate"], {});
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown command "frobnicate"/);
    const badPort = run(["migrate"], { PORT: "http", MAX_PAGE_SIZE: "0" });
    assert.equal(badPort.code, 2);
    assert.match(badPort.stderr, /PORT must be an integer.*MAX_PAGE_SIZE must be an integer/);
  });

  it("answers a mistyped option, command or value with one line naming it and what was meant (exit 2)", () => {
    const sdssUsage = "usage: ingest sdss --spectra DIR [--frames DIR] [--sfr gal_info.fits,gal_totsfr.fits]";
    const cases: [string[], string][] = [
      [["ingest", "sdss", "--spectrum", "X"], `unknown option '--spectrum' for 'ingest sdss' (did you mean --spectra?); ${sdssUsage}`],
      [["ingest", "sdss", "--spectra"], `ingest sdss: option '--spectra' needs a value; ${sdssUsage}`],
      [["ingest", "sdss", "--bogus=1"], `unknown option '--bogus' for 'ingest sdss'; its options are --spectra, --frames, --sfr; ${sdssUsage}`],
      [["ingest", "sdsss"], `ingest: unknown source "sdsss" (did you mean sdss?); use 'ingest sdss' or 'ingest hisscube'`],
      [["ingset", "sdss"], `unknown command "ingset" (did you mean ingest?); run 'skycube help'`],
      [["demo", "--cuont", "5"], "unknown option '--cuont' for 'demo' (did you mean --count?); usage: demo [--count N] [--seed S] [--write-sdss DIR]"],
      [["serve", "--port", "5000"], "unknown option '--port' for 'serve'; it takes no options (settings are environment variables: see 'skycube help'); usage: serve"],
      [["migrate", "now"], "unexpected argument 'now' for 'migrate'; usage: migrate"],
      [["cube", "compcat"], `cube: unknown action "compcat" (did you mean compact?); usage: cube compact | cube shards`],
      [["schema", "--ot", "x.graphql"], "unknown option '--ot' for 'schema' (did you mean --out?); usage: schema [--out FILE]"],
    ];
    for (const [args, message] of cases) {
      const result = run(args, { DATA_DIR: dataDir });
      assert.deepEqual([result.code, result.stderr, result.stdout], [2, `skycube: ${message}\n`, ""], args.join(" "));
    }
  });

  it("serves until SIGTERM, then drains and exits 0", async () => {
    const child = spawn(process.execPath, [cli, "serve"], {
      env: { ...process.env, DATABASE_URL: "", DATA_DIR: join(dataDir, "serve"), PORT: "0", HOST: "127.0.0.1", DEMO_COUNT: "25" },
    });
    let out = "";
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on("data", (chunk: Buffer) => {
        out += chunk.toString();
        const match = /listening on (http:\/\/[^/]+)\/graphql/.exec(out);
        if (match) resolve(match[1]);
      });
      child.on("exit", (code) => reject(new Error(`serve exited early with ${code}: ${out}`)));
    });
    const response = await fetch(`${url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: "{ galaxies { totalCount } }" }),
    });
    assert.deepEqual(await response.json(), { data: { galaxies: { totalCount: 25 } } });
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    child.kill("SIGTERM");
    assert.equal(await exited, 0);
    // Beside the plain start-up lines, stdout has one JSON line per request (LOG_LEVEL=info).
    const requests = out.split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l)).filter((e) => e.msg === "request");
    assert.equal(requests.length, 1, out);
    assert.deepEqual([requests[0].route, requests[0].status, requests[0].operation], ["/graphql", 200, "query galaxies"]);
  });

  it("ingests real files from the command line, idempotently, and explains bad ingest arguments", { skip: sharedDataMissing("hisscube") }, () => {
    const env = { DATA_DIR: join(dataDir, "ingest") };
    const cube = `${sharedData}hisscube/SDSS_cube_dataset.h5`;
    assert.match(run(["ingest", "hisscube", cube], env).stdout, /ingest hisscube: 1 targets in 1 batches; 1 new, 0 joined objects already catalogued, 0 already present/);
    assert.match(run(["ingest", "hisscube", cube], env).stdout, /0 new, 0 joined objects already catalogued, 1 already present/);
    // The HiSS-Cube target is the F star, made from three of these spectra: that object is there already.
    const sdss = run(["ingest", "sdss", "--spectra", `${sharedData}sdss/spectra`], env);
    assert.match(sdss.stdout, /ingest sdss: 27 spectra → 16 objects in 1 batches; 15 new, 0 joined objects already catalogued, 1 already present, 0 with images/);
    for (const args of [["ingest", "sdss"], ["ingest", "sdss", "--spectra", "/nowhere"], ["ingest", "hisscube", "/nowhere.h5"], ["ingest", "gaia"]]) {
      const result = run(args, env);
      assert.equal(result.code, 2, args.join(" "));
      assert.match(result.stderr, /skycube: /);
    }
  });

  it("prints help listing commands and settings", () => {
    const help = run(["help"], {});
    assert.equal(help.code, 0);
    for (const word of ["serve", "migrate", "demo", "DATABASE_URL", "DATA_DIR", "PORT"]) assert.ok(help.stdout.includes(word), word);
  });

  const postgresBackend = backends.find((b) => b.name === "postgres")!;
  describe("against PostgreSQL via DATABASE_URL", { skip: postgresBackend.skip }, () => {
    let db: TestDatabase;
    after(() => db?.drop());
    it("loads the demo into the database DATABASE_URL names", async () => {
      db = await postgresBackend.open();
      const result = run(["demo", "--count", "80"], { DATABASE_URL: db.url!, DATA_DIR: join(dataDir, "with-postgres") });
      assert.equal(result.code, 0, result.stderr);
      const [{ count }] = await db.sql`SELECT count(*)::int AS count FROM galaxies WHERE survey = 'SYNTHETIC'`;
      assert.equal(count, 80);
    });
  });
});
