/**
 * Observability of a running server (embedded PGlite): GET /metrics is valid
 * Prometheus text exposition whose counters move with requests (latency per
 * operation, cube reads, shard-handle cache, training runs, event-loop lag);
 * who may read it follows METRICS; every request writes one JSON log line
 * with its operation, duration, cost and status.
 */
import { after, before, describe, it } from "node:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { networkInterfaces, tmpdir } from "node:os";
import { join } from "node:path";
import assert from "node:assert/strict";
import { openCube } from "../cube/cube-store.js";
import { loadDemo } from "../ingest/synthetic/load-demo.js";
import { createLogger } from "../server/log.js";
import { isLoopback } from "../server/metrics.js";
import { backends, type TestDatabase } from "./support/databases.js";
import { startTestServer, type TestServer } from "./support/server.js";

const TOKEN = "test-token-0123456789abcdef";
const pglite = backends.find((b) => b.name === "pglite")!;

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Parses the Prometheus text format (0.0.4) strictly: every line a comment, a HELP/TYPE line or a sample; every sample of a TYPE'd family. */
function parseExposition(text: string): Sample[] {
  const types = new Map<string, string>();
  const samples: Sample[] = [];
  const name = "[a-zA-Z_:][a-zA-Z0-9_:]*";
  const sampleLine = new RegExp(`^(${name})(?:\\{((?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\\\\n]|\\\\.)*",?)*)\\})? (\\S+)(?: -?\\d+)?$`);
  for (const line of text.split("\n")) {
    if (line === "") continue;
    const meta = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(line);
    if (meta) {
      assert.match(meta[2], new RegExp(`^${name}$`), line);
      if (meta[1] === "TYPE") {
        assert.ok(["counter", "gauge", "histogram", "summary", "untyped"].includes(meta[3]), line);
        assert.ok(!types.has(meta[2]), `TYPE twice: ${line}`);
        types.set(meta[2], meta[3]);
      }
      continue;
    }
    assert.ok(!line.startsWith("#") || /^# /.test(line), line);
    if (line.startsWith("#")) continue;
    const match = sampleLine.exec(line);
    assert.ok(match, `not a sample line: ${JSON.stringify(line)}`);
    // Values as Go's ParseFloat reads them (Prometheus's parser): Inf and NaN in any case (prom-client writes "Nan").
    const special = /^([+-]?)(inf|nan)$/i.exec(match[3]);
    const value = special ? (special[2].toLowerCase() === "nan" ? NaN : special[1] === "-" ? -Infinity : Infinity) : Number(match[3]);
    assert.ok(special || !Number.isNaN(value), line);
    const labels: Record<string, string> = {};
    for (const [, key, raw] of (match[2] ?? "").matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[key] = raw.replace(/\\(.)/g, (_, c) => (c === "n" ? "\n" : c));
    const family = match[1].replace(/_(bucket|sum|count)$/, "");
    assert.ok(types.has(match[1]) || types.has(family), `sample without TYPE: ${line}`);
    samples.push({ name: match[1], labels, value });
  }
  return samples;
}

/** A line is written when the response's last byte is (just after the client has read it), a job's when it ends: wait, 15 s at most. */
async function eventually<T>(_what: string, get: () => T | Promise<T>, ok: (value: T) => boolean): Promise<T> {
  for (let i = 0; ; i++) {
    const value = await get();
    if (ok(value) || i >= 750) return value;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The sum of the samples called `name` whose labels include `labels`. */
const total = (samples: Sample[], name: string, labels: Record<string, string> = {}) =>
  samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v)).reduce((sum, s) => sum + s.value, 0);

describe("observability: /metrics and the request log", () => {
  let db: TestDatabase;
  let server: TestServer;
  const lines: string[] = [];
  const dataDir = mkdtempSync(join(tmpdir(), "skycube-obs-"));
  const ingestDir = mkdtempSync(join(tmpdir(), "skycube-obs-files-"));
  const scrape = async (headers: Record<string, string> = {}) => {
    const response = await fetch(`${server.url}/metrics`, { headers });
    assert.equal(response.status, 200);
    assert.match(response.headers.get("content-type") ?? "", /^text\/plain; version=0\.0\.4/);
    return parseExposition(await response.text());
  };
  const logged = () => lines.map((l) => JSON.parse(l) as Record<string, any>);

  before(async () => {
    db = await pglite.open();
    await loadDemo(db.sql, { count: 60, cube: await openCube(dataDir) });
    const eventLog = createLogger("debug", { write: (chunk: string) => void lines.push(...chunk.split("\n").filter(Boolean)) });
    server = await startTestServer(db, { dataDir, apiToken: TOKEN, ingestRoot: ingestDir }, eventLog);
  });
  after(async () => {
    await server?.close();
    await db?.drop();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(ingestDir, { recursive: true, force: true });
  });

  it("serves valid Prometheus text whose counters move with requests", async () => {
    const before = await scrape();
    for (const family of ["skycube_training_runs", "skycube_training_queue_depth", "nodejs_eventloop_lag_seconds", "nodejs_eventloop_lag_p99_seconds", "process_resident_memory_bytes"]) {
      assert.ok(before.some((s) => s.name === family), family);
    }
    assert.deepEqual(
      before.filter((s) => s.name === "skycube_training_runs").map((s) => s.labels.status).sort(),
      ["CANCELLED", "FAILED", "QUEUED", "RUNNING", "SUCCEEDED"],
    );
    const query = `query Page { galaxies(first: 4) { edges { node { id image(zoom: 3) { flux { base64 } } spectrum(zoom: 4) { flux { base64 } } } } } }`;
    for (let i = 0; i < 2; i++) {
      const response = await server.graphql(query);
      assert.equal(response.errors, undefined, JSON.stringify(response.errors));
      assert.equal(response.data!.galaxies.edges.length, 4);
    }
    const labels = { route: "/graphql", operation: "query galaxies", status: "200" };
    const afterwards = await eventually("two observations", scrape, (s) => total(s, "skycube_http_request_duration_seconds_count", labels) - total(before, "skycube_http_request_duration_seconds_count", labels) >= 2);
    assert.equal(total(afterwards, "skycube_http_request_duration_seconds_count", labels) - total(before, "skycube_http_request_duration_seconds_count", labels), 2);
    const inf = afterwards.find((s) => s.name === "skycube_http_request_duration_seconds_bucket" && s.labels.le === "+Inf" && s.labels.operation === "query galaxies");
    assert.equal(inf?.value, total(afterwards, "skycube_http_request_duration_seconds_count", labels));
    for (const kind of ["image", "spectrum"]) {
      assert.equal(total(afterwards, "skycube_cube_reads_total", { kind }) - total(before, "skycube_cube_reads_total", { kind }), 8, kind);
    }
    // The second request found the shards open: hits grow, and every read looked a handle up.
    const lookups = (s: Sample[]) => total(s, "skycube_cube_shard_handles_total");
    assert.ok(total(afterwards, "skycube_cube_shard_handles_total", { result: "hit" }) > total(before, "skycube_cube_shard_handles_total", { result: "hit" }));
    assert.ok(lookups(afterwards) - lookups(before) >= 16);
    // The previous scrape itself is counted under its route.
    assert.ok(total(afterwards, "skycube_http_request_duration_seconds_count", { route: "/metrics" }) >= 1);
  });

  it("writes one JSON log line per request with operation, duration, cost and status", async () => {
    lines.length = 0;
    const ok = await server.graphql(`query Cone { coneSearch(ra: 0.5, dec: 0, radius: 5, first: 3) { edges { node { id } } } }`);
    assert.equal(ok.errors, undefined);
    const bad = await server.graphql(`{ galaxies { nope } }`);
    assert.equal(bad.status, 400);
    await fetch(`${server.url}/nowhere/${"x".repeat(20)}`);
    const entries = await eventually("three lines", () => logged().filter((e) => e.msg === "request"), (e) => e.length >= 3);
    assert.equal(entries.length, 3, JSON.stringify(entries));
    const [cone, invalid, missing] = entries;
    assert.equal(cone.level, "info");
    assert.match(cone.time, /^\d{4}-\d\d-\d\dT/);
    assert.equal(cone.method, "POST");
    assert.equal(cone.route, "/graphql");
    assert.equal(cone.status, 200);
    assert.equal(cone.operation, "query coneSearch");
    assert.equal(cone.operationName, "Cone");
    assert.ok(typeof cone.durationMs === "number" && cone.durationMs >= 0);
    assert.ok(Number.isInteger(cone.cost) && cone.cost > 0, String(cone.cost));
    assert.deepEqual(cone.errors, []);
    assert.equal(invalid.status, 400);
    assert.deepEqual(invalid.errors, ["GRAPHQL_VALIDATION_FAILED"]);
    assert.equal(missing.status, 404);
    assert.equal(missing.route, "(none)", "an unknown path is not a label");
    // Probes are logged at debug only.
    await fetch(`${server.url}/healthz`);
    const probe = await eventually("the probe's line", () => logged().find((e) => e.path === "/healthz"), (e) => e !== undefined);
    assert.equal(probe?.level, "debug");
    assert.ok(cone.headersMs <= cone.durationMs);
  });

  it("logs each training run once, with its outcome", async () => {
    lines.length = 0;
    const response = await server.graphql(
      `mutation { trainPredictor(input: { kind: DECISION_TREE, modality: IMAGE, features: ENGINEERED, imageZoom: 3, folds: 2 }) { id } }`,
      {},
      { authorization: `Bearer ${TOKEN}` },
    );
    assert.equal(response.errors, undefined, JSON.stringify(response.errors));
    await server.services.training.queue.idle();
    const runs = logged().filter((e) => e.msg === "training run");
    assert.equal(runs.length, 1, lines.join("\n"));
    assert.equal(runs[0].runId, response.data!.trainPredictor.id);
    assert.equal(runs[0].status, "SUCCEEDED", runs[0].error);
    assert.equal(runs[0].level, "info");
    assert.equal(runs[0].kind, "DECISION_TREE");
    assert.ok(typeof runs[0].durationS === "number");
    const samples = await scrape();
    assert.equal(total(samples, "skycube_training_runs", { status: runs[0].status }), 1, JSON.stringify(runs[0]));
  });

  it("logs each ingest job's start and end as JSON lines", async () => {
    lines.length = 0;
    writeFileSync(join(ingestDir, "x.h5"), "not HDF5");
    const queued = await server.graphql(`mutation ($input: IngestFilesInput!) { ingestFiles(input: $input) { id } }`, { input: { source: "HISSCUBE", path: join(ingestDir, "x.h5") } }, {
      authorization: `Bearer ${TOKEN}`,
    });
    assert.equal(queued.errors, undefined, JSON.stringify(queued.errors));
    const id = queued.data!.ingestFiles.id;
    const events = await eventually("the job's end", () => logged().filter((e) => e.event === "ingest job" && e.jobId === id), (e) => e.length >= 2);
    assert.deepEqual(events.map((e) => e.outcome), ["started", "failed"]);
    const [started, failed] = events;
    assert.equal(started.level, "info");
    assert.match(started.msg, new RegExp(`ingest job ${id} .*started`));
    assert.equal(failed.level, "warn");
    assert.match(failed.errorCode, /^[A-Z_]+$/);
    assert.ok(typeof failed.durationS === "number" && failed.error.length > 0);
  });

  it("lets METRICS decide who reads /metrics", async () => {
    assert.ok(isLoopback("127.0.0.1") && isLoopback("::1") && isLoopback("::ffff:127.0.0.1"));
    assert.ok(!isLoopback("10.0.0.1") && !isLoopback("::ffff:10.0.0.1") && !isLoopback(undefined));
    const tokenOnly = await startTestServer(db, { dataDir, apiToken: TOKEN, metrics: "token" });
    const off = await startTestServer(db, { dataDir, apiToken: TOKEN, metrics: "off" });
    try {
      const refused = await fetch(`${tokenOnly.url}/metrics`);
      assert.equal(refused.status, 401);
      assert.equal(((await refused.json()) as any).error.code, "UNAUTHENTICATED");
      assert.equal((await fetch(`${tokenOnly.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })).status, 200);
      assert.equal((await fetch(`${off.url}/metrics`)).status, 404);
    } finally {
      await tokenOnly.close();
      await off.close();
    }
  });

  const external = Object.values(networkInterfaces()).flat().find((i) => i && i.family === "IPv4" && !i.internal)?.address;
  it("asks a client on another address for the token (METRICS=loopback)", { skip: external ? false : "no non-loopback IPv4 interface" }, async () => {
    const wide = await startTestServer(db, { dataDir, apiToken: TOKEN, host: "0.0.0.0" });
    try {
      const port = new URL(wide.url).port;
      const refused = await fetch(`http://${external}:${port}/metrics`);
      assert.equal(refused.status, 401);
      assert.equal((await fetch(`http://${external}:${port}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })).status, 200);
      assert.equal((await fetch(`http://127.0.0.1:${port}/metrics`)).status, 200);
    } finally {
      await wide.close();
    }
  });
});
