/** Callers train inside worker_threads: the backend must start and train there. */
import { it } from "node:test";
import assert from "node:assert/strict";
import { Worker } from "node:worker_threads";

async function trainInWorker(env: NodeJS.ProcessEnv) {
  const worker = new Worker(new URL("./support/cnn-worker.js", import.meta.url), { env });
  try {
    return await new Promise<{ backend: string; epochs: number[]; finite: boolean; saved: number }>((resolve, reject) => {
      worker.once("message", resolve);
      worker.once("error", reject);
      worker.once("exit", (code) => reject(new Error(`worker exited with ${code} before reporting`)));
    });
  } finally {
    await worker.terminate();
  }
}

it("trains on the wasm backend inside a worker thread (TFJS_BACKEND=wasm)", async () => {
  const result = await trainInWorker({ ...process.env, TFJS_BACKEND: "wasm" });
  assert.deepEqual(result, { backend: "wasm", epochs: [1, 2], finite: true, saved: result.saved });
  assert.ok(result.saved > 0);
});

it("picks native TensorFlow when installed, else wasm, inside a worker thread", async () => {
  const env = { ...process.env };
  delete env.TFJS_BACKEND;
  const result = await trainInWorker(env);
  assert.ok(["tensorflow", "wasm"].includes(result.backend), result.backend);
  assert.deepEqual(result.epochs, [1, 2]);
});
