/**
 * Data-parallel CNN training (models/cnn/data-parallel.ts): the shards'
 * gradients add up to the whole batch's, training on 2 or 3 threads gives
 * one thread's weights and losses within float tolerance, the thread count
 * is respected, and a worker that dies mid-training fails the fit with a
 * coded error instead of hanging.
 *
 * Tolerance: float32 sums taken in another order differ by ~1e-7 relative;
 * after a few Adam steps (learning rate 1e-3) one thread's and two threads'
 * weights differed by at most 3e-8 on this data (2 and 3 threads). 1e-5 leaves room for other
 * CPUs and still fails a mistake in the sharding: one Adam step moves a
 * weight by up to the learning rate (1e-3), and a wrong weighting of the
 * shards or a mask drawn for the wrong rows changes most steps' directions.
 */
import { before, describe, it } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { CnnThreadError, loadBackend, THREAD_CRASHED, trainCnn, type CnnParams } from "../models/cnn/index.js";
import { shardBounds } from "../models/cnn/data-parallel.js";
import { trainingNoise } from "../models/cnn/layers.js";
import { networkLayout } from "../models/cnn/model.js";
import { buildNetwork } from "../models/cnn/network.js";
import { fitNormalisation } from "../models/cnn/normalisation.js";
import { resolveCnnParams } from "../models/cnn/params.js";
import { parameterCount, shardGradients } from "../models/cnn/shard-step.js";
import { trainingFailureOf } from "../models/training/failure.js";
import { Random } from "../random/random.js";
import { syntheticGalaxies } from "./support/cnn-data.js";

const WEIGHT_TOLERANCE = 1e-5;

async function trainedWeights(threads: number, params: Partial<CnnParams>, data = syntheticGalaxies(40, 3, { size: 8, bins: 64 })) {
  const model = await trainCnn(data.x, data.imageLabel, params, { seed: 5, threads });
  const saved = await model.save();
  model.dispose();
  return { weights: new Float32Array(saved.weights.buffer, saved.weights.byteOffset, saved.weights.byteLength / 4), spec: saved.spec };
}

