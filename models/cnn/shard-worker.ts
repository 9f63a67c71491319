/**
 * A shard worker of data-parallel CNN training (./data-parallel.ts): its own
 * TensorFlow.js backend (a wasm instance of its own), a replica of the
 * network built from the same seed, and an Adam optimizer of its own that
 * receives the same summed gradient as every other thread, so the replica's
 * weights stay identical to the training thread's.
 */
import { parentPort } from "node:worker_threads";
import * as tf from "@tensorflow/tfjs";
import { loadBackend } from "./backend.js";
import { buildNetwork } from "./network.js";
import { trainingNoise } from "./layers.js";
import { applyGradient, parameterCount, shardGradients, type ShardData } from "./shard-step.js";
import type { ShardMessage, ShardReply } from "./shard-protocol.js";
import { Random } from "../../random/random.js";

const port = parentPort!;
let replica: { network: ReturnType<typeof buildNetwork>; variables: tf.Variable[]; optimizer: tf.Optimizer; data: ShardData; gradient: Float32Array; sum: Float32Array } | undefined;

const reply = (message: ShardReply) => port.postMessage(message);

port.on("message", async (message: ShardMessage) => {
  if (message.kind === "init") {
    await loadBackend(message.backend);
    const network = buildNetwork(message.layout, message.networkSeed);
    const variables = network.weights.map((w) => w.variable);
    replica = {
      network,
      variables,
      optimizer: tf.train.adam(message.learningRate),
      data: message.data,
      gradient: new Float32Array(message.gradient),
      sum: new Float32Array(message.sum),
    };
    reply({ kind: "ready", parameters: parameterCount(variables) });
  } else if (message.kind === "step") {
    const r = replica!;
    let squaredSum = 0;
    if (message.rows.length > 0) {
      const noise = trainingNoise(Random.resume(message.noisePosition), message.batchRows, message.firstRow);
      squaredSum = shardGradients(r.network, r.variables, r.data, message.rows, noise, r.gradient);
    }
    reply({ kind: "gradient", squaredSum });
  } else if (message.kind === "apply") {
    applyGradient(replica!.optimizer, replica!.variables, replica!.sum);
  } else if (message.kind === "crash") {
    // Tests only: die mid-training as a thread killed by an abort would.
    process.exit(70);
  }
});
