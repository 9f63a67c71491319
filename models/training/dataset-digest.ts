/**
 * What a run was trained on, made checkable: a SHA-256 over the labelled
 * galaxies it saw (ids in id order, each with its label value exactly as
 * stored) and the content hashes of the cube shards their data came from.
 * Two runs with the same digest saw the same galaxies, labels and pixels.
 *
 *   "skycube-dataset-v1\n" + ("galaxy <id> <label>\n")* + ("shard <hash>\n")*
 *
 * labels are written with JavaScript's shortest round-trip form of the
 * float64 (`String(x)`), so the text is the same on every platform.
 */
import { createHash } from "node:crypto";

export const DATASET_DIGEST_VERSION = "skycube-dataset-v1";

export interface DatasetDigestInput {
  /** Labelled galaxies, any order (sorted here by id as integers). */
  galaxyIds: readonly string[];
  labels: ArrayLike<number>;
  /**
   * CUBE SHARDS: content hashes (hex) of the cube shards holding these
   * galaxies' images and spectra, in shard order. Empty until the sharded
   * cube (migration 005) records them — the lead adds them here.
   */
  cubeShardHashes: readonly string[];
}

export function datasetDigest(input: DatasetDigestInput): string {
  const order = input.galaxyIds.map((_, i) => i).sort((a, b) => {
    const x = BigInt(input.galaxyIds[a]);
    const y = BigInt(input.galaxyIds[b]);
    return x < y ? -1 : x > y ? 1 : 0;
  });
  const hash = createHash("sha256");
  hash.update(`${DATASET_DIGEST_VERSION}\n`);
  for (const i of order) hash.update(`galaxy ${input.galaxyIds[i]} ${String(input.labels[i])}\n`);
  for (const shard of input.cubeShardHashes) hash.update(`shard ${shard}\n`);
  return hash.digest("hex");
}
