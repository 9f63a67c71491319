/**
 * The worker-thread side of a training run: opens the cube read-only, runs
 * the pipeline, posts progress and the outcome. Training never runs on the
 * server's event loop.
 *
 * Messages in:  { type: "cancel" }
 * Messages out: { type: "progress", ... } | { type: "done", outcome } | { type: "failed", message, code?, cancelled }
 */
import { parentPort, workerData } from "node:worker_threads";
import { CubeStore } from "../../cube/cube-store.js";
import { LocalShardStorage } from "../../cube/storage.js";
import { runTraining, type TrainingGalaxies } from "./pipeline.js";
import type { TrainInput } from "./input.js";
import { runClassification } from "./classification.js";
import { isClassification } from "./target.js";
import { passGate } from "./iteration-gate.js";
import { THREAD_CRASHED } from "../cnn/index.js";

interface Job {
  input: TrainInput;
  galaxies: TrainingGalaxies;
  /** The folder holding the cube's shards (DATA_DIR). */
  cubePath: string;
  threads?: number;
  /** Tests only (./iteration-gate.ts): pause after each curve point while the gate holds. */
  gate?: SharedArrayBuffer;
}

const port = parentPort!;
const job = workerData as Job;
const controller = new AbortController();
port.on("message", (message: { type: string }) => {
  if (message.type === "cancel") controller.abort();
});

try {
  // Its shards were checked against the manifest by the executor (./executor.ts) before this thread started.
  const cube = await CubeStore.create(new LocalShardStorage(job.cubePath));
  try {
    const run = isClassification(job.input) ? runClassification : runTraining;
    const outcome = await run(job.input, job.galaxies, cube, {
      signal: controller.signal,
      threads: job.threads,
      onProgress: (p) => {
        port.postMessage({ type: "progress", ...p });
        if (p.point && job.gate) passGate(job.gate);
      },
    });
    const { value, sigma } = outcome.predictions;
    const probabilities = outcome.classification ? [outcome.classification.probabilities.buffer as ArrayBuffer] : [];
    port.postMessage({ type: "done", outcome }, [value.buffer as ArrayBuffer, sigma.buffer as ArrayBuffer, ...probabilities]);
  } finally {
    cube.close();
  }
} catch (error) {
  const e = error as Error & { code?: unknown };
  // A training failure code survives the thread boundary (./failure.ts); other codes may quote internals.
  const code = e.code === THREAD_CRASHED ? e.code : undefined;
  port.postMessage({ type: "failed", message: e.message || String(e), name: e.name, code, cancelled: controller.signal.aborted });
}
