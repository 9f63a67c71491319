/**
 * A histogram worker: bins its slice of the features, then receives the
 * shared training memory once and runs HistogramTasks on its slice of the
 * features until terminated.
 */
import { parentPort } from "node:worker_threads";
import { binFeatures } from "./dataset.js";
import { runHistogramTask, type SharedState } from "./histogram-task.js";
import type { WorkerMessage } from "./participants.js";

let state: SharedState | undefined;

parentPort!.on("message", (message: WorkerMessage) => {
  if (message.kind === "bin") {
    parentPort!.postMessage(binFeatures(message.task));
  } else if (message.kind === "state") {
    state = message.state;
    parentPort!.postMessage(true);
  } else {
    const out = runHistogramTask(state!, message.task);
    parentPort!.postMessage(out, [out.buffer as ArrayBuffer]);
  }
});
