#!/usr/bin/env node
/**
 * skycube command line: `skycube <command> [options]`. Honours the same
 * settings (DATA_DIR, DATABASE_URL, PORT, …) as the server.
 */
import "./environment.js";
import "reflect-metadata";
import { existsSync, readdirSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { countGalaxies } from "../catalog/bulk-load.js";
import { cubeRootOf, loadSettings, settingsMarkdown, type Settings } from "../config/settings.js";
import { openCube, type CubeStore } from "../cube/cube-store.js";
import { dataDirFailure } from "../db/data-dir.js";
import { DataDirLockedError, lockHolder } from "../db/data-dir-lock.js";
import { connect, databaseUrlFailure, type Database } from "../db/database.js";
import { StartupError } from "../errors/startup.js";
import { migrate } from "../db/migrate.js";
import { exportHisscube } from "../export/hisscube.js";
import { compactCube } from "../ingest/compact.js";
import { listShards, manifestDigests } from "../cube/manifest.js";
import { sweepCube } from "../cube/sweep.js";
import { ingestHisscube } from "../ingest/hisscube.js";
import { startSdssIngest, type IngestReport } from "../ingest/sdss/ingest.js";
import type { IngestInput } from "../ingest/jobs/input.js";
import { canHandOff, HandoffError, ingestViaServer } from "./handoff.js";
import { DEMO_SEED, loadDemoReport } from "../ingest/synthetic/load-demo.js";
import { writeSdssSurvey } from "../ingest/synthetic/sdss-files/write-survey.js";
import { didYouMean, parseOptions, UsageError } from "./options.js";
import { createLogger } from "../server/log.js";
import { Progress } from "./progress.js";
// The server, the GraphQL schema and the training queue are imported by the
// commands that use them: loading them costs ~1 s of a CLI command's start.
import { EXPERIMENT_OPTIONS, EXPERIMENT_USAGE, ExperimentCliError, runExperimentCommand } from "./experiment.js";

interface Command {
  summary: string;
  usage: string;
  run(args: string[], settings: Settings): Promise<void>;
}

const commands: Record<string, Command> = {
  serve: {
    summary: "Start the HTTP server (GraphQL at /graphql); what `npm start` runs.",
    usage: "serve",
    async run(args, settings) {
      parseOptions("serve", args, {}, this.usage);
      const { startServer } = await import("../server/start.js");
      const server = await startServer(settings);
      let stopping = false;
      const stop = async (signal: string) => {
        if (stopping) return;
        stopping = true;
        console.log(`${signal}: draining and stopping`);
        await server.close();
        process.exit(0);
      };
      process.on("SIGINT", () => void stop("SIGINT"));
      process.on("SIGTERM", () => void stop("SIGTERM"));
    },
  },
  worker: {
    summary: "Train queued predictor runs without serving HTTP (PostgreSQL with the pg-boss queue); what `npm run worker` runs.",
    usage: "worker",
    async run(args, settings) {
      parseOptions("worker", args, {}, this.usage);
      if (!settings.databaseUrl) {
        throw new UsageError("worker needs DATABASE_URL (a PostgreSQL server shared with the servers); with the embedded PGlite the server trains itself");
      }
      const [{ makeQueue }, { TRAINING_QUEUE }] = await Promise.all([import("../models/training/setup.js"), import("../models/training/queue.js")]);
      const db = await connect({ databaseUrl: settings.databaseUrl, maxConnections: 2 });
      await migrate(db.sql).catch((error: unknown) => {
        throw explainFailure(error, settings, "applying the migrations");
      });
      const queue = makeQueue({ ...settings, trainingQueue: "pg-boss" }, db, cubeRootOf(settings), true, false, undefined, createLogger(settings.logLevel));
      await queue.start();
      console.log(`worker ${process.pid}: waiting for training runs (queue ${TRAINING_QUEUE})`);
      let stopping = false;
      const stop = async (signal: string) => {
        if (stopping) return;
        stopping = true;
        console.log(`${signal}: stopping; runs in progress are marked FAILED`);
        await queue.stop();
        await db.close();
        process.exit(0);
      };
      process.on("SIGINT", () => void stop("SIGINT"));
      process.on("SIGTERM", () => void stop("SIGTERM"));
    },
  },
  experiment: {
    summary: `Run an experiment (a grid of training runs on one split, or --preset THESIS) in the server holding DATA_DIR (or --url), with a progress bar; prints its table. Options: ${EXPERIMENT_OPTIONS}`,
    usage: EXPERIMENT_USAGE,
    async run(args, settings) {
      try {
        const status = await runExperimentCommand(args, settings.databaseUrl ? null : lockHolder(settings.dataDir), settings.apiToken);
        if (status === "FAILED" || status === "CANCELLED") process.exitCode = 1;
      } catch (error) {
        if (error instanceof ExperimentCliError) throw new UsageError(error.message);
        throw error;
      }
    },
  },
  migrate: {
    summary: "Apply pending database migrations.",
    usage: "migrate",
    async run(args, settings) {
      parseOptions("migrate", args, {}, this.usage);
      await withDatabase(settings, "skycube migrate", async (_db, applied) => {
        console.log(applied.length === 0 ? "migrate: database is up to date" : `migrate: applied ${applied.join(", ")}`);
      });
    },
  },
  demo: {
    summary: "Load the synthetic demo survey (idempotent for a given seed and count); with --write-sdss DIR, write it as SDSS files instead.",
    usage: "demo [--count N] [--seed S] [--write-sdss DIR]",
    async run(args, settings) {
      const { values } = parseOptions("demo", args, { count: { type: "string", default: "2000" }, seed: { type: "string", default: String(DEMO_SEED) }, "write-sdss": { type: "string" } }, this.usage);
      const count = Number(values.count);
      const seed = Number(values.seed);
      if (!Number.isInteger(count) || count < 1 || count > 1_000_000) throw new UsageError("--count must be an integer in [1, 1000000]");
      if (!Number.isInteger(seed) || seed < 0) throw new UsageError("--seed must be a non-negative integer");
      if (values["write-sdss"] !== undefined) return writeSdssDemo(values["write-sdss"], count, seed);
      await withDatabase(settings, "skycube demo", async (db, _applied, cube) => {
        const progress = new Progress("demo", count);
        const report = await loadDemoReport(db.sql, { count, seed, cube, onProgress: (done) => progress.update(done) });
        const seconds = progress.finish();
        console.log(
          `demo: ${report.inserted} new SYNTHETIC galaxies (${count - report.inserted} already present) in ${report.batches} batches, ` +
            `${await countGalaxies(db.sql)} in the catalogue, ${seconds.toFixed(1)} s (${(count / seconds).toFixed(0)} objects/s)`,
        );
      });
    },
  },
  ingest: {
    summary:
      "Load real data: `ingest sdss --spectra DIR [--frames DIR] [--sfr gal_info.fits,gal_totsfr.fits]` or `ingest hisscube FILE.h5` (idempotent; " +
      "while a server holds DATA_DIR, the work is sent to it and followed).",
    usage: "ingest sdss|hisscube …",
    async run(args, settings) {
      const input = ingestInputOf(args);
      const started = Date.now();
      const holder = settings.databaseUrl ? null : lockHolder(settings.dataDir);
      let report: IngestReport;
      if (holder && canHandOff(holder)) {
        console.error(`DATA_DIR ${settings.dataDir} is served by pid ${holder.pid} on port ${holder.port}: sending the ingest to it`);
        try {
          report = await ingestViaServer(holder, input, {
            onProgress: stageProgress(),
            onQueued: (id) => console.error(`ingest job ${id} queued in the server (it goes on if this command is interrupted; query ingestJob(id: "${id}"))`),
          });
        } catch (error) {
          if (error instanceof HandoffError) throw new UsageError(error.message);
          throw error;
        }
      } else {
        const onProgress = stageProgress();
        // The first field decompresses while the database opens.
        const early = input.source === "sdss"
          ? startSdssIngest({
              spectraDir: input.spectra, framesDir: input.frames, sfr: input.sfr, batchSize: settings.ingestBatchSize, onProgress,
              onBatch: settings.ingestLogBatches
                ? (b) => console.log(`batch ${b.index} objects ${b.objects} stored ${b.storedBefore} load_ms ${b.loadMs.toFixed(1)} wall_ms ${b.wallMs.toFixed(1)}`)
                : undefined,
            })
          : null;
        try {
          report = await withDatabase(settings, `skycube ingest ${input.source}`, (db, _applied, cube) =>
            early ? early.run(db.sql, cube) : ingestHisscube(db.sql, { cube, batchSize: settings.ingestBatchSize, onProgress, path: (input as { path: string }).path }));
        } finally {
          early?.stop();
        }
      }
      for (const skip of report.skipped) console.log(`skipped ${skip.file}: ${skip.reason}`);
      console.log(ingestSummary(input, report, (Date.now() - started) / 1000));
    },
  },
  export: {
    summary: "Write the cube in HiSS-Cube's DATASET layout: `export hisscube OUT.h5` (galaxies with an image and a spectrum).",
    usage: "export hisscube OUT.h5",
    async run(args, settings) {
      const [format, out] = parseOptions("export", args, {}, this.usage, 2).positionals;
      if (format !== "hisscube" || !out) throw new UsageError("usage: export hisscube OUT.h5");
      if (!existsSync(dirname(resolve(out)))) throw new UsageError(`${dirname(resolve(out))} does not exist`);
      await withDatabase(settings, "skycube export", async (db, _applied, cube) => {
        const started = Date.now();
        let progress: Progress | undefined;
        const { targets } = await exportHisscube(db.sql, cube, out, { onProgress: (done, total) => (progress ??= new Progress("export", total)).update(done) });
        progress?.finish();
        console.log(`export hisscube: ${targets} targets written to ${out}, ${((Date.now() - started) / 1000).toFixed(1)} s`);
      });
    },
  },
  cube: {
    summary: "Maintain the cube: `cube compact` merges each sky cell's small shards (served values unchanged); `cube shards` lists them.",
    usage: "cube compact|shards",
    async run(args, settings) {
      const [action] = parseOptions("cube", args, {}, this.usage, 1).positionals;
      if (action !== "compact" && action !== "shards") throw new UsageError(`cube: unknown action ${JSON.stringify(action ?? "")}${didYouMean(action ?? "", ["compact", "shards"])}; usage: cube compact | cube shards`);
      await withDatabase(settings, `skycube cube ${action}`, async (db, _applied, cube) => {
        if (action === "shards") {
          for (const s of await listShards(db.sql)) console.log(`${s.id}\t${s.name}\t${s.live}/${s.rows ?? "?"} rows live\t${s.bytes ?? "?"} bytes${s.retiredAt ? "\tretired" : ""}`);
          return;
        }
        let progress: Progress | undefined;
        const report = await compactCube(db.sql, cube, { targetRows: settings.ingestBatchSize, onProgress: (done, total) => (progress ??= new Progress("cells", total)).update(done) });
        progress?.finish();
        const swept = await sweepCube(db.sql, cube.storage, { graceSeconds: db.kind === "pglite" ? 0 : 3600 });
        console.log(`cube compact: ${report.cells} cells, ${report.moved} galaxies moved, ${report.shardsBefore} → ${report.shardsAfter} shards, ${swept.retired.length} retired shard files deleted`);
      });
    },
  },
  hyperparameters: {
    summary: "Print the learners' hyperparameter table (Markdown, generated from the learner registry; the README's table).",
    usage: "hyperparameters",
    async run(args) {
      parseOptions("hyperparameters", args, {}, this.usage);
      const { hyperparameterMarkdown } = await import("../models/training/learners.js");
      process.stdout.write(hyperparameterMarkdown() + "\n");
    },
  },
  schema: {
    summary: "Print the GraphQL SDL (or write it with --out FILE).",
    usage: "schema [--out FILE]",
    async run(args) {
      const { values } = parseOptions("schema", args, { out: { type: "string" } }, this.usage);
      const [{ printSchema }, { graphqlSchema }] = await Promise.all([import("graphql"), import("../server/schema.js")]);
      const sdl = printSchema(await graphqlSchema()) + "\n";
      if (values.out) writeFileSync(values.out, sdl);
      else process.stdout.write(sdl);
    },
  },
};

/** `demo --write-sdss DIR`: the survey as SDSS frame, spec and MPA-JHU files (no database). */
async function writeSdssDemo(dir: string, count: number, seed: number): Promise<void> {
  if (existsSync(dir) && readdirSync(dir).length > 0) throw new UsageError(`--write-sdss: ${dir} is not empty; give a new or empty folder`);
  const progress = new Map<string, Progress>();
  const s = await writeSdssSurvey({
    dir, count, seed,
    onProgress: (stage, done, total) => {
      if (!progress.has(stage)) progress.set(stage, new Progress(stage, total));
      progress.get(stage)!.update(done);
      if (done === total) progress.get(stage)!.finish();
    },
  });
  console.log(`demo --write-sdss: ${s.objects} objects, ${s.spectra} spectra, ${s.fields} fields, ${s.frames} frames, ${s.labels} labels, ${(s.bytes / 1e6).toFixed(1)} MB in ${dir}, ${s.seconds.toFixed(1)} s`);
}

/** The ingest the command line asks for, its paths absolute (a server may run it). */
function ingestInputOf(args: string[]): IngestInput {
  const [source, ...rest] = args;
  if (source === "hisscube") {
    const [path] = parseOptions("ingest hisscube", rest, {}, "ingest hisscube FILE.h5", 1).positionals;
    if (!path || !existsSync(path)) throw new UsageError(`ingest hisscube needs an existing HiSS-Cube file, got ${JSON.stringify(path ?? "")}`);
    return { source: "hisscube", path: resolve(path) };
  }
  if (source !== "sdss") throw new UsageError(`ingest: unknown source ${JSON.stringify(source ?? "")}${didYouMean(source ?? "", ["sdss", "hisscube"])}; use 'ingest sdss' or 'ingest hisscube'`);
  const usage = "ingest sdss --spectra DIR [--frames DIR] [--sfr gal_info.fits,gal_totsfr.fits]";
  const { values } = parseOptions("ingest sdss", rest, { spectra: { type: "string" }, frames: { type: "string" }, sfr: { type: "string" } }, usage);
  if (!values.spectra) throw new UsageError("ingest sdss needs --spectra DIR (a folder of spec-PLATE-MJD-FIBER.fits files)");
  const sfr = values.sfr?.split(",");
  if (sfr && sfr.length !== 2) throw new UsageError("--sfr takes two files: gal_info.fits,gal_totsfr.fits");
  for (const path of [values.spectra, values.frames, ...(sfr ?? [])]) {
    if (path !== undefined && !existsSync(path)) throw new UsageError(`${path} does not exist`);
  }
  return {
    source: "sdss",
    spectra: resolve(values.spectra),
    ...(values.frames !== undefined && { frames: resolve(values.frames) }),
    ...(sfr && { sfr: [resolve(sfr[0]), resolve(sfr[1])] as [string, string] }),
  };
}

function ingestSummary(input: IngestInput, report: IngestReport, seconds: number): string {
  const rate = `${seconds.toFixed(1)} s (${(report.objects / seconds).toFixed(0)} objects/s, ${(report.bytes / 1e6).toFixed(0)} MB of cube in ${report.shards} shards)`;
  if (input.source === "hisscube") {
    return (
      `ingest hisscube: ${report.objects} targets in ${report.batches} batches; ${report.inserted} new, ${report.merged} joined objects already catalogued, ` +
      `${report.alreadyPresent} already present, ${report.skipped.length} skipped, ${rate}`
    );
  }
  return (
    `ingest sdss: ${report.spectraRead} spectra → ${report.objects} objects in ${report.batches} batches; ${report.inserted} new, ` +
    `${report.merged} joined objects already catalogued, ${report.alreadyPresent} already present, ` +
    `${report.withImage} with images, ${report.withSfrLabel} with SFR labels, ${report.skipped.length} skipped, ${rate}`
  );
}

/** Opens the configured database, migrated, and the cube, for the length of a command. */
async function withDatabase<T>(settings: Settings, purpose: string, work: (db: Database, applied: string[], cube: CubeStore) => Promise<T>): Promise<T> {
  let db: Database;
  try {
    db = await connect({ databaseUrl: settings.databaseUrl, dataDir: settings.dataDir, purpose });
  } catch (error) {
    if (error instanceof DataDirLockedError) throw new UsageError(error.message);
    throw explainFailure(error, settings, "opening the database");
  }
  let cube: CubeStore;
  try {
    cube = await openCube(cubeRootOf(settings), { digests: manifestDigests(db.sql) });
  } catch (error) {
    await db.close().catch(() => {});
    throw explainFailure(error, settings, "opening the cube");
  }
  let step = "applying the migrations";
  try {
    const applied = await migrate(db.sql);
    // What an interrupted command left: shards no row refers to, temporary files (see cube/sweep.ts).
    const swept = await sweepCube(db.sql, cube.storage, { graceSeconds: db.kind === "pglite" ? 0 : 3600 });
    const leftovers = swept.orphans.length + swept.temporaries.length;
    if (leftovers > 0) console.error(`cube: removed ${swept.orphans.length} shards no row refers to and ${swept.temporaries.length} temporary files, left by an interrupted run`);
    step = purpose.replace(/^skycube /, "running ");
    return await work(db, applied, cube);
  } catch (error) {
    throw explainFailure(error, settings, step);
  } finally {
    cube.close();
    await db.close();
  }
}

/** The one-line StartupError for a failure the database server or DATA_DIR explains, else the error itself. */
function explainFailure(error: unknown, settings: Settings, step: string): unknown {
  const embedded = !settings.databaseUrl;
  return (!embedded ? databaseUrlFailure(error, settings.databaseUrl, step) : undefined) ?? dataDirFailure(error, settings.dataDir, step, embedded) ?? error;
}

/** One progress bar per stage of an ingest. */
function stageProgress(): (stage: string, done: number, total: number) => void {
  const bars = new Map<string, Progress>();
  return (stage, done, total) => {
    if (!bars.has(stage)) bars.set(stage, new Progress(stage, total));
    bars.get(stage)!.update(done);
    if (done === total) bars.get(stage)!.finish();
  };
}

function help(): string {
  const lines = Object.values(commands).map((c) => `  ${c.usage.padEnd(28)} ${c.summary}`);
  return `usage: skycube <command> [options]\n\ncommands:\n${lines.join("\n")}\n\nconfiguration (environment variables):\n${settingsMarkdown()}\n`;
}

async function main(argv: string[]): Promise<void> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "help" || name === "--help" || name === "-h") {
    process.stdout.write(help());
    return;
  }
  const command = commands[name];
  if (!command) throw new UsageError(`unknown command ${JSON.stringify(name)}${didYouMean(name, Object.keys(commands))}; run 'skycube help'`);
  await command.run(rest, loadSettings());
}

main(process.argv.slice(2)).catch((error: unknown) => {
  // A caller's mistake (exit 2) or the machine's (exit 1): one line each, no stack trace.
  if (error instanceof UsageError || (error instanceof Error && error.message.startsWith("Bad configuration"))) {
    console.error(`skycube: ${error.message}`);
    process.exit(2);
  }
  if (error instanceof StartupError || error instanceof DataDirLockedError) {
    console.error(`skycube: ${error.message}`);
    process.exit(1);
  }
  console.error(error);
  process.exit(1);
});
