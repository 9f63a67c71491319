/**
 * What every resolver gets: the database, the settings, and per-request
 * DataLoaders (made anew for each request so nothing is cached across users).
 */
import DataLoader from "dataloader";
import { galaxiesByIds } from "../catalog/galaxies.js";
import type { GalaxyRecord } from "../catalog/galaxy-record.js";
import { sourcesByGalaxyIds, type SourceRecord } from "../catalog/sources.js";
import type { Settings } from "../config/settings.js";
import type { CubeReader } from "../cube/store.js";
import type { Database } from "../db/database.js";

export interface Loaders {
  galaxy: DataLoader<string, GalaxyRecord | null>;
  sources: DataLoader<string, SourceRecord[]>;
}

export interface Context {
  db: Database;
  /** The HDF5 cube of images and spectra (one reader for the process). */
  cube: CubeReader;
  settings: Settings;
  loaders: Loaders;
}

export function makeContext(db: Database, cube: CubeReader, settings: Settings): Context {
  return {
    db,
    cube,
    settings,
    loaders: {
      galaxy: new DataLoader((ids) => galaxiesByIds(db.sql, ids), { maxBatchSize: 1000 }),
      sources: new DataLoader((ids) => sourcesByGalaxyIds(db.sql, ids), { maxBatchSize: 1000 }),
    },
  };
}
