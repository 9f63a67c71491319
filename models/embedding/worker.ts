/**
 * The worker-thread side of an embedding job: opens the cube read-only,
 * reads the galaxies' features, embeds them (./compute.ts), posts x and y.
 * The embedding never runs on the server's event loop.
 *
 * Messages out: { type: "done", x, y, explainedVariance, columns } | { type: "failed", message }
 */
import { parentPort, workerData } from "node:worker_threads";
import { CubeStore } from "../../cube/cube-store.js";
import { LocalShardStorage } from "../../cube/storage.js";
import { loadPart, partsOf, type FeatureSource, type FeatureSpec } from "../features/feature-set.js";
import { MemberData } from "../training/learners.js";
import { embed, type EmbeddingMethod } from "./compute.js";

export interface EmbeddingJob {
  sources: FeatureSource[];
  spec: FeatureSpec;
  method: EmbeddingMethod;
  seed: number;
  cubePath: string;
}

const port = parentPort!;
const job = workerData as EmbeddingJob;
try {
  // Its shards were checked against the manifest by the service (./service.ts) before this thread started.
  const cube = await CubeStore.create(new LocalShardStorage(job.cubePath));
  try {
    const data = new MemberData(partsOf(job.spec.modality).map((p) => loadPart(cube, job.sources, p, job.spec)), job.spec);
    const matrix = data.tabular(job.sources.map((_, i) => i));
    const result = embed(matrix, job.method, job.seed);
    port.postMessage({ type: "done", x: result.x, y: result.y, explainedVariance: result.explainedVariance, columns: matrix.cols });
  } finally {
    cube.close();
  }
} catch (error) {
  port.postMessage({ type: "failed", message: (error as Error).message || String(error) });
}
