/**
 * A trained CNN: the network's weights plus everything needed to use them
 * (input scaling, label scaling, the parameters that shaped the network).
 * A classifier (`spec.classes` = K) has K outputs, the class logits:
 * `predictProbabilities` gives their softmax, and `predict` is refused.
 * `save()` gives plain data — a JSON-able spec and the weights as bytes —
 * that the caller stores (atomically); `CnnModel.load` rebuilds the model.
 *
 * Weights format: float32 little-endian, in `spec.weights` order, each
 * tensor row-major in its listed shape.
 */
import { softmaxRows } from "../softmax.js";
import * as tf from "@tensorflow/tfjs";
import type { ArrayInputs, IterationReport } from "../learner.js";
import { loadBackend } from "./backend.js";
import { imageBatch, imageChannels, spectrumBatch, spectrumChannels, type Normalisation } from "./normalisation.js";
import { buildNetwork, type Network, type NetworkInputs, type NetworkLayout } from "./network.js";
import { CnnInputError, type CnnParams, type ParamProblem } from "./params.js";

export const CNN_FORMAT = "skycube-cnn/1";

export interface CnnSpec {
  format: typeof CNN_FORMAT;
  params: CnnParams;
  seed: number;
  normalisation: Normalisation;
  /** Label standardisation: network output · std + mean = prediction (a classifier: 0 and 1, unused). */
  label: { mean: number; std: number };
  /** A classifier's class count (its outputs are the class logits); absent for a regression. */
  classes?: number;
  weights: { name: string; shape: number[] }[];
  /** `threads`: how many trained it (data-parallel when > 1); absent in models saved before the option (1). */
  training: { backend: string; threads?: number; epochs: number; bestEpoch: number; history: IterationReport[] };
}

export interface SavedCnn {
  format: string;
  spec: CnnSpec;
  weights: Uint8Array;
}

/** The network of `params` on `normalisation`'s inputs, with `outputs` outputs (1: a regression; K: a classifier's logits). */
export function networkLayout(params: CnnParams, normalisation: Normalisation, outputs = 1): NetworkLayout {
  return {
    ...(outputs !== 1 ? { outputs } : {}),
    architecture: params.architecture,
    filters: params.filters,
    dropout: params.dropout,
    fusion: params.fusion ?? "concat",
    image: normalisation.image && { size: normalisation.image.size, channels: imageChannels(normalisation.image) },
    spectrum: normalisation.spectrum && { bins: normalisation.spectrum.bins, channels: spectrumChannels(normalisation.spectrum) },
  };
}

/** Problems with `x` as input to a model fitted on `normalisation`'s layout. */
export function layoutProblems(argument: string, x: ArrayInputs, normalisation: Normalisation): ParamProblem[] {
  const problems: ParamProblem[] = [];
  const n = normalisation;
  if (n.image && !(x.image && x.image.bands === n.image.bands && x.image.size === n.image.size)) {
    problems.push({ argument: `${argument}.image`, message: `the model needs images of ${n.image.bands} bands x ${n.image.size} x ${n.image.size} px` });
  }
  if (!n.image && x.image) problems.push({ argument: `${argument}.image`, message: "the model was trained without images" });
  if (n.spectrum && !(x.spectrum && x.spectrum.bins === n.spectrum.bins)) {
    problems.push({ argument: `${argument}.spectrum`, message: `the model needs spectra of ${n.spectrum.bins} bins` });
  }
  if (!n.spectrum && x.spectrum) problems.push({ argument: `${argument}.spectrum`, message: "the model was trained without spectra" });
  return problems;
}

/** The rows `rows` of `x` as the network's input tensors. */
export function inputTensors(x: ArrayInputs, rows: ArrayLike<number>, normalisation: Normalisation): NetworkInputs {
  const inputs: NetworkInputs = {};
  if (normalisation.image) {
    const { size } = normalisation.image;
    inputs.image = tf.tensor4d(imageBatch(x, rows, normalisation.image), [rows.length, size, size, imageChannels(normalisation.image)]);
  }
  if (normalisation.spectrum) {
    const { bins } = normalisation.spectrum;
    inputs.spectrum = tf.tensor4d(spectrumBatch(x, rows, normalisation.spectrum), [rows.length, 1, bins, spectrumChannels(normalisation.spectrum)]);
  }
  return inputs;
}

/** Network outputs for every row of `x` (rows × `width`, row-major: standardised predictions, or a classifier's logits), in batches. */
export function forwardAll(network: Network, normalisation: Normalisation, x: ArrayInputs, batchSize: number, width = 1): Float32Array {
  const out = new Float32Array(x.rows * width);
  const rows = new Int32Array(batchSize);
  for (let start = 0; start < x.rows; start += batchSize) {
    const end = Math.min(x.rows, start + batchSize);
    for (let i = start; i < end; i++) rows[i - start] = i;
    const values = tf.tidy(() => network.forward(inputTensors(x, rows.subarray(0, end - start), normalisation)).dataSync());
    out.set(values, start * width);
  }
  return out;
}

export function predictionBatchSize(params: CnnParams): number {
  return params.architecture === "compact" ? 256 : 32;
}

export class CnnModel {
  private constructor(
    private readonly network: Network,
    /** Everything but the weights' values; see `save`. */
    readonly spec: CnnSpec,
  ) {}

