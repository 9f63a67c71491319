/** Trains a tiny CNN inside a worker thread, as the job runner does, and reports back. */
import { parentPort } from "node:worker_threads";
import { loadBackend, trainCnn } from "../../models/cnn/index.js";
import { syntheticGalaxies } from "./cnn-data.js";

const backend = await loadBackend();
const data = syntheticGalaxies(32, 1, { size: 8 });
const epochs: number[] = [];
const model = await trainCnn(data.x, data.imageLabel, { epochs: 2, filters: 4 }, { seed: 1, onIteration: (r) => epochs.push(r.iteration) });
const predictions = await model.predict(data.x);
parentPort!.postMessage({ backend, epochs, finite: predictions.every(Number.isFinite), saved: (await model.save()).weights.byteLength });
