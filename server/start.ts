/**
 * Server lifecycle: connect (the embedded database locks its data folder) →
 * migrate → clean the cube's storage (cube/sweep.ts) → seed the demo
 * catalogue if empty → training queue → GraphQL → listen. `close()` drains: stop accepting, finish requests, stop
 * Apollo, then close the database.
 */
import { serve } from "@hono/node-server";
import { createServer as createNetServer, type AddressInfo } from "node:net";
import type { Server } from "node:http";
import { countGalaxies } from "../catalog/bulk-load.js";
import { cubeRootOf, type Settings } from "../config/settings.js";
import { openCube } from "../cube/cube-store.js";
import { manifestDigests } from "../cube/manifest.js";
import { sweepCube } from "../cube/sweep.js";
import { dataDirFailure } from "../db/data-dir.js";
import { EmbeddingService } from "../models/embedding/service.js";
import { connect, databaseUrlFailure, type Database } from "../db/database.js";
import { StartupError } from "../errors/startup.js";
import { migrate } from "../db/migrate.js";
import { describeIngestInput } from "../ingest/jobs/input.js";
import { IngestJobRunner, type IngestEvent } from "../ingest/jobs/runner.js";
import { loadDemo } from "../ingest/synthetic/load-demo.js";
import { randomBytes } from "node:crypto";
import { startTraining } from "../models/training/setup.js";
import type { Services } from "../resolvers/context.js";
import type { EventLog } from "../types/event-log.js";
import { createApp } from "./app.js";
import { startGraphql } from "./graphql.js";
import { createLogger } from "./log.js";
import { ServerMetrics } from "./metrics.js";

export interface RunningServer {
  url: string;
  db: Database;
  services: Services;
  close(): Promise<void>;
}

export interface StartOptions {
  /** An already-open database (tests); otherwise one is opened from the settings. */
  db?: Database;
  log?: (line: string) => void;
  /** The structured JSON log; by default pino on stdout at LOG_LEVEL. */
  eventLog?: EventLog;
}

/** The one line for a port that cannot be listened on (in use, privileged, not an address of this machine). */
function listenFailure(error: unknown, settings: Settings): StartupError | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  const where = `port ${settings.port} on ${settings.host}`;
  if (code === "EADDRINUSE") return new StartupError(`${where} is in use by another process (EADDRINUSE); stop it or set PORT to a free port`);
  if (code === "EACCES") return new StartupError(`${where}: permission denied (EACCES); ports below 1024 need privileges, set PORT to 1024 or above`);
  if (code === "EADDRNOTAVAIL") return new StartupError(`HOST ${settings.host} is not an address of this machine (EADDRNOTAVAIL); set HOST to one of its addresses, or 0.0.0.0`);
  return undefined;
}

/** Fails at once when the port cannot be had, before the slow part of a start (the demo's first load takes minutes). */
async function checkPortFree(settings: Settings): Promise<void> {
  if (settings.port === 0) return;
  await new Promise<void>((resolve, reject) => {
    const probe = createNetServer();
    probe.once("error", (error) => reject(listenFailure(error, settings) ?? error));
    probe.listen({ port: settings.port, host: settings.host, exclusive: true }, () => probe.close(() => resolve()));
  });
}

