/**
 * Job hygiene on PostgreSQL with the pg-boss queue: a `npm run worker`
 * process killed with SIGKILL in the middle of a training run leaves no run
 * looking alive and no pg-boss job `active`. The server (which does not train
 * here) sweeps: the run is FAILED once its heartbeat is TRAINING_STALE_S old,
 * and its job is failed with it (never retried). A second worker then trains
 * the next run as usual. A job taken by a process that died before starting
 * its run is failed and the run queued again.
 */
import { after, before, describe, it } from "node:test";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import assert from "node:assert/strict";
import PgBoss from "pg-boss";
import { openCube } from "../cube/cube-store.js";
import { loadDemo } from "../ingest/synthetic/load-demo.js";
import { backends, type TestDatabase } from "./support/databases.js";
import { startTestServer, type TestServer } from "./support/server.js";

const TOKEN = "test-token-0123456789abcdef";
const AUTH = { authorization: `Bearer ${TOKEN}` };
const STALE_S = 10;
const cli = new URL("../cli/main.js", import.meta.url).pathname;
const postgresBackend = backends.find((b) => b.name === "postgres")!;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("a training worker killed mid-run (PostgreSQL, pg-boss)", { skip: postgresBackend.skip }, () => {
  let db: TestDatabase;
  let server: TestServer;
  const workers: ChildProcess[] = [];
  const dataDir = mkdtempSync(join(tmpdir(), "skycube-jobs-"));

  /** A `worker` process over the test database, resolved once it waits for runs. */
  const startWorker = async (): Promise<ChildProcess> => {
    const child = spawn(process.execPath, [cli, "worker"], {
      env: { ...process.env, DATABASE_URL: db.url!, DATA_DIR: dataDir, TRAINING_STALE_S: String(STALE_S), TRAINING_THREADS: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    workers.push(child);
    await new Promise<void>((resolve, reject) => {
      let out = "";
      const onData = (chunk: Buffer) => {
        out += chunk.toString();
        if (/waiting for training runs/.test(out)) resolve();
      };
      child.stdout!.on("data", onData);
      child.stderr!.on("data", onData);
      child.on("exit", (code) => reject(new Error(`worker exited early with ${code}: ${out}`)));
    });
    return child;
  };

  const runOf = async (id: string) => {
    const [row] = await db.sql`SELECT status, worker, error FROM training_runs WHERE id = ${id}`;
    return row as { status: string; worker: string | null; error: string | null };
  };
  const jobStatesOf = async (id: string) =>
    (await db.sql`SELECT state FROM pgboss.job WHERE name = 'train-predictor' AND data->>'runId' = ${id}`).map((r) => String(r.state));

  /** Polls `check` every 200 ms until it returns a value, for at most `seconds`. */
  const waitFor = async <T>(what: string, seconds: number, check: () => Promise<T | undefined>): Promise<T> => {
    for (const end = Date.now() + seconds * 1000; Date.now() < end; await sleep(200)) {
      const value = await check();
      if (value !== undefined) return value;
    }
    throw new Error(`${what}: not within ${seconds} s`);
  };

  const train = async (input: Record<string, unknown>): Promise<string> => {
    const response = await server.graphql(`mutation($input: TrainPredictorInput!) { trainPredictor(input: $input) { id status } }`, { input }, AUTH);
    assert.equal(response.errors, undefined, JSON.stringify(response.errors));
    return response.data!.trainPredictor.id as string;
  };

  before(async () => {
    db = await postgresBackend.open();
    await loadDemo(db.sql, { count: 120, cube: await openCube(dataDir) });
    server = await startTestServer(db, { dataDir, apiToken: TOKEN, trainInServer: "false", trainingStaleS: STALE_S });
  });
  after(async () => {
    for (const child of workers) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    await server?.close();
    await db?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("queues a run again whose job was taken by a process that died before starting it", async () => {
    const id = await train({ kind: "DECISION_TREE", modality: "IMAGE", features: "ENGINEERED", imageZoom: 3, folds: 2, seed: 5 });
    // Another process takes the job from the queue and dies before claiming the run.
    const thief = new PgBoss({ connectionString: db.url!, schema: "pgboss", max: 1 } as PgBoss.ConstructorOptions);
    await thief.start();
    const taken = await thief.fetch<{ runId: string }>("train-predictor");
    assert.deepEqual(taken?.map((j) => j.data.runId), [id]);
    await thief.stop({ graceful: false, close: true, wait: true });
    assert.deepEqual(await jobStatesOf(id), ["active"]);
    assert.equal((await runOf(id)).status, "QUEUED");

    const states = await waitFor("the job is failed and the run queued again", STALE_S * 4, async () => {
      const s = (await jobStatesOf(id)).sort();
      return s.includes("active") ? undefined : s;
    });
    assert.deepEqual(states, ["created", "failed"]);
    const worker = await startWorker();
    const done = await waitFor("the run finishes", 180, async () => {
      const run = await runOf(id);
      return ["SUCCEEDED", "FAILED", "CANCELLED"].includes(run.status) ? run : undefined;
    });
    assert.equal(done.status, "SUCCEEDED", done.error ?? "");
    const exited = new Promise((resolve) => worker.once("exit", resolve));
    worker.kill("SIGTERM");
    assert.equal(await exited, 0);
  });

  it("marks the run FAILED within the heartbeat window and fails its job instead of leaving it active", async () => {
    const worker = await startWorker();
    // A CNN of many epochs: still training when the worker is killed.
    const id = await train({ kind: "CNN", modality: "IMAGE", features: "RAW", imageZoom: 2, hyperparameters: { epochs: [200], patience: [200] }, folds: 2, seed: 3 });
    await waitFor("the worker claims the run", 120, async () => {
      const run = await runOf(id);
      return run.status === "RUNNING" && run.worker?.endsWith(`:${worker.pid}`) ? run : undefined;
    });
    assert.deepEqual(await jobStatesOf(id), ["active"]);
    const exited = new Promise((resolve) => worker.once("exit", resolve));
    worker.kill("SIGKILL");
    await exited;

    // Stale after STALE_S, found by a sweep every STALE_S / 3; the bound is generous for a loaded machine.
    const failed = await waitFor("the run is FAILED", STALE_S * 4, async () => {
      const run = await runOf(id);
      return run.status === "RUNNING" ? undefined : run;
    });
    assert.equal(failed.status, "FAILED");
    assert.match(failed.error!, /process training it stopped/);
    const states = await waitFor("the job is no longer active", 10, async () => {
      const s = await jobStatesOf(id);
      return s.includes("active") ? undefined : s;
    });
    assert.deepEqual(states, ["failed"], "failed, not retried");
    const [{ active }] = await db.sql`
      SELECT count(*)::int AS active FROM pgboss.job j JOIN training_runs r ON r.id::text = j.data->>'runId'
      WHERE j.state = 'active' AND r.status IN ('SUCCEEDED', 'FAILED', 'CANCELLED')`;
    assert.equal(active, 0);

    // The queue keeps working: a new worker trains the next run to the end, and its job completes.
    await startWorker();
    const next = await train({ kind: "DECISION_TREE", modality: "IMAGE", features: "ENGINEERED", imageZoom: 3, folds: 2, seed: 4 });
    const done = await waitFor("the next run finishes", 180, async () => {
      const run = await runOf(next);
      return ["SUCCEEDED", "FAILED", "CANCELLED"].includes(run.status) ? run : undefined;
    });
    assert.equal(done.status, "SUCCEEDED", done.error ?? "");
    assert.deepEqual(await waitFor("the job completes", 10, async () => ((await jobStatesOf(next)).includes("active") ? undefined : jobStatesOf(next))), ["completed"]);
  });
});