  /** @internal Used by trainCnn, which owns the network until it hands it over. */
  static fromNetwork(network: Network, spec: Omit<CnnSpec, "weights" | "format">): CnnModel {
    return new CnnModel(network, {
      format: CNN_FORMAT,
      ...spec,
      weights: network.weights.map((w) => ({ name: w.name, shape: [...w.variable.shape] })),
    });
  }

  /** The backend the model was trained on. */
  get backend(): string {
    return this.spec.training.backend;
  }

  /** Label-unit predictions for every row of `x`. Throws CnnInputError when `x` does not fit the model (or the model is a classifier). */
  async predict(x: ArrayInputs): Promise<Float64Array> {
    if (this.spec.classes !== undefined) throw new CnnInputError([{ argument: "model", message: "is a classifier: use predictProbabilities" }]);
    const problems = layoutProblems("x", x, this.spec.normalisation);
    if (problems.length) throw new CnnInputError(problems);
    const standardised = forwardAll(this.network, this.spec.normalisation, x, predictionBatchSize(this.spec.params));
    const { mean, std } = this.spec.label;
    return Float64Array.from(standardised, (v) => v * std + mean);
  }

  /**
   * A classifier's class probabilities for every row of `x` (rows × K,
   * row-major: the softmax of its logits, in float64). Throws CnnInputError
   * when `x` does not fit the model or the model is a regression.
   */
  async predictProbabilities(x: ArrayInputs): Promise<Float64Array> {
    const k = this.spec.classes;
    if (k === undefined) throw new CnnInputError([{ argument: "model", message: "is a regression: use predict" }]);
    const problems = layoutProblems("x", x, this.spec.normalisation);
    if (problems.length) throw new CnnInputError(problems);
    return softmaxRows(forwardAll(this.network, this.spec.normalisation, x, predictionBatchSize(this.spec.params), k), new Float64Array(x.rows * k), x.rows, k);
  }

  /**
   * Per row of `x`, the gate's weight of the image (the spectrum's is 1 −
   * it); null unless the model fuses with a gate. Throws CnnInputError when
   * `x` does not fit the model.
   */
  async gateWeights(x: ArrayInputs): Promise<Float32Array | null> {
    const gate = this.network.gateWeights;
    if (!gate) return null;
    const problems = layoutProblems("x", x, this.spec.normalisation);
    if (problems.length) throw new CnnInputError(problems);
    const batchSize = predictionBatchSize(this.spec.params);
    const out = new Float32Array(x.rows);
    const rows = new Int32Array(batchSize);
    for (let start = 0; start < x.rows; start += batchSize) {
      const end = Math.min(x.rows, start + batchSize);
      for (let i = start; i < end; i++) rows[i - start] = i;
      const weights = tf.tidy(() => gate(inputTensors(x, rows.subarray(0, end - start), this.spec.normalisation)).dataSync());
      for (let i = start; i < end; i++) out[i] = weights[2 * (i - start)];
    }
    return out;
  }

  async save(): Promise<SavedCnn> {
    const total = this.network.weights.reduce((sum, w) => sum + w.variable.size, 0);
    const values = new Float32Array(total);
    let offset = 0;
    for (const w of this.network.weights) {
      values.set(await w.variable.data<"float32">(), offset);
      offset += w.variable.size;
    }
    return { format: CNN_FORMAT, spec: structuredClone(this.spec), weights: littleEndianBytes(values) };
  }

  /** Rebuilds a saved model on the current backend (loading the best one if none is yet). */
  static async load(saved: SavedCnn): Promise<CnnModel> {
    if (saved.format !== CNN_FORMAT || saved.spec?.format !== CNN_FORMAT) {
      throw new Error(`not a CNN model of format ${CNN_FORMAT} (got ${saved.format})`);
    }
    await loadBackend();
    const spec = structuredClone(saved.spec);
    const network = buildNetwork(networkLayout(spec.params, spec.normalisation, spec.classes ?? 1), spec.seed);
    const values = float32FromLittleEndian(saved.weights);
    const expected = network.weights.reduce((sum, w) => sum + w.variable.size, 0);
    const sameLayout = network.weights.length === spec.weights.length &&
      network.weights.every((w, i) => w.name === spec.weights[i].name && tf.util.arraysEqual(w.variable.shape, spec.weights[i].shape));
    if (!sameLayout || values.length !== expected) {
      network.dispose();
      throw new Error(`CNN weights do not match the network described by the spec (${values.length} values, ${expected} expected)`);
    }
    let offset = 0;
    for (const w of network.weights) {
      tf.tidy(() => w.variable.assign(tf.tensor(values.subarray(offset, offset + w.variable.size), w.variable.shape)));
      offset += w.variable.size;
    }
    return new CnnModel(network, spec);
  }

  /** Frees the weights' tensors; the model cannot predict afterwards. */
  dispose(): void {
    this.network.dispose();
  }
}


const littleEndian = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

function littleEndianBytes(values: Float32Array): Uint8Array {
  const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  if (littleEndian) return bytes.slice();
  const out = new Uint8Array(values.byteLength);
  const view = new DataView(out.buffer);
  values.forEach((v, i) => view.setFloat32(4 * i, v, true));
  return out;
}

function float32FromLittleEndian(bytes: Uint8Array): Float32Array {
  if (bytes.byteLength % 4) throw new Error("CNN weights: byte length is not a multiple of 4");
  const out = new Float32Array(bytes.byteLength / 4);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(4 * i, true);
  return out;
}