export async function startServer(settings: Settings, options: StartOptions = {}): Promise<RunningServer> {
  const log = options.log ?? ((line: string) => console.log(line));
  await checkPortFree(settings);
  // What has been opened so far, closed in reverse order when a later step fails.
  const opened: (() => Promise<void> | void)[] = [];
  let step = "opening the database";
  try {
    const db = options.db ?? (await connect({ databaseUrl: settings.databaseUrl, dataDir: settings.dataDir, purpose: "skycube serve" }));
    if (!options.db) opened.push(() => db.close());
    step = "applying the migrations";
    const applied = await migrate(db.sql);
    if (applied.length > 0) log(`migrations applied: ${applied.join(", ")}`);
    step = "opening the cube";
    const cube = await openCube(cubeRootOf(settings), { digests: manifestDigests(db.sql) });
    opened.push(() => cube.close());
    const eventLog = options.eventLog ?? createLogger(settings.logLevel);
    const metrics = new ServerMetrics(db);
    cube.observer = metrics.cubeObserver;
    // Embedded: this process holds the folder alone, so every orphan is one. Shared PostgreSQL: other
    // writers may be between a shard's rename and its commit, so only what is an hour old is touched.
    const swept = await sweepCube(db.sql, cube.storage, { graceSeconds: db.kind === "pglite" ? 0 : 3600 });
    for (const name of swept.orphans) log(`cube: removed shard ${name}, which no row refers to (an ingest stopped before its commit)`);
    for (const path of swept.temporaries) log(`cube: removed ${path}, left by an interrupted write`);
    if (swept.retired.length > 0) log(`cube: deleted ${swept.retired.length} shards retired by compaction`);
    if (settings.demoCount > 0 && (await countGalaxies(db.sql)) === 0) {
      step = "loading the demo catalogue";
      const inserted = await loadDemo(db.sql, { count: settings.demoCount, cube });
      log(`empty catalogue: loaded ${inserted} SYNTHETIC demo galaxies`);
    }
    step = "starting the training queue";
    const training = await startTraining(settings, db, cube, cubeRootOf(settings), eventLog);
    opened.push(() => training.queue.stop());
    let apiToken = settings.apiToken;
    if (!apiToken) {
      apiToken = randomBytes(24).toString("base64url");
      log(`API_TOKEN is not set: mutations need the header "Authorization: Bearer ${apiToken}" (generated for this run)`);
    }
    const ingest = new IngestJobRunner(db, cube, { batchSize: settings.ingestBatchSize, onEvent: (event) => logIngestEvent(eventLog, event) });
    opened.push(() => ingest.stop());
    const embeddings = new EmbeddingService(db, cubeRootOf(settings), eventLog);
    opened.push(() => embeddings.stop());
    const services: Services = { db, cube, settings, training, ingest, embeddings, apiToken, log: eventLog };
    step = "starting GraphQL";
    const apollo = await startGraphql(settings);
    opened.push(() => apollo.stop());
    const app = createApp(apollo, services, metrics);
    step = "listening";
    const server = await new Promise<Server>((resolve, reject) => {
      const s = serve({ fetch: app.fetch, port: settings.port, hostname: settings.host }, () => {
        s.off("error", reject);
        resolve(s as Server);
      });
      s.once("error", reject);
    });
    return await running(server, { db, services, apollo, training, ingest, cube }, settings, options, log);
  } catch (error) {
    for (const close of opened.reverse()) await Promise.resolve().then(close).catch(() => {});
    const embedded = options.db ? options.db.kind === "pglite" : !settings.databaseUrl;
    const explained =
      listenFailure(error, settings) ??
      (!embedded && settings.databaseUrl ? databaseUrlFailure(error, settings.databaseUrl, step) : undefined) ??
      dataDirFailure(error, settings.dataDir, step, embedded);
    throw explained ?? error;
  }
}

interface Parts {
  db: Database;
  services: Services;
  apollo: Awaited<ReturnType<typeof startGraphql>>;
  training: Awaited<ReturnType<typeof startTraining>>;
  ingest: IngestJobRunner;
  cube: Awaited<ReturnType<typeof openCube>>;
}

async function running(server: Server, { db, services, apollo, training, ingest, cube }: Parts, settings: Settings, options: StartOptions, log: (line: string) => void): Promise<RunningServer> {
  // Idle keep-alive sockets live longer than clients' own idle timeouts, so a
  // client never sends a request on a socket the server is closing just then.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  const { port } = server.address() as AddressInfo;
  db.lock?.setServer(port, services.apiToken);
  // Jobs left by a stopped server resume once this one listens (their progress can be followed at once).
  const resumed = await ingest.start();
  if (resumed.length > 0) log(`ingest: resuming job${resumed.length > 1 ? "s" : ""} ${resumed.join(", ")}, interrupted by a stop`);
  const shownHost = settings.host === "0.0.0.0" ? "localhost" : settings.host;
  const url = `http://${shownHost}:${port}`;
  log(`skycube listening on ${url}/graphql (database: ${db.kind === "pglite" ? `embedded PGlite in ${settings.dataDir}` : "PostgreSQL"})`);
  return {
    url,
    db,
    services,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      await apollo.stop();
      await ingest.stop();
      await services.embeddings.stop();
      await training.queue.stop();
      cube.close();
      if (!options.db) await db.close();
    },
  };
}

/** One JSON line per ingest job event: the fields for machines, the sentence below as its message. */
function logIngestEvent(eventLog: EventLog, event: IngestEvent): void {
  const { job, outcome, report, error, seconds } = event;
  const fields = {
    event: "ingest job",
    jobId: job.id,
    outcome,
    input: describeIngestInput(job.input),
    attempt: job.attempts,
    ...(seconds === undefined ? {} : { durationS: seconds }),
    ...(report ? { inserted: report.inserted, merged: report.merged, alreadyPresent: report.alreadyPresent, skipped: report.skipped.length, batches: report.batches, shards: report.shards, bytes: report.bytes } : {}),
    ...(error ? { errorCode: error.code, error: error.message } : {}),
  };
  if (outcome === "failed") eventLog.warn(fields, ingestEventLine(event));
  else eventLog.info(fields, ingestEventLine(event));
}

function ingestEventLine({ job, outcome, report, error, seconds }: IngestEvent): string {
  const what = `ingest job ${job.id} (${describeIngestInput(job.input)})`;
  if (outcome === "started") return `${what}: started${job.attempts > 1 ? ` (attempt ${job.attempts})` : ""}`;
  if (outcome === "interrupted") return `${what}: stopped with the server after ${seconds!.toFixed(1)} s; it resumes at the next start`;
  if (outcome === "failed") return `${what}: FAILED after ${seconds!.toFixed(1)} s: ${error!.code}: ${error!.message}`;
  return `${what}: ${report!.inserted} new, ${report!.merged} joined, ${report!.alreadyPresent} already present, ${report!.skipped.length} skipped, in ${report!.batches} batches, ${seconds!.toFixed(1)} s`;
}
