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
import type { CubeStore } from "../cube/cube-store.js";
import type { Database } from "../db/database.js";
import { predictorsByIds, type PredictorRecord } from "../models/store/predictors.js";
import { predictionsByGalaxyIds, type PredictionRecord } from "../models/store/predictions.js";
import { runsByIds, type RunRecord } from "../models/store/runs.js";
import type { TrainingService } from "../models/training/service.js";

/** Everything the server holds for the lifetime of the process. */
export interface Services {
  db: Database;
  cube: CubeStore;
  settings: Settings;
  training: TrainingService;
  /** The bearer token mutations need. */
  apiToken: string;
}

export interface Loaders {
  galaxy: DataLoader<string, GalaxyRecord | null>;
  sources: DataLoader<string, SourceRecord[]>;
  run: DataLoader<string, RunRecord | null>;
  predictor: DataLoader<string, PredictorRecord | null>;
  /** Key `${predictorId}/${galaxyId}`; computes and stores missing predictions. */
  prediction: DataLoader<string, PredictionRecord | null>;
  galaxyPredictions: DataLoader<string, PredictionRecord[]>;
}

export interface Context extends Services {
  authenticated: boolean;
  loaders: Loaders;
}

export function isAuthorized(header: string | null | undefined, token: string): boolean {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? "");
  if (!match || !token) return false;
  const given = Buffer.from(match[1]);
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
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

export function makeContext(services: Services, authorization?: string | null): Context {
  const { db } = services;
  const predictor = new DataLoader((ids: readonly string[]) => predictorsByIds(db.sql, ids), { maxBatchSize: 1000 });
  return {
    ...services,
    authenticated: isAuthorized(authorization, services.apiToken),
    loaders: {
      galaxy: new DataLoader((ids) => galaxiesByIds(db.sql, ids), { maxBatchSize: 1000 }),
      sources: new DataLoader((ids) => sourcesByGalaxyIds(db.sql, ids), { maxBatchSize: 1000 }),
      run: new DataLoader((ids) => runsByIds(db.sql, ids), { maxBatchSize: 1000 }),
      predictor,
      prediction: predictionLoader(services, predictor),
      galaxyPredictions: new DataLoader((ids) => predictionsByGalaxyIds(db.sql, ids), { maxBatchSize: 1000 }),
    },
  };
}
