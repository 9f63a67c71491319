/**
 * The wasm backend's convolution gradients (Conv2DBackpropFilter is ours,
 * see models/cnn/conv-filter-gradient.ts) against the pure-JavaScript cpu
 * backend's, on random data. Tolerance: 1e-4 relative to the largest
 * gradient entry (float32 sums of a few thousand terms).
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { loadBackend } from "../models/cnn/index.js";
import { Random } from "../random/random.js";
import { applyDense } from "../models/cnn/layers.js";

function randomArray(random: Random, n: number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = random.fraction32() * 2 - 1;
  return out;
}

type Case = { name: string; x: number[]; filter: number[]; strides: number | [number, number]; pad: "same" | "valid" };

const cases: Case[] = [
  { name: "3x3 same, stride 1", x: [3, 9, 9, 4], filter: [3, 3, 4, 6], strides: 1, pad: "same" },
  { name: "3x3 valid, stride 1", x: [2, 8, 7, 3], filter: [3, 3, 3, 5], strides: 1, pad: "valid" },
  { name: "3x3 same, stride 2, odd size", x: [2, 9, 9, 3], filter: [3, 3, 3, 4], strides: 2, pad: "same" },
  { name: "5x2 valid, strides 2x1", x: [2, 11, 6, 2], filter: [5, 2, 2, 3], strides: [2, 1], pad: "valid" },
  { name: "1-D as 1 x k, same", x: [4, 1, 40, 2], filter: [1, 5, 2, 8], strides: 1, pad: "same" },
  { name: "even 2x4 same (asymmetric padding)", x: [2, 7, 9, 3], filter: [2, 4, 3, 2], strides: 1, pad: "same" },
];

/** Gradients of Σ (conv(x, w) · r) with respect to x and w, on the current backend. */
function convGradients(c: Case, x: Float32Array, w: Float32Array, r: Float32Array): { dx: Float32Array; dw: Float32Array } {
  return tf.tidy(() => {
    const xt = tf.tensor4d(x, c.x as [number, number, number, number]);
    const wt = tf.tensor4d(w, c.filter as [number, number, number, number]);
    const grad = tf.grads((a: tf.Tensor, b: tf.Tensor) => {
      const y = tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.strides, c.pad);
      return tf.sum(tf.mul(y, tf.tensor(r, y.shape)));
    });
    const [dx, dw] = grad([xt, wt]);
    return { dx: dx.dataSync() as Float32Array, dw: dw.dataSync() as Float32Array };
  });
}

function outputSize(c: Case): number {
  const info = tf.backend_util.computeConv2DInfo(c.x as [number, number, number, number], c.filter as [number, number, number, number], c.strides, 1, c.pad);
  return info.outShape.reduce((a, b) => a * b, 1);
}

function assertClose(actual: Float32Array, expected: Float32Array, what: string) {
  assert.equal(actual.length, expected.length);
  let scale = 0;
  for (const v of expected) scale = Math.max(scale, Math.abs(v));
  for (let i = 0; i < actual.length; i++) {
    assert.ok(Math.abs(actual[i] - expected[i]) <= 1e-4 * scale, `${what}[${i}]: wasm ${actual[i]} vs cpu ${expected[i]}`);
  }
}

describe("convolution gradients on wasm", () => {
  for (const c of cases) {
    it(`match the cpu backend: ${c.name}`, async () => {
      const random = new Random(7);
      const x = randomArray(random, c.x.reduce((a, b) => a * b, 1));
      const w = randomArray(random, c.filter.reduce((a, b) => a * b, 1));
      const r = randomArray(random, outputSize(c));
      await loadBackend("cpu");
      const reference = convGradients(c, x, w, r);
      await loadBackend("wasm");
      const ours = convGradients(c, x, w, r);
      assertClose(ours.dw, reference.dw, "dFilter");
      assertClose(ours.dx, reference.dx, "dInput");
    });
  }

  it("the dense layer's explicit-transpose gradient matches tfjs's own matMul gradient on cpu", async () => {
    const random = new Random(5);
    const [x, w, b, r] = [randomArray(random, 6 * 7), randomArray(random, 7 * 4), randomArray(random, 4), randomArray(random, 6 * 4)];
    const gradients = (ours: boolean) => tf.tidy(() => {
      const g = tf.grads((a: tf.Tensor, k: tf.Tensor, c: tf.Tensor) => {
        const y = ours
          ? applyDense(a as tf.Tensor2D, { kernel: k, bias: c } as never, true)
          : tf.relu(tf.add(tf.matMul(a as tf.Tensor2D, k as tf.Tensor2D), c));
        return tf.sum(tf.mul(y, tf.tensor2d(r, [6, 4])));
      });
      return g([tf.tensor2d(x, [6, 7]), tf.tensor2d(w, [7, 4]), tf.tensor1d(b)]).map((t) => t.dataSync() as Float32Array);
    });
    await loadBackend("cpu");
    const reference = gradients(false);
    await loadBackend("wasm");
    const ours = gradients(true);
    ["dx", "dKernel", "dBias"].forEach((name, i) => assertClose(ours[i], reference[i], name));
  });

  const pools: { name: string; shape: [number, number, number, number]; size: [number, number]; strides: [number, number]; pad: "valid" | "same" }[] = [
    { name: "2x2 valid", shape: [2, 8, 8, 3], size: [2, 2], strides: [2, 2], pad: "valid" },
    { name: "3x3 stride 2 same (overlapping, padded)", shape: [2, 9, 9, 2], size: [3, 3], strides: [2, 2], pad: "same" },
    { name: "1x4 valid (spectra), odd length", shape: [3, 1, 17, 2], size: [1, 4], strides: [1, 4], pad: "valid" },
  ];
  for (const p of pools) {
    it(`max and average pooling gradients match the cpu backend, negative inputs included: ${p.name}`, async () => {
      const random = new Random(3);
      const x = randomArray(random, p.shape.reduce((a, b) => a * b, 1));
      const run = () => tf.tidy(() => {
        const pool = (a: tf.Tensor) => tf.add(tf.maxPool(a as tf.Tensor4D, p.size, p.strides, p.pad), tf.avgPool(a as tf.Tensor4D, p.size, p.strides, p.pad));
        const shape = pool(tf.zeros(p.shape)).shape;
        const r = tf.tensor(randomArray(new Random(4), shape.reduce((a, b) => a * b, 1)), shape);
        return tf.grad((a: tf.Tensor) => tf.sum(tf.mul(pool(a), r)))(tf.tensor4d(x, p.shape)).dataSync() as Float32Array;
      });
      await loadBackend("cpu");
      const reference = run();
      await loadBackend("wasm");
      assertClose(run(), reference, "dPool");
    });
  }
});
