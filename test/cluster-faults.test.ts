/**
 * Faults in the deployment topology (scripts/cluster-local.sh on this
 * machine: a PostgreSQL of its own, two servers behind HAProxy, two pg-boss
 * workers, one cube folder), small data, each fault a real one:
 *
 * - the two servers serve the same cube folder (the same bytes for a galaxy);
 * - the database's data disk fills during a training run (PostgreSQL's data
 *   folder on a small tmpfs, its WAL on another disk, as is usual): the run
 *   FAILED with DISK_FULL, nothing of it saved, its job not left active; once
 *   space is back the same training succeeds, nothing restarted;
 * - a worker killed with SIGKILL mid-training: the run FAILED (ABANDONED)
 *   within the heartbeat window, its job failed, and the other worker trains
 *   the next run (test/job-hygiene.test.ts covers the one-worker details);
 * - PostgreSQL stopped and started again under load through the proxy: the
 *   only errors clients see are SERVICE_UNAVAILABLE, while it is down, then
 *   every request succeeds again without restarting anything;
 * - a server killed with SIGKILL under load: the proxy sends everything to
 *   the other; the only failed requests are those in flight on the dead one.
 *
 * Needs haproxy, PostgreSQL 15's initdb/pg_ctl and curl (skipped with the
 * reason otherwise); the disk test needs root (to mount the tmpfs).
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { chmodSync, closeSync, mkdirSync, mkdtempSync, openSync, rmSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import postgres from "postgres";
import { alive, clusterUnavailable, startCluster, type Cluster } from "./support/cluster.js";
import { someGalaxies, startTraffic, trainPredictor, type Outcome } from "./support/cluster-traffic.js";

const TOKEN = "cluster-faults-token-0123456789";
const STALE_S = 10;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const isRoot = process.getuid?.() === 0;
const missing = clusterUnavailable();

/** Polls `check` every 100 ms until it returns a value, for at most `seconds`. */
async function waitFor<T>(what: string, seconds: number, check: () => Promise<T | undefined>): Promise<T> {
  for (const end = Date.now() + seconds * 1000; Date.now() < end; await sleep(100)) {
    const value = await check();
    if (value !== undefined) return value;
  }
  throw new Error(`${what}: not within ${seconds} s`);
}

/** Fills the file system holding `dir` with one file, to the last byte; returns its path. */
function fillDisk(dir: string): string {
  const path = join(dir, "filler");
  const fd = openSync(path, "w");
  try {
    for (const size of [1 << 20, 1 << 12, 1 << 9]) {
      const chunk = Buffer.alloc(size);
      try {
        for (;;) writeSync(fd, chunk);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "ENOSPC") throw error;
      }
    }
  } finally {
    closeSync(fd);
  }
  return path;
}

