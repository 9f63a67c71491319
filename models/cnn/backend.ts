/**
 * Chooses and initialises the TensorFlow.js backend: native TensorFlow
 * (tfjs-node-gpu, then tfjs-node; optional dependencies, absent when their
 * install could not download libtensorflow) > wasm (XNNPACK, one core in
 * Node) > cpu (pure JavaScript, ~250x slower than wasm). `TFJS_BACKEND`
 * (tensorflow | wasm | cpu) overrides the choice.
 */
import * as tf from "@tensorflow/tfjs";
import { registerConvGradients } from "./conv-gradients.js";
import { registerMaxPoolGradient } from "./max-pool-gradient.js";

export type BackendName = "tensorflow" | "wasm" | "cpu";
export const backendNames: readonly BackendName[] = ["tensorflow", "wasm", "cpu"];

let current: BackendName | undefined;

async function tryTensorflow(): Promise<boolean> {
  for (const name of ["@tensorflow/tfjs-node-gpu", "@tensorflow/tfjs-node"]) {
    try {
      await import(name);
      if (tf.findBackend("tensorflow")) return true;
    } catch {
      // Not installed, or libtensorflow missing: try the next one.
    }
  }
  return false;
}

async function activate(name: BackendName): Promise<boolean> {
  if (name === "tensorflow" && !tf.findBackend("tensorflow") && !(await tryTensorflow())) return false;
  if (name === "wasm") {
    await import("@tensorflow/tfjs-backend-wasm");
    registerConvGradients("wasm");
    registerMaxPoolGradient("wasm");
  }
  try {
    if (!(await tf.setBackend(name))) return false;
    await tf.ready();
    return true;
  } catch {
    return false;
  }
}

/**
 * Makes the best available backend current and returns its name, which
 * callers record with the run. `preference` (or `TFJS_BACKEND`, which wins)
 * names one backend; asking for one that cannot start is an error.
 */
export async function loadBackend(preference?: string): Promise<BackendName> {
  const wanted = process.env.TFJS_BACKEND || preference;
  if (wanted) {
    if (!backendNames.includes(wanted as BackendName)) {
      throw new Error(`unknown TensorFlow.js backend "${wanted}": use one of ${backendNames.join(", ")}`);
    }
    if (current === wanted) return current;
    if (!(await activate(wanted as BackendName))) throw new Error(`TensorFlow.js backend "${wanted}" is not available here`);
    return (current = wanted as BackendName);
  }
  if (current) return current;
  // Concurrent first calls (two trainings starting at once) share one choice.
  choosing ??= chooseBest().finally(() => (choosing = undefined));
  return choosing;
}

let choosing: Promise<BackendName> | undefined;

async function chooseBest(): Promise<BackendName> {
  for (const name of backendNames) if (await activate(name)) return (current = name);
  throw new Error("no TensorFlow.js backend could be initialised");
}
