/**
 * Ingest as a job of the running server: the ingestFiles mutation (token,
 * path checks, progress, report, idempotence) on both databases, and the
 * CLI handing its ingest to the server that holds an embedded data folder —
 * the case that used to lose data — including a server killed mid-job,
 * whose job resumes at the next start.
 */
import assert from "node:assert/strict";
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { openCube } from "../cube/cube-store.js";
import { connect } from "../db/database.js";
import { writeSdssSurvey, type SdssSurveySummary } from "../ingest/synthetic/sdss-files/write-survey.js";
import { backends, type TestDatabase } from "./support/databases.js";
import { startTestServer, type TestServer } from "./support/server.js";

const TOKEN = "ingest-jobs-test-token-0123456789";
const auth = { authorization: `Bearer ${TOKEN}` };
const cli = new URL("../cli/main.js", import.meta.url).pathname;
const JOB = "id status stage done total attempts errorCode error paths report { objects inserted merged alreadyPresent batches withImage skipped { file } }";

const root = mkdtempSync(join(tmpdir(), "skycube-ingest-jobs-"));
const survey = join(root, "survey");
let summary: SdssSurveySummary;
const sdssInput = () => ({
  source: "SDSS",
  spectra: join(survey, "spectra"),
  frames: join(survey, "frames"),
  sfr: [join(survey, "mpa-jhu", "gal_info.fits"), join(survey, "mpa-jhu", "gal_totsfr.fits")],
});

before(async () => {
  // Two overlapping fields, repeat spectra, objects off the fields, stars and quasars.
  summary = await writeSdssSurvey({ dir: survey, count: 120, seed: 11, objectsPerField: 60 });
});
after(() => rmSync(root, { recursive: true, force: true }));

type Ask = (query: string, variables: Record<string, unknown>) => Promise<Record<string, any>>;
const askServer = (server: TestServer): Ask => async (query, variables) => (await server.graphql(query, variables, auth)).data!;

/** Polls a job until it has ended; `ask` sends GraphQL with the token. */
async function untilFinished(ask: TestServer | Ask, id: string): Promise<Record<string, any>> {
  const send = typeof ask === "function" ? ask : askServer(ask);
  for (let i = 0; i < 1200; i++) {
    const job = (await send(`query ($id: ID!) { ingestJob(id: $id) { ${JOB} } }`, { id })).ingestJob;
    if (job.status === "SUCCEEDED" || job.status === "FAILED") return job;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`ingest job ${id} did not finish`);
}

