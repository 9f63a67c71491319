/**
 * A histogram worker: receives the shared training memory once, then runs
 * HistogramTasks on its slice of the features until terminated.
 */
import { parentPort, workerData } from "node:worker_threads";
import { runHistogramTask, type HistogramTask, type SharedState } from "./histogram-task.js";

const state = workerData as SharedState;

parentPort!.on("message", (task: HistogramTask) => {
  const out = runHistogramTask(state, task);
  parentPort!.postMessage(out, [out.buffer as ArrayBuffer]);
});
