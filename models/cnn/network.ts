/**
 * The two architectures, each with an image branch (2-D), a spectrum branch
 * (1-D, as 1 x k 2-D convolutions) and a head. Whichever inputs the model
 * has get a branch; with both, the branches' embeddings are concatenated
 * before the head (early fusion).
 *
 * compact (default):
 *   image    conv3x3(f) → pool2 → conv3x3(2f) → pool2 → conv3x3(4f) → global average → 4f
 *   spectrum conv1x7(f) → pool4 → conv1x7(2f) → pool4 → conv1x7(4f) → pool4 → flatten → FC 64
 *            (flattened, not averaged: a feature's wavelength matters in a spectrum)
 *   head     dropout → FC 32 → 1
 * vgg12 (the thesis VGGNet12: 9 convolutions + 3 fully connected = 12 weight layers):
 *   image    3 x conv3x3(64) → pool2 → 3 x conv3x3(128) → pool2 → 3 x conv3x3(256) → flatten
 *   spectrum the same with 1x3 kernels and pool4 after every block
 *   head     FC 512 → dropout → FC 128 → dropout → 1
 * Every convolution and hidden FC layer is followed by ReLU; pooling is max
 * pooling, skipped once the map is smaller than 8 along the pooled axis.
 */
import * as tf from "@tensorflow/tfjs";
import { applyConv, applyDense, applyDropout, WeightStore, type Conv, type Dense, type NamedWeight } from "./layers.js";
import type { Architecture } from "./params.js";
import { Random } from "../../random/random.js";

export interface NetworkLayout {
  architecture: Architecture;
  filters: number;
  dropout: number;
  image?: { size: number; channels: number };
  spectrum?: { bins: number; channels: number };
}

export interface NetworkInputs {
  image?: tf.Tensor4D;
  spectrum?: tf.Tensor4D;
}

export interface Network {
  readonly weights: readonly NamedWeight[];
  /** [n, 1] standardised predictions; `dropout` (a generator) switches training mode on. */
  forward(inputs: NetworkInputs, dropout?: Random): tf.Tensor2D;
  dispose(): void;
}

type Stage = { convs: Conv[]; pool: [number, number] | undefined };

function stages(
  store: WeightStore,
  prefix: string,
  channels: number,
  widths: number[][],
  kernel: [number, number],
  pool: (block: number, length: number) => [number, number] | undefined,
  length: number,
): { stages: Stage[]; length: number; channels: number } {
  const out: Stage[] = [];
  widths.forEach((block, b) => {
    const convs = block.map((width, c) => {
      const conv = store.conv(`${prefix}/block${b + 1}/conv${c + 1}`, kernel[0], kernel[1], channels, width);
      channels = width;
      return conv;
    });
    const p = pool(b, length);
    if (p) length = Math.floor(length / p[1]);
    out.push({ convs, pool: p });
  });
  return { stages: out, length, channels };
}

function runStages(x: tf.Tensor4D, list: Stage[]): tf.Tensor4D {
  for (const stage of list) {
    for (const conv of stage.convs) x = applyConv(x, conv);
    if (stage.pool) x = tf.maxPool(x, stage.pool, stage.pool, "valid");
  }
  return x;
}

export function buildNetwork(layout: NetworkLayout, seed: number): Network {
  const store = new WeightStore(new Random(seed));
  const vgg = layout.architecture === "vgg12";
  const f = layout.filters;
  let embedding = 0;

  let image: { stages: Stage[] } | undefined;
  if (layout.image) {
    const widths = vgg ? [[64, 64, 64], [128, 128, 128], [256, 256, 256]] : [[f], [2 * f], [4 * f]];
    const built = stages(store, "image", layout.image.channels, widths, [3, 3], (b, s) => (b < 2 && s >= 8 ? [2, 2] : undefined), layout.image.size);
    image = built;
    embedding += vgg ? built.length * built.length * built.channels : built.channels;
  }

  let spectrum: { stages: Stage[]; projection?: Dense } | undefined;
  if (layout.spectrum) {
    const widths = vgg ? [[64, 64, 64], [128, 128, 128], [256, 256, 256]] : [[f], [2 * f], [4 * f]];
    const built = stages(store, "spectrum", layout.spectrum.channels, widths, vgg ? [1, 3] : [1, 7], (_, s) => (s >= 8 ? [1, 4] : undefined), layout.spectrum.bins);
    const flat = built.length * built.channels;
    spectrum = { stages: built.stages, projection: vgg ? undefined : store.dense("spectrum/projection", flat, 64, true) };
    embedding += vgg ? flat : 64;
  }

  const head: Dense[] = vgg
    ? [store.dense("head/fc1", embedding, 512, true), store.dense("head/fc2", 512, 128, true), store.dense("head/output", 128, 1, false)]
    : [store.dense("head/fc1", embedding, 32, true), store.dense("head/output", 32, 1, false)];

  return {
    weights: store.weights,
    forward(inputs, dropout) {
      return tf.tidy(() => {
        const parts: tf.Tensor2D[] = [];
        if (image) {
          if (!inputs.image) throw new Error("this network needs images");
          const maps = runStages(inputs.image, image.stages);
          parts.push(vgg ? (tf.reshape(maps, [maps.shape[0], -1]) as tf.Tensor2D) : tf.mean(maps, [1, 2]));
        }
        if (spectrum) {
          if (!inputs.spectrum) throw new Error("this network needs spectra");
          const maps = runStages(inputs.spectrum, spectrum.stages);
          const flat = tf.reshape(maps, [maps.shape[0], -1]) as tf.Tensor2D;
          parts.push(spectrum.projection ? applyDense(flat, spectrum.projection, true) : flat);
        }
        let x = parts.length === 1 ? parts[0] : tf.concat(parts, 1);
        if (vgg) {
          x = applyDropout(applyDense(x, head[0], true), layout.dropout, dropout);
          x = applyDropout(applyDense(x, head[1], true), layout.dropout, dropout);
          return applyDense(x, head[2], false);
        }
        x = applyDense(applyDropout(x, layout.dropout, dropout), head[0], true);
        return applyDense(x, head[1], false);
      });
    },
    dispose: () => store.dispose(),
  };
}
