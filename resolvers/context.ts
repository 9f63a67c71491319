/**
 * What every resolver gets: the database, the settings, the model service,
 * whether the caller is authenticated, and per-request DataLoaders (made
 * anew for each request so nothing is cached across users).
 */
import DataLoader from "dataloader";
import { timingSafeEqual } from "node:crypto";
import { galaxiesByIds } from "../catalog/galaxies.js";
import type { GalaxyRecord } from "../catalog/galaxy-record.js";
import { sourcesByGalaxyIds, type SourceRecord } from "../catalog/sources.js";
import type { Settings } from "../config/settings.js";
import { UnauthenticatedError } from "../errors/codes.js";
import type { CubeStore } from "../cube/cube-store.js";
import type { Database } from "../db/database.js";
import type { IngestJobRunner } from "../ingest/jobs/runner.js";
import { listPredictors, predictorsByIds, type PredictorRecord } from "../models/store/predictors.js";
import { aliasesByPredictorIds, resolvePredictorRef, type RefProblem } from "../models/store/registry.js";
import type { PredictionRecord } from "../models/store/predictions.js";
import { runsByIds, type RunRecord } from "../models/store/runs.js";
import { sourceCounts } from "../models/store/source-counts.js";
import type { TrainingService } from "../models/training/service.js";
import type { EmbeddingService } from "../models/embedding/service.js";
import type { EventLog } from "../types/event-log.js";

/** Everything the server holds for the lifetime of the process. */
export interface Services {
  db: Database;
  cube: CubeStore;
  settings: Settings;
  training: TrainingService;
  /** Embedding jobs (PCA, t-SNE, UMAP), computed in worker threads of this process and cached in the database. */
  embeddings: EmbeddingService;
  /** Runs ingest jobs (ingestFiles) in this process, the one writer of its data. */
  ingest: IngestJobRunner;
  /** The bearer token mutations need. */
  apiToken: string;
  /** The structured JSON log (server/log.ts): one line per request, training run, ingest job. */
  log: EventLog;
}

export interface Loaders {
  galaxy: DataLoader<string, GalaxyRecord | null>;
  sources: DataLoader<string, SourceRecord[]>;
  run: DataLoader<string, RunRecord | null>;
  predictor: DataLoader<string, PredictorRecord | null>;
  /** Key `${predictorId}/${galaxyId}`; computes and stores missing predictions. */
  prediction: DataLoader<string, PredictionRecord | null>;
  /** Every predictor's prediction of a galaxy (missing ones computed and stored, as for `prediction`). */
  galaxyPredictions: DataLoader<string, PredictionRecord[]>;
  /** A predictor reference (id, name@version, name@alias) → its id, or what is wrong with it. */
  predictorRef: DataLoader<string, { id: string } | RefProblem>;
  aliases: DataLoader<string, string[]>;
  /** Galaxy id → sources in its r-band cutout (computed and stored on first read), null without an image. */
  sourceCount: DataLoader<string, number | null>;
}

export interface Context extends Services {
  authenticated: boolean;
  /** The server's public origin as the client reached it (VO_BASE_URL, or from the request's Host), for URLs in responses; "" makes them relative. */
  baseUrl: string;
  loaders: Loaders;
}

export function isAuthorized(header: string | null | undefined, token: string): boolean {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? "");
  if (!match || !token) return false;
  const given = Buffer.from(match[1]);
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Mutations (and reads of server-side paths) need the bearer token: UNAUTHENTICATED otherwise. */
export function requireToken(context: Pick<Context, "authenticated">): void {
  if (!context.authenticated) throw new UnauthenticatedError();
}