function maxDifference(a: Float32Array, b: Float32Array): number {
  assert.equal(a.length, b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}

describe("data-parallel CNN training", () => {
  before(async () => {
    assert.equal(await loadBackend("wasm"), "wasm");
  });

  it("skipping k draws of the generator lands where k draws do, and a resumed generator continues the stream", () => {
    const drawn = new Random(11);
    const skipped = new Random(11);
    for (let i = 0; i < 1000; i++) drawn.nextUint32();
    skipped.skip(1000);
    assert.equal(skipped.nextUint32(), drawn.nextUint32());
    const resumed = Random.resume(drawn.position);
    assert.equal(resumed.nextUint32(), drawn.nextUint32());
    // Past 2^32 the count wraps as the state does: 2^32 draws move it by a whole turn.
    const far = new Random(11);
    far.skip(2 ** 32 + 5);
    const near = new Random(11);
    near.skip(5);
    assert.equal(far.position, near.position);
  });

  it("splits a batch into contiguous shards, the larger first, none when rows run out", () => {
    assert.deepEqual(shardBounds(13, 2), [{ first: 0, count: 7 }, { first: 7, count: 6 }]);
    assert.deepEqual(shardBounds(1, 3), [{ first: 0, count: 1 }, { first: 1, count: 0 }, { first: 1, count: 0 }]);
  });

  it("the shards' gradients of the batch loss add up to the whole batch's, dropout and gate noise included", () => {
    const data = syntheticGalaxies(12, 4, { size: 8, bins: 64 });
    const params = resolveCnnParams({ filters: 4, fusion: "gated", dropout: 0.3 }).params;
    const normalisation = fitNormalisation(data.x);
    const network = buildNetwork(networkLayout(params, normalisation), 9);
    const variables = network.weights.map((w) => w.variable);
    const shardData = { x: data.x, target: data.imageLabel, normalisation };
    const rows = Int32Array.from([3, 0, 7, 11, 5, 2, 9, 1, 4, 8, 6]);
    const whole = new Float32Array(parameterCount(variables));
    const stream = new Random(21);
    const start = stream.position;
    const wholeLoss = shardGradients(network, variables, shardData, rows, trainingNoise(stream, rows.length), whole);
    const end = stream.position;
    const summed = new Float32Array(whole.length);
    let shardLoss = 0;
    for (const { first, count } of shardBounds(rows.length, 3)) {
      const part = new Float32Array(whole.length);
      const shardStream = Random.resume(start);
      shardLoss += shardGradients(network, variables, shardData, rows.subarray(first, first + count), trainingNoise(shardStream, rows.length, first), part);
      assert.equal(shardStream.position, end, "every shard leaves the generator where the whole batch does");
      for (let k = 0; k < part.length; k++) summed[k] += part[k];
    }
    network.dispose();
    let scale = 0;
    for (const g of whole) scale = Math.max(scale, Math.abs(g));
    assert.ok(scale > 0);
    assert.ok(maxDifference(whole, summed) <= 1e-5 * scale, `max difference ${maxDifference(whole, summed)} against max |gradient| ${scale}`);
    assert.ok(Math.abs(wholeLoss - shardLoss) <= 1e-5 * wholeLoss, `${wholeLoss} vs ${shardLoss}`);
  });

  it(`2 and 3 threads train one thread's weights and losses within ${WEIGHT_TOLERANCE} (gated fusion with dropout, uneven and empty shards)`, async () => {
    // 40 rows in batches of 13: shards of 7 + 6 and 5 + 4 + 4, and a last batch of one row (empty shards).
    const params: Partial<CnnParams> = { epochs: 2, batchSize: 13, filters: 4, fusion: "gated", dropout: 0.3 };
    const one = await trainedWeights(1, params);
    for (const threads of [2, 3]) {
      const many = await trainedWeights(threads, params);
      assert.equal(many.spec.training.threads, threads);
      const difference = maxDifference(one.weights, many.weights);
      assert.ok(difference <= WEIGHT_TOLERANCE, `${threads} threads: weights differ by up to ${difference}`);
      many.spec.training.history.forEach((report, i) => {
        const reference = one.spec.training.history[i].train;
        assert.ok(Math.abs(report.train - reference) <= 1e-5 * reference, `${threads} threads, epoch ${i + 1}: train RMSE ${report.train} vs ${reference}`);
      });
    }
  });

  it("trains on the threads asked for, at most one per row of a batch, and on one by default", async () => {
    const data = syntheticGalaxies(12, 3, { size: 8 });
    const params = { epochs: 1, filters: 2 };
    assert.equal((await trainedWeights(2, { ...params, batchSize: 6 }, data)).spec.training.threads, 2);
    assert.equal((await trainedWeights(4, { ...params, batchSize: 3 }, data)).spec.training.threads, 3);
    const model = await trainCnn(data.x, data.imageLabel, params, { seed: 1 });
    assert.equal(model.spec.training.threads, 1);
    model.dispose();
    await assert.rejects(trainCnn(data.x, data.imageLabel, params, { seed: 1, threads: 0 }), (error: Error & { problems?: { argument: string }[] }) => {
      assert.deepEqual(error.problems?.map((p) => p.argument), ["threads"]);
      return true;
    });
  });

  it("a worker thread dying mid-training fails the fit with THREAD_CRASHED and frees its tensors", async () => {
    const data = syntheticGalaxies(40, 3, { size: 8 });
    const tensors = tf.memory().numTensors;
    let epochs = 0;
    const error = await trainCnn(data.x, data.imageLabel, { epochs: 3, batchSize: 8, filters: 2 }, { seed: 1, threads: 2, crashThreadAtStep: 7, onIteration: () => epochs++ }).then(
      () => assert.fail("training went on without its worker"),
      (e: Error) => e,
    );
    assert.ok(error instanceof CnnThreadError, String(error));
    assert.equal((error as CnnThreadError).code, THREAD_CRASHED);
    assert.match(error.message, /shard worker 1 exited with code 70/);
    assert.equal(epochs, 1, "step 7 is in the second epoch (5 steps each)");
    assert.equal(tf.memory().numTensors, tensors);
    // A training run reports it under its own code, with the sentence above.
    assert.deepEqual(trainingFailureOf(error, "training", () => assert.fail("nothing to log")), { code: THREAD_CRASHED, message: error.message });
  });
});
