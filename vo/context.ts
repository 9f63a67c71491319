/** What every VO service needs: the catalogue, the cube and the settings. */
import type { Settings } from "../config/settings.js";
import type { CubeStore } from "../cube/cube-store.js";
import type { Database } from "../db/database.js";

export interface VoContext {
  db: Database;
  cube: CubeStore;
  settings: Settings;
}

/** Publisher dataset identifiers (ObsCore obs_publisher_did, SSA DataID.DatasetID): ivo://skycube/galaxy?{id}, with a #fragment for products. */
export const PUBLISHER_AUTHORITY = "ivo://skycube";
export const galaxyDid = (id: string): string => `${PUBLISHER_AUTHORITY}/galaxy?${id}`;

/** The galaxy id inside a publisher DID, or a bare id; null when neither. */
export function galaxyIdOfDid(did: string): string | null {
  const match = /^(?:ivo:\/\/skycube\/galaxy\?)?([1-9]\d{0,18})(?:[#/].*)?$/.exec(did.trim());
  return match && BigInt(match[1]) <= 9223372036854775807n ? match[1] : null;
}