for (const backend of backends) {
  describe(`the ingestFiles mutation (${backend.name})`, { skip: backend.skip }, () => {
    let db: TestDatabase;
    let server: TestServer;
    const dataDir = join(root, `data-${backend.name}`);

    before(async () => {
      db = await backend.open();
      server = await startTestServer(db, { dataDir, apiToken: TOKEN, ingestRoot: root, ingestBatchSize: 25 });
    });
    after(async () => {
      await server?.close();
      await db?.drop();
    });

    it("needs the token, and checks every path before queuing anything", async () => {
      const mutation = `mutation ($input: IngestFilesInput!) { ingestFiles(input: $input) { id } }`;
      const anonymous = await server.graphql(mutation, { input: sdssInput() });
      assert.equal(anonymous.errors?.[0].extensions.code, "UNAUTHENTICATED");
      const listing = await server.graphql(`{ ingestJobs { id } }`);
      assert.equal(listing.errors?.[0].extensions.code, "UNAUTHENTICATED");

      writeFileSync(join(root, "not-a-folder"), "x");
      const bad = await server.graphql(mutation, {
        input: { source: "SDSS", spectra: "survey/spectra", frames: join(root, "not-a-folder"), sfr: [join(root, "missing.fits"), "/etc/passwd"], path: "/x.h5" },
      }, auth);
      assert.equal(bad.errors?.[0].extensions.code, "BAD_USER_INPUT");
      const problems = (bad.errors![0].extensions.problems as { argument: string; message: string }[]).map((p) => `${p.argument}: ${p.message}`);
      assert.deepEqual(problems, [
        "path: is not read by a SDSS ingest",
        `spectra: "survey/spectra" is not an absolute path (paths are read by the server)`,
        `frames: ${join(root, "not-a-folder")} is not a folder`,
        `sfr: ${join(root, "missing.fits")} does not exist on the server`,
        `sfr: /etc/passwd is outside INGEST_ROOT (${root})`,
      ]);
      const hisscube = await server.graphql(mutation, { input: { source: "HISSCUBE", spectra: join(survey, "spectra") } }, auth);
      assert.deepEqual((hisscube.errors![0].extensions.problems as { argument: string }[]).map((p) => p.argument), ["spectra", "path"]);
      const jobs = await server.graphql(`{ ingestJobs { id } }`, {}, auth);
      assert.deepEqual(jobs.data!.ingestJobs, [], "nothing was queued");
    });

    it("runs an SDSS ingest as a job: progress, a report, the galaxies served at once; the same job again adds nothing", async () => {
      const queued = await server.graphql(`mutation ($input: IngestFilesInput!) { ingestFiles(input: $input) { ${JOB} } }`, { input: sdssInput() }, auth);
      assert.equal(queued.errors, undefined, JSON.stringify(queued.errors));
      assert.ok(["QUEUED", "RUNNING"].includes(queued.data!.ingestFiles.status));
      assert.deepEqual(queued.data!.ingestFiles.paths, Object.values(sdssInput()).slice(1).flat());
      const job = await untilFinished(server, queued.data!.ingestFiles.id);
      assert.equal(job.status, "SUCCEEDED", job.error);
      const onFields = summary.plan.objects.filter((o) => o.field !== null).length;
      assert.deepEqual([job.report.objects, job.report.inserted, job.report.withImage, job.report.skipped.length], [summary.objects, summary.objects, onFields, 0]);
      assert.ok(job.report.batches >= Math.ceil(summary.objects / 25), `${job.report.batches} batches of at most 25`);
      assert.deepEqual([job.stage, job.done, job.total, job.attempts], ["objects", summary.objects, summary.objects, 1]);

      const served = await server.graphql(`{ galaxies(first: 500) { totalCount edges { node { image(zoom: 3) { size } } } } }`);
      assert.equal(served.errors, undefined, JSON.stringify(served.errors));
      assert.equal(served.data!.galaxies.totalCount, summary.objects);
      const images = served.data!.galaxies.edges.filter((e: any) => e.node.image !== null);
      assert.equal(images.length, onFields);
      assert.ok(images.every((e: any) => e.node.image.size === 8));

      const again = await server.graphql(`mutation ($input: IngestFilesInput!) { ingestFiles(input: $input) { id } }`, { input: sdssInput() }, auth);
      const second = await untilFinished(server, again.data!.ingestFiles.id);
      assert.deepEqual([second.status, second.report.inserted, second.report.alreadyPresent], ["SUCCEEDED", 0, summary.objects]);
      const jobs = await server.graphql(`{ ingestJobs { id status } }`, {}, auth);
      assert.deepEqual(jobs.data!.ingestJobs.map((j: any) => j.status), ["SUCCEEDED", "SUCCEEDED"]);
    });

    it("fails a job whose files cannot be read with a code and the reason, and runs the next one", async () => {
      const broken = join(root, `broken-${backend.name}`);
      mkdirSync(broken);
      writeFileSync(join(broken, "x.h5"), "not HDF5");
      const queued = await server.graphql(`mutation ($input: IngestFilesInput!) { ingestFiles(input: $input) { id } }`, { input: { source: "HISSCUBE", path: join(broken, "x.h5") } }, auth);
      const job = await untilFinished(server, queued.data!.ingestFiles.id);
      assert.equal(job.status, "FAILED");
      assert.match(job.errorCode, /^[A-Z_]+$/);
      assert.ok(job.error.length > 0);
      const next = await server.graphql(`mutation ($input: IngestFilesInput!) { ingestFiles(input: $input) { id } }`, { input: sdssInput() }, auth);
      assert.equal((await untilFinished(server, next.data!.ingestFiles.id)).status, "SUCCEEDED");
    });
  });
}