describe("faults in the two-server cluster", { skip: missing ?? false }, () => {
  let cluster: Cluster;
  let sql: postgres.Sql;
  let galaxies: { id: string; ra: number; dec: number }[];
  const dir = mkdtempSync(join(tmpdir(), "skycube-cluster-faults-"));
  chmodSync(dir, 0o755); // PostgreSQL runs as the postgres user when we are root
  const pgDisk = join(dir, "pgdisk");
  mkdirSync(pgDisk);
  // PostgreSQL's data folder on a small disk of its own (its WAL elsewhere).
  const tmpfs = isRoot && !missing && spawnSync("mount", ["-t", "tmpfs", "-o", "size=160m,mode=0755", "tmpfs", pgDisk]).status === 0;

  const graphql = async (base: string, query: string, variables: Record<string, unknown> = {}, auth = false) => {
    const response = await fetch(`${base}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", ...(auth ? { authorization: `Bearer ${TOKEN}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    return (await response.json()) as { data?: any; errors?: { extensions: { code: string } }[] };
  };
  const train = async (input: Record<string, unknown>) => {
    const body = await graphql(cluster.proxy, `mutation($input: TrainPredictorInput!) { trainPredictor(input: $input) { id } }`, { input }, true);
    assert.equal(body.errors, undefined, JSON.stringify(body.errors));
    return body.data.trainPredictor.id as string;
  };
  const runOf = async (id: string) => {
    const [row] = await sql`SELECT status, worker, error, error_code FROM training_runs WHERE id = ${id}`;
    return row as { status: string; worker: string | null; error: string | null; error_code: string | null };
  };
  const jobStatesOf = async (id: string) => (await sql`SELECT state FROM pgboss.job WHERE name = 'train-predictor' AND data->>'runId' = ${id}`).map((r) => String(r.state));
  const finished = (id: string, seconds: number) =>
    waitFor(`run ${id} finishes`, seconds, async () => {
      const run = await runOf(id);
      return ["SUCCEEDED", "FAILED", "CANCELLED"].includes(run.status) ? run : undefined;
    });

  before(async () => {
    cluster = await startCluster({
      CLUSTER_DIR: join(dir, "cluster"),
      CLUSTER_PG_DATA: join(pgDisk, "pg"),
      CLUSTER_PG_WAL: join(dir, "pgwal", "wal"),
      DEMO_COUNT: "200",
      API_TOKEN: TOKEN,
      TRAINING_STALE_S: String(STALE_S),
      MUTATION_RATE_LIMIT: "0",
      LOG_LEVEL: process.env.SKYCUBE_KEEP_CLUSTER === "1" ? "info" : "warn",
    });
    sql = postgres(cluster.postgres.url, { max: 2, onnotice: () => {} });
    galaxies = await someGalaxies(cluster.proxy, 200);
  });
  after(async () => {
    await sql?.end({ timeout: 1 });
    await cluster?.stop();
    if (tmpfs) spawnSync("umount", ["-l", pgDisk]);
    // SKYCUBE_KEEP_CLUSTER=1 keeps the folder (the processes' logs in cluster/logs) to look into a failure.
    if (process.env.SKYCUBE_KEEP_CLUSTER === "1") console.error(`cluster folder kept: ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  });

  it("serves one cube folder from both servers", async () => {
    const query = `query($id: ID!) { galaxy(id: $id) { image(zoom: 1) { flux { base64 } } spectrum(zoom: 2) { flux { base64 } } } }`;
    const id = galaxies[galaxies.length - 1].id;
    const [a, b] = await Promise.all(cluster.servers.map((s) => graphql(s.url, query, { id })));
    assert.equal(a.errors, undefined);
    assert.ok(a.data.galaxy.image.flux.base64.length > 0);
    assert.deepEqual(a.data, b.data);
  });

  it("fails a training run with DISK_FULL when the database's disk fills, saves nothing, and trains once space is back", { skip: tmpfs ? false : "mounting a tmpfs for PostgreSQL's data folder needs root" }, async () => {
    // Several grid points: the run is still loading or training when the disk fills.
    const input = { kind: "DECISION_TREE", modality: "IMAGE", features: "ENGINEERED", imageZoom: 3, folds: 3, hyperparameters: { maxDepth: [1, 2, 3, 4, 5, 6] }, name: "disk-test" };
    const id = await train(input);
    await waitFor("a worker claims the run", 60, async () => ((await runOf(id)).status !== "QUEUED" ? true : undefined));
    const filler = fillDisk(pgDisk);
    let failed;
    try {
      failed = await finished(id, 120);
    } finally {
      rmSync(filler);
    }
    assert.equal(failed.status, "FAILED", "the run could not be saved");
    assert.equal(failed.error_code, "DISK_FULL", failed.error ?? "");
    assert.match(failed.error!, /no space left on the database server's disk \(SQLSTATE 53100 disk_full\) while saving the predictor/);
    const api = await graphql(cluster.proxy, `query($id: ID!) { trainingRun(id: $id) { status errorCode predictor { id } } }`, { id });
    assert.deepEqual(api.data.trainingRun, { status: "FAILED", errorCode: "DISK_FULL", predictor: null });
    // Nothing half-written: no predictor, no predictions of it.
    const [{ predictors, predictions }] = await sql`SELECT (SELECT count(*)::int FROM predictors) AS predictors, (SELECT count(*)::int FROM predictions) AS predictions`;
    assert.deepEqual({ predictors, predictions }, { predictors: 0, predictions: 0 });
    const states = await waitFor("the job is no longer active", 30, async () => {
      const s = await jobStatesOf(id);
      return s.includes("active") ? undefined : s;
    });
    assert.ok(!states.includes("active"), states.join());

    // Space is back: the same request trains and saves, and the servers answer as before.
    const { predictorId } = await trainPredictor(cluster.proxy, TOKEN, input, 120);
    const [{ saved }] = await sql`SELECT count(*)::int AS saved FROM predictions WHERE predictor_id = ${predictorId}`;
    assert.ok(saved > 0);
    for (const server of cluster.servers) assert.ok((await fetch(`${server.url}/readyz`)).ok, server.name);
  });

  it("fails the run of a worker killed mid-training within the heartbeat window; the other worker trains on", async () => {
    const id = await train({ kind: "CNN", modality: "IMAGE", features: "RAW", imageZoom: 2, hyperparameters: { epochs: [500], patience: [500] }, folds: 2, seed: 3 });
    const run = await waitFor("a worker claims the run", 60, async () => {
      const r = await runOf(id);
      return r.status === "RUNNING" && r.worker ? r : undefined;
    });
    const victim = cluster.workers.find((w) => run.worker!.endsWith(`:${w.pid}`));
    assert.ok(victim, `the run is trained by one of the cluster's workers (${run.worker})`);
    const other = cluster.workers.find((w) => w !== victim)!;
    process.kill(victim.pid, "SIGKILL");
    const killedAt = Date.now();
    // Stale after STALE_S, found by a sweep every STALE_S / 3: FAILED within ~1⅓ × STALE_S (bound generous for a loaded machine).
    const failed = await finished(id, STALE_S * 4);
    assert.equal(failed.status, "FAILED");
    assert.equal(failed.error_code, "ABANDONED");
    assert.ok(Date.now() - killedAt < STALE_S * 4000);
    const states = await waitFor("the job is no longer active", 15, async () => {
      const s = await jobStatesOf(id);
      return s.includes("active") ? undefined : s;
    });
    assert.deepEqual(states, ["failed"], "failed, not retried");

    const next = await train({ kind: "DECISION_TREE", modality: "IMAGE", features: "ENGINEERED", imageZoom: 3, folds: 2, seed: 4 });
    const done = await finished(next, 120);
    assert.equal(done.status, "SUCCEEDED", done.error ?? "");
    assert.ok(done.worker!.endsWith(`:${other.pid}`), `trained by the surviving worker (${done.worker})`);
  });

  /** The newest predictor, for the cone searches' predictions. */
  const predictor = async () => String((await sql`SELECT id FROM predictors ORDER BY id DESC LIMIT 1`)[0]?.id ?? "1");

  it("answers only SERVICE_UNAVAILABLE while PostgreSQL is down, then recovers without a restart", async () => {
    const pids = cluster.servers.map((s) => s.pid);
    const traffic = startTraffic({ base: cluster.proxy, connections: 8, seconds: 60, predictor: await predictor(), galaxies });
    await sleep(3000);
    const downAt = performance.now();
    cluster.pgCtl(["stop", "-m", "fast"]);
    await sleep(3000);
    cluster.pgCtl(["start"]);
    const upAt = performance.now();
    // Every server answers its readiness probe again, on its own (pools reconnect).
    for (const server of cluster.servers) await waitFor(`${server.name} ready again`, 30, async () => ((await fetch(`${server.url}/readyz`)).ok ? true : undefined));
    const recoveredAt = performance.now();
    // From then on every request must succeed, including the first on each pooled connection that was
    // lost in the restart (db/unsent-retry.ts).
    await sleep(8000);
    traffic.stop();
    const outcomes = await traffic.done;
    const errors = outcomes.filter((o) => o.error);
    assert.ok(errors.length > 0, "requests were refused while the database was down");
    const others = errors.filter((o) => o.error !== "SERVICE_UNAVAILABLE").map((o) => `${o.op} ${o.error}, sent ${(o.start - downAt).toFixed(0)} ms after the stop, ${(o.end - o.start).toFixed(0)} ms`);
    assert.deepEqual([...new Set(errors.map((o) => o.error))], ["SERVICE_UNAVAILABLE"], others.join("; "));
    for (const e of errors) assert.ok(e.end >= downAt && e.start <= recoveredAt, `${e.op} failed outside the outage, sent ${(e.start - recoveredAt).toFixed(0)} ms after both servers were ready`);
    const before = outcomes.filter((o) => o.end < downAt);
    const afterwards = outcomes.filter((o) => o.start > recoveredAt);
    assert.ok(before.length > 0 && afterwards.length > 0, `${before.length} requests before, ${afterwards.length} after`);
    assert.ok(afterwards.every((o) => !o.error));
    assert.deepEqual(
      cluster.servers.map((s) => s.pid),
      pids,
    );
    for (const pid of pids) assert.ok(alive(pid), `server ${pid} was not restarted`);
    assert.ok(upAt > downAt);
  });

  it("keeps serving through the proxy when a server is killed; only requests in flight on it fail", async () => {
    const traffic = startTraffic({ base: cluster.proxy, connections: 16, seconds: 60, predictor: await predictor(), galaxies });
    await sleep(3000);
    const killedAt = performance.now();
    const [victim, survivor] = cluster.servers;
    process.kill(victim.pid, "SIGKILL");
    // Signals are delivered asynchronously: a request that reached the server in those few ms was in flight too.
    await waitFor("the server is gone", 5, async () => (alive(victim.pid) ? undefined : true));
    const deadAt = performance.now();
    await sleep(5000);
    traffic.stop();
    const outcomes = await traffic.done;
    const inFlight = (o: Outcome) => o.start <= deadAt && o.end >= killedAt;
    const errors = outcomes.filter((o) => o.error);
    for (const e of errors) assert.ok(inFlight(e), `${e.op} failed with ${e.error}, sent ${(e.start - killedAt).toFixed(0)} ms after the kill`);
    assert.ok(errors.length <= 16, `${errors.length} failures, at most one per connection`);
    for (const e of errors) assert.match(e.error!, /^(HTTP 50[23]( \(not JSON\))?|ECONNRESET|EPIPE)$/, `${e.op} ${e.error}, sent ${(e.start - killedAt).toFixed(0)} ms after the kill, ${(e.end - e.start).toFixed(0)} ms`);
    const later = outcomes.filter((o) => o.start > deadAt + 1000);
    assert.ok(later.length > 20 && later.every((o) => !o.error), `${later.length} requests after the kill, all served`);
    assert.ok(!alive(victim.pid));
    assert.ok((await fetch(`${survivor.url}/readyz`)).ok);
  });
});
