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
 *   head     dropout → FC 32 → 1 (K for a classifier: `outputs`, the class logits)
 * vgg12 (the thesis VGGNet12: 9 convolutions + 3 fully connected = 12 weight layers):
 *   image    3 x conv3x3(64) → pool2 → 3 x conv3x3(128) → pool2 → 3 x conv3x3(256) → flatten
 *   spectrum the same with 1x3 kernels and pool4 after every block
 *   head     FC 512 → dropout → FC 128 → dropout → 1
 *   Against the study's text ("three 3×3 conv blocks 64→128→256, pooling
 *   after blocks 1 and 2, adaptive average pooling, FC 512 → 128 → 1 with
 *   dropout 0.5") this reads a block as three convolutions, flattens instead
 *   of adaptive average pooling (the head's input grows with the image),
 *   skips a pooling below 8 px (at 8 px only block 1 pools) and puts
 *   dropout after both hidden FC layers: README, "The thesis VGG as the
 *   code reads it". Left as is (saved models and experiments rely on it).
 * thesis_vgg (the study's text read literally; the experiments' THESIS_VGG):
 *   image    3 x conv3x3(64) → pool2 → 3 x conv3x3(128) → pool2 → 3 x conv3x3(256)
 *            → adaptive average pooling to 1 x 1 → 256 (the head's input is
 *            256 wide at every image size); both poolings at every size ≥ 2 px
 *   spectrum as vgg12 (the text describes images only)
 *   head     as vgg12: FC 512 → dropout → FC 128 → dropout → 1 (the classifier
 *            of Simonyan & Zisserman's VGG puts dropout after each hidden FC layer)
 * Every convolution and hidden FC layer is followed by ReLU; pooling is max
 * pooling, skipped (compact, vgg12) once the map is smaller than 8 along the pooled axis.
 *
 * fusion "gated" (both inputs only; "concat" above is the default):
 *   project  each embedding → FC d (linear; d = 64 compact, 256 vgg12: a common
 *            width) → layer normalisation (mean 0, variance 1 per galaxy, no
 *            learned scale): p_image, p_spectrum
 *   gate     [p_image, p_spectrum] → FC 16 (ReLU) → FC 2 (kernel starts at 0,
 *            so every galaxy starts at 0.5 / 0.5) → softmax = (w_image, w_spectrum)
 *   fused    w_image · p_image + w_spectrum · p_spectrum → the head above (its input is d wide)
 * trained end to end with the branches. While training, N(0, 0.5²) noise
 * (GATE_NOISE, from the seeded dropout generator) is added to each
 * normalised projection before the weighted sum: mixing in a modality then
 * costs its noise, so the gate gains by weighting the informative one, much
 * as inverse-variance weighting would. Without it the gate is not
 * identifiable — the head can rescale whatever mixture it is given and an
 * uninformative branch can make its embedding constant — and on the tests'
 * data its mean weights stayed between 0.40 and 0.55 whichever modality
 * carried the label (README, CNN learners). The weights (`gateWeights`,
 * per galaxy) say how loud the head hears each modality; a weight near 1
 * means (almost) only that one.
 */
import * as tf from "@tensorflow/tfjs";
import { applyConv, applyDense, applyDropout, applyNoise, normaliseRows, trainingNoise, WeightStore, type Conv, type Dense, type NamedWeight, type TrainingNoise } from "./layers.js";
import type { Architecture, Fusion } from "./params.js";
import { Random } from "../../random/random.js";

export interface NetworkLayout {
  architecture: Architecture;
  filters: number;
  dropout: number;
  /** How two branches are joined; absent = "concat" (models saved before the option). */
  fusion?: Fusion;
  /** Width of the head's output: 1 (a regression; absent = 1) or K class logits (a classifier). */
  outputs?: number;
  image?: { size: number; channels: number };
  spectrum?: { bins: number; channels: number };
}

export interface NetworkInputs {
  image?: tf.Tensor4D;
  spectrum?: tf.Tensor4D;
}

export interface Network {
  readonly weights: readonly NamedWeight[];
  /**
   * [n, 1] standardised predictions ([n, K] class logits for a classifier).
   * `noise` switches training mode on: a generator (this pass is the whole
   * batch) or a shard's TrainingNoise.
   */
  forward(inputs: NetworkInputs, noise?: Random | TrainingNoise): tf.Tensor2D;
  /** [n, 2] gate weights (image, spectrum), rows summing to 1; undefined unless fusion is "gated". */
  gateWeights?(inputs: NetworkInputs): tf.Tensor2D;
  dispose(): void;
}

/** σ of the training noise on each normalised projected embedding (gated fusion; see the module head). */
export const GATE_NOISE = 0.5;

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
  const vgg = layout.architecture === "vgg12" || layout.architecture === "thesis_vgg";
  const thesis = layout.architecture === "thesis_vgg";
  const f = layout.filters;
  let embedding = 0;
  let imageWidth = 0;

  let image: { stages: Stage[] } | undefined;
  if (layout.image) {
    const widths = vgg ? [[64, 64, 64], [128, 128, 128], [256, 256, 256]] : [[f], [2 * f], [4 * f]];
    const pool = thesis ? (b: number, s: number) => (b < 2 && s >= 2 ? ([2, 2] as [number, number]) : undefined) : (b: number, s: number) => (b < 2 && s >= 8 ? ([2, 2] as [number, number]) : undefined);
    const built = stages(store, "image", layout.image.channels, widths, [3, 3], pool, layout.image.size);
    image = built;
    // vgg12 flattens its last map; compact and thesis_vgg average it (adaptive average pooling to 1 x 1).
    imageWidth = vgg && !thesis ? built.length * built.length * built.channels : built.channels;
    embedding += imageWidth;
  }

  let spectrum: { stages: Stage[]; projection?: Dense } | undefined;
  if (layout.spectrum) {
    const widths = vgg ? [[64, 64, 64], [128, 128, 128], [256, 256, 256]] : [[f], [2 * f], [4 * f]];
    const built = stages(store, "spectrum", layout.spectrum.channels, widths, vgg ? [1, 3] : [1, 7], (_, s) => (s >= 8 ? [1, 4] : undefined), layout.spectrum.bins);
    const flat = built.length * built.channels;
    spectrum = { stages: built.stages, projection: vgg ? undefined : store.dense("spectrum/projection", flat, 64, true) };
    embedding += vgg ? flat : 64;
  }

  // Gated fusion's layers come after both branches and before the head, so a
  // "concat" network draws exactly the weights it always did.
  let gate: { image: Dense; spectrum: Dense; hidden: Dense; output: Dense } | undefined;
  if (layout.fusion === "gated") {
    if (!image || !spectrum) throw new Error('fusion "gated" needs both an image and a spectrum branch');
    const width = vgg ? 256 : 64;
    gate = {
      image: store.dense("fusion/image_projection", imageWidth, width, false),
      spectrum: store.dense("fusion/spectrum_projection", embedding - imageWidth, width, false),
      hidden: store.dense("fusion/gate_hidden", 2 * width, 16, true),
      output: store.dense("fusion/gate_output", 16, 2, false, true),
    };
    embedding = width;
  }

  const outputs = layout.outputs ?? 1;
  const head: Dense[] = vgg
    ? [store.dense("head/fc1", embedding, 512, true), store.dense("head/fc2", 512, 128, true), store.dense("head/output", 128, outputs, false)]
    : [store.dense("head/fc1", embedding, 32, true), store.dense("head/output", 32, outputs, false)];

  /** The branches' embeddings, in the order image, spectrum (whichever exist). */
  function embeddings(inputs: NetworkInputs): tf.Tensor2D[] {
    const parts: tf.Tensor2D[] = [];
    if (image) {
      if (!inputs.image) throw new Error("this network needs images");
      const maps = runStages(inputs.image, image.stages);
      parts.push(vgg && !thesis ? (tf.reshape(maps, [maps.shape[0], -1]) as tf.Tensor2D) : tf.mean(maps, [1, 2]));
    }
    if (spectrum) {
      if (!inputs.spectrum) throw new Error("this network needs spectra");
      const maps = runStages(inputs.spectrum, spectrum.stages);
      const flat = tf.reshape(maps, [maps.shape[0], -1]) as tf.Tensor2D;
      parts.push(spectrum.projection ? applyDense(flat, spectrum.projection, true) : flat);
    }
    return parts;
  }

  /** Gated fusion: the projected embeddings and the gate's softmax weights [n, 2]. */
  function gated(parts: tf.Tensor2D[]): { projected: [tf.Tensor2D, tf.Tensor2D]; weights: tf.Tensor2D } {
    const g = gate!;
    const projected: [tf.Tensor2D, tf.Tensor2D] = [normaliseRows(applyDense(parts[0], g.image, false)), normaliseRows(applyDense(parts[1], g.spectrum, false))];
    const hidden = applyDense(tf.concat(projected, 1), g.hidden, true);
    return { projected, weights: tf.softmax(applyDense(hidden, g.output, false)) };
  }

  return {
    weights: store.weights,
    forward(inputs, given) {
      const rows = (inputs.image ?? inputs.spectrum)?.shape[0] ?? 0;
      const dropout = given instanceof Random ? trainingNoise(given, rows) : given;
      return tf.tidy(() => {
        const parts = embeddings(inputs);
        let x: tf.Tensor2D;
        if (gate) {
          const { projected, weights } = gated(parts);
          if (dropout) for (const m of [0, 1]) projected[m] = applyNoise(projected[m], GATE_NOISE, dropout);
          const [wImage, wSpectrum] = tf.split(weights, 2, 1);
          x = tf.add(tf.mul(wImage, projected[0]), tf.mul(wSpectrum, projected[1]));
        } else {
          x = parts.length === 1 ? parts[0] : tf.concat(parts, 1);
        }
        if (vgg) {
          x = applyDropout(applyDense(x, head[0], true), layout.dropout, dropout);
          x = applyDropout(applyDense(x, head[1], true), layout.dropout, dropout);
          return applyDense(x, head[2], false);
        }
        x = applyDense(applyDropout(x, layout.dropout, dropout), head[0], true);
        return applyDense(x, head[1], false);
      });
    },
    gateWeights: gate ? (inputs) => tf.tidy(() => gated(embeddings(inputs)).weights) : undefined,
    dispose: () => store.dispose(),
  };
}