describe("the CLI on a data folder a server holds", { skip: backends[0].skip }, () => {
  const dataDir = join(root, "served");
  const env = { ...process.env, DATABASE_URL: "", DATA_DIR: dataDir, PORT: "0", HOST: "127.0.0.1", DEMO_COUNT: "0", API_TOKEN: "", INGEST_BATCH_SIZE: "10" };
  const ingestArgs = () => ["ingest", "sdss", "--spectra", join(survey, "spectra"), "--frames", join(survey, "frames"), "--sfr", sdssInput().sfr.join(",")];

  function serve(): Promise<{ child: ChildProcessWithoutNullStreams; output: () => string }> {
    const child = spawn(process.execPath, [cli, "serve"], { env, stdio: ["pipe", "pipe", "pipe"] });
    let output = "";
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    return new Promise((resolve, reject) => {
      child.stdout.on("data", (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes("listening")) resolve({ child, output: () => output });
      });
      child.on("exit", (code) => reject(new Error(`server exited ${code}: ${output}`)));
    });
  }
  const stop = async (child: ChildProcessWithoutNullStreams, signal: NodeJS.Signals) => {
    child.kill(signal);
    if (child.exitCode === null && child.signalCode === null) await new Promise((resolve) => child.once("exit", resolve));
  };
  const galaxyCount = async () => {
    const db = await connect({ dataDir });
    try {
      const [row] = await db.sql`SELECT count(*)::int AS n FROM galaxies`;
      return row.n as number;
    } finally {
      await db.close();
    }
  };
  /** GraphQL to the server holding the folder, with the port and token its lock file names. */
  const toHolder = async (query: string, variables: Record<string, unknown>) => {
    const lock = JSON.parse(readFileSync(join(dataDir, "skycube.lock"), "utf8")) as { port: number; token: string };
    const response = await fetch(`http://127.0.0.1:${lock.port}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${lock.token}` },
      body: JSON.stringify({ query, variables }),
    });
    return ((await response.json()) as { data: Record<string, any> }).data;
  };

  it("sends `ingest sdss` to the server, which serves the galaxies at once and keeps them after a restart", async () => {
    const { child } = await serve();
    try {
      const run = spawnSync(process.execPath, [cli, ...ingestArgs()], { env, encoding: "utf8" });
      assert.equal(run.status, 0, run.stderr);
      assert.match(run.stderr, /is served by pid \d+ on port \d+: sending the ingest to it/);
      assert.match(run.stderr, /ingest job \d+ queued in the server/);
      assert.match(run.stdout, new RegExp(`ingest sdss: \\d+ spectra → ${summary.objects} objects in \\d+ batches; ${summary.objects} new`));
      const demo = spawnSync(process.execPath, [cli, "demo", "--count", "5"], { env, encoding: "utf8" });
      assert.equal(demo.status, 2, "other writing commands still refuse");
      assert.match(demo.stderr, /`skycube ingest` does so by itself/);
    } finally {
      await stop(child, "SIGTERM");
    }
    assert.equal(await galaxyCount(), summary.objects, "nothing lost when the server stops");
    const rerun = spawnSync(process.execPath, [cli, ...ingestArgs()], { env, encoding: "utf8" });
    assert.equal(rerun.status, 0, rerun.stderr);
    assert.match(rerun.stdout, new RegExp(`0 new, 0 joined objects already catalogued, ${summary.objects} already present`));
  });

  for (const signal of ["SIGKILL", "SIGTERM"] as const) {
    it(`resumes a job whose server was stopped mid-ingest (${signal}) at the next start: every object once, no orphan shard`, async (t) => {
      rmSync(dataDir, { recursive: true, force: true });
      const first = await serve();
      const { ingestFiles } = await toHolder(`mutation ($input: IngestFilesInput!) { ingestFiles(input: $input) { id } }`, { input: sdssInput() });
      // Killed once its first batches are committed: the job is RUNNING in the database, its process gone.
      for (let i = 0; i < 1200; i++) {
        const { ingestJob } = await toHolder(`query ($id: ID!) { ingestJob(id: $id) { stage done } }`, { id: ingestFiles.id });
        if (ingestJob.stage === "objects" && ingestJob.done > 0) break;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      await stop(first.child, signal);
      const partial = await galaxyCount();
      t.diagnostic(`server stopped (${signal}) with ${partial} of ${summary.objects} galaxies committed`);
      if (signal === "SIGTERM") assert.match(first.output(), new RegExp(`ingest job ${ingestFiles.id} .*: stopped with the server after`));

      const second = await serve();
      try {
        const job = await untilFinished(toHolder, ingestFiles.id);
        assert.equal(job.status, "SUCCEEDED", job.error);
        // Unless the last batches were committed between two polls, the job was resumed.
        if (partial < summary.objects) {
          // Killed: found RUNNING and queued again. Stopped: it had queued itself again.
          if (signal === "SIGKILL") assert.match(second.output(), new RegExp(`ingest: resuming job ${ingestFiles.id}, interrupted by a stop`));
          assert.equal(job.attempts, 2);
          assert.equal(job.report.inserted + job.report.alreadyPresent + job.report.merged, summary.objects);
        }
      } finally {
        await stop(second.child, "SIGTERM");
      }
      const db = await connect({ dataDir });
      const cube = await openCube(dataDir);
      try {
        const [{ galaxies, keys }] = await db.sql`SELECT count(*)::int AS galaxies, count(DISTINCT source_key)::int AS keys FROM galaxies`;
        assert.deepEqual([galaxies, keys], [summary.objects, summary.objects]);
        const manifest = new Set((await db.sql`SELECT name FROM cube_shards`).map((r) => r.name as string));
        const onDisk = cube.storage.list();
        assert.deepEqual(onDisk.temporaries, []);
        assert.deepEqual(onDisk.shards.filter((s) => !manifest.has(s.name)), [], "no orphan shard");
      } finally {
        cube.close();
        await db.close();
      }
    });
  }
});