/** Batches (predictor, galaxy) keys by predictor: one stored lookup (plus one computation for missing ones) per predictor. */
function predictionLoader(services: Services, predictor: DataLoader<string, PredictorRecord | null>) {
  return new DataLoader<string, PredictionRecord | null>(
    async (keys) => {
      const byPredictor = new Map<string, string[]>();
      for (const key of keys) {
        const [p, g] = key.split("/");
        const list = byPredictor.get(p);
        if (list) list.push(g);
        else byPredictor.set(p, [g]);
      }
      const results = new Map<string, PredictionRecord | null>();
      for (const [predictorId, galaxyIds] of byPredictor) {
        const record = await predictor.load(predictorId);
        if (!record) {
          for (const g of galaxyIds) results.set(`${predictorId}/${g}`, null);
          continue;
        }
        const found = await services.training.predict(record, galaxyIds);
        galaxyIds.forEach((g, i) => results.set(`${predictorId}/${g}`, found[i]));
      }
      return keys.map((k) => results.get(k) ?? null);
    },
    { maxBatchSize: 1000 },
  );
}

/**
 * Every predictor's prediction of each galaxy, through the same loader as
 * `prediction(predictor:)` — so a galaxy ingested after training shows the
 * same predictors in both fields of one response (missing ones are
 * computed and stored once).
 */
function galaxyPredictionsLoader(services: Services, prediction: DataLoader<string, PredictionRecord | null>) {
  let predictors: Promise<PredictorRecord[]> | undefined;
  return new DataLoader<string, PredictionRecord[]>(
    async (galaxyIds) => {
      predictors ??= listPredictors(services.db.sql);
      const all = await predictors;
      const found = await Promise.all(galaxyIds.map((g) => prediction.loadMany(all.map((p) => `${p.id}/${g}`))));
      return found.map((list) => {
        const error = list.find((p) => p instanceof Error);
        if (error) throw error;
        return list.filter((p): p is PredictionRecord => p !== null);
      });
    },
    { maxBatchSize: 1000 },
  );
}

/**
 * The request's loaders, each made on first use: most requests touch one or
 * none of them, and making all nine for every request cost ~1 % of a small
 * cone search's server time (bench:http profile).
 */
class LazyLoaders implements Loaders {
  #galaxy?: Loaders["galaxy"];
  #sources?: Loaders["sources"];
  #run?: Loaders["run"];
  #predictor?: Loaders["predictor"];
  #prediction?: Loaders["prediction"];
  #galaxyPredictions?: Loaders["galaxyPredictions"];
  #predictorRef?: Loaders["predictorRef"];
  #aliases?: Loaders["aliases"];
  #sourceCount?: Loaders["sourceCount"];

  constructor(private readonly services: Services) {}

  get galaxy() {
    return (this.#galaxy ??= new DataLoader((ids) => galaxiesByIds(this.services.db.sql, ids), { maxBatchSize: 1000 }));
  }
  get sources() {
    return (this.#sources ??= new DataLoader((ids) => sourcesByGalaxyIds(this.services.db.sql, ids), { maxBatchSize: 1000 }));
  }
  get run() {
    return (this.#run ??= new DataLoader((ids) => runsByIds(this.services.db.sql, ids), { maxBatchSize: 1000 }));
  }
  get predictor() {
    return (this.#predictor ??= new DataLoader((ids: readonly string[]) => predictorsByIds(this.services.db.sql, ids), { maxBatchSize: 1000 }));
  }
  get prediction() {
    return (this.#prediction ??= predictionLoader(this.services, this.predictor));
  }
  get galaxyPredictions() {
    return (this.#galaxyPredictions ??= galaxyPredictionsLoader(this.services, this.prediction));
  }
  get predictorRef() {
    return (this.#predictorRef ??= new DataLoader((refs) => Promise.all(refs.map((ref) => resolvePredictorRef(this.services.db.sql, ref))), { maxBatchSize: 100 }));
  }
  get aliases() {
    return (this.#aliases ??= new DataLoader((ids) => aliasesByPredictorIds(this.services.db.sql, ids), { maxBatchSize: 1000 }));
  }
  get sourceCount() {
    return (this.#sourceCount ??= new DataLoader(
      async (ids) => {
        const counts = await sourceCounts(this.services.db.sql, this.services.cube, ids);
        return ids.map((id) => counts.get(id) ?? null);
      },
      { maxBatchSize: 1000 },
    ));
  }
}

export function makeContext(services: Services, authorization?: string | null, baseUrl = ""): Context {
  return {
    ...services,
    authenticated: isAuthorized(authorization, services.apiToken),
    baseUrl,
    loaders: new LazyLoaders(services),
  };
}
