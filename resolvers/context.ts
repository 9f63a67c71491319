/**
 * What every resolver gets: the database, the settings, and per-request
 * DataLoaders (made anew for each request so nothing is cached across users).
 */
import DataLoader from "dataloader";
import { galaxiesByIds } from "../catalog/galaxies.js";
import type { GalaxyRecord } from "../catalog/galaxy-record.js";
import type { Settings } from "../config/settings.js";
import type { Database } from "../db/database.js";

export interface Loaders {
  galaxy: DataLoader<string, GalaxyRecord | null>;
}

export interface Context {
  db: Database;
  settings: Settings;
  loaders: Loaders;
}

export function makeContext(db: Database, settings: Settings): Context {
  return {
    db,
    settings,
    loaders: {
      galaxy: new DataLoader((ids) => galaxiesByIds(db.sql, ids), { maxBatchSize: 1000 }),
    },
  };
}
