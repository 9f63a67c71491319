/**
 * Data-parallel CNN training: the training thread plus `threads − 1` shard
 * workers (worker_threads, each with its own wasm instance — the wasm
 * backend computes on one thread per instance in Node, since tfjs 4.22's
 * threaded build cannot start its pthreads from a Blob URL there). Each
 * step splits the batch into contiguous shards, one per thread; every
 * thread computes its shard's gradient of the batch loss (./shard-step.ts),
 * the training thread adds them up, and every thread applies that same sum
 * with its own Adam, so all replicas keep identical weights. The result
 * equals one thread's up to the order of float additions
 * (test/cnn-data-parallel.test.ts states the tolerance).
 *
 * Dropout masks and gate noise match one thread's too: each shard resumes
 * the dropout generator where the batch starts and draws only its rows'
 * values, skipping the others' (TrainingNoise in ./layers.ts).
 *
 * A worker that dies or throws fails the step with a CnnThreadError
 * (code THREAD_CRASHED); the pool then stops its other workers.
 */
import { Worker } from "node:worker_threads";
import * as tf from "@tensorflow/tfjs";
import type { ArrayInputs } from "../learner.js";
import { trainingNoise } from "./layers.js";
import type { Network, NetworkLayout } from "./network.js";
import { applyGradient, parameterCount, shardGradients, type ShardData } from "./shard-step.js";
import type { ShardMessage, ShardReply } from "./shard-protocol.js";
import type { Normalisation } from "./normalisation.js";
import type { Random } from "../../random/random.js";

export const THREAD_CRASHED = "THREAD_CRASHED";

/** A shard worker died or threw during training; the run cannot go on. */
export class CnnThreadError extends Error {
  readonly code = THREAD_CRASHED;
  constructor(detail: string) {
    super(`a CNN training thread failed (${detail}); train again, or with fewer TRAINING_THREADS if it ran out of memory`);
    this.name = "CnnThreadError";
  }
}

export interface DataParallelSetup {
  /** Threads in all, this one included (≥ 2). */
  threads: number;
  backend: string;
  layout: NetworkLayout;
  networkSeed: number;
  learningRate: number;
  x: ArrayInputs;
  target: Float32Array;
  normalisation: Normalisation;
}

/** `[first, first + count)` of each shard: as even as possible, the larger shards first. */
export function shardBounds(rows: number, shards: number): { first: number; count: number }[] {
  const base = Math.floor(rows / shards);
  const larger = rows % shards;
  const out: { first: number; count: number }[] = [];
  let first = 0;
  for (let s = 0; s < shards; s++) {
    const count = base + (s < larger ? 1 : 0);
    out.push({ first, count });
    first += count;
  }
  return out;
}

function shared(values: Float32Array): Float32Array {
  if (values.buffer instanceof SharedArrayBuffer) return values;
  const copy = new Float32Array(new SharedArrayBuffer(values.byteLength));
  copy.set(values);
  return copy;
}

interface Pending {
  resolve(reply: ShardReply): void;
  reject(error: Error): void;
}

export class DataParallelTrainer {
  private failure: CnnThreadError | undefined;
  private readonly pending: (Pending | undefined)[];
  private stopping = false;
  private steps = 0;
  /** Tests only: at this step (0-based) worker 1 is told to crash. */
  crashAtStep: number | undefined;

  private constructor(
    private readonly workers: Worker[],
    private readonly data: ShardData,
    private readonly gradients: Float32Array[],
    private readonly sum: Float32Array,
  ) {
    this.pending = workers.map(() => undefined);
    workers.forEach((worker, i) => {
      worker.on("message", (reply: ShardReply) => {
        const p = this.pending[i];
        this.pending[i] = undefined;
        p?.resolve(reply);
      });
      worker.on("error", (error) => this.fail(`shard worker ${i + 1}: ${error.message}`));
      worker.on("exit", (code) => {
        if (!this.stopping) this.fail(`shard worker ${i + 1} exited with code ${code}`);
      });
    });
  }

  /** Threads in all, this one included. */
  get threads(): number {
    return this.workers.length + 1;
  }

  /** Starts the workers, shares the training set with them and waits until each holds its replica. */
  static async start(setup: DataParallelSetup, variables: readonly tf.Variable[]): Promise<DataParallelTrainer> {
    const parameters = parameterCount(variables);
    const x: ArrayInputs = { rows: setup.x.rows };
    if (setup.x.image) x.image = { ...setup.x.image, values: shared(setup.x.image.values) };
    if (setup.x.spectrum) x.spectrum = { ...setup.x.spectrum, values: shared(setup.x.spectrum.values) };
    const data: ShardData = { x, target: shared(setup.target), normalisation: setup.normalisation };
    const workers: Worker[] = [];
    for (let i = 1; i < setup.threads; i++) workers.push(new Worker(new URL("./shard-worker.js", import.meta.url)));
    const gradients = workers.map(() => new Float32Array(new SharedArrayBuffer(4 * parameters)));
    const sum = new Float32Array(new SharedArrayBuffer(4 * parameters));
    const trainer = new DataParallelTrainer(workers, data, gradients, sum);
    try {
      const replies = await Promise.all(workers.map((_, i) => trainer.send(i, {
        kind: "init",
        backend: setup.backend,
        layout: setup.layout,
        networkSeed: setup.networkSeed,
        learningRate: setup.learningRate,
        data,
        gradient: gradients[i].buffer as SharedArrayBuffer,
        sum: sum.buffer as SharedArrayBuffer,
      })));
      for (const reply of replies) {
        if (reply.kind !== "ready" || reply.parameters !== parameters) throw new Error(`a shard worker built a different network (${JSON.stringify(reply)}, ${parameters} parameters expected)`);
      }
    } catch (error) {
      await trainer.stop();
      throw error;
    }
    return trainer;
  }

  private fail(detail: string): void {
    if (this.failure) return;
    this.failure = new CnnThreadError(detail);
    for (let i = 0; i < this.pending.length; i++) {
      const p = this.pending[i];
      this.pending[i] = undefined;
      p?.reject(this.failure);
    }
  }

  private send(i: number, message: ShardMessage): Promise<ShardReply> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise<ShardReply>((resolve, reject) => {
      this.pending[i] = { resolve, reject };
      this.workers[i].postMessage(message);
    });
  }

  /**
   * One Adam step on `batch` (rows of x): shard 0 here, the others on the
   * workers; `network`, `variables` and `optimizer` are this thread's, and
   * `dropout` the run's generator (left where one thread would leave it).
   * Returns the batch's sum of squared errors (standardised units).
   */
  async step(batch: Int32Array, network: Network, variables: tf.Variable[], optimizer: tf.Optimizer, dropout: Random): Promise<number> {
    if (this.failure) throw this.failure;
    const shards = shardBounds(batch.length, this.threads);
    const noisePosition = dropout.position;
    const step = this.steps++;
    const replies = this.workers.map((_, i) => {
      const { first, count } = shards[i + 1];
      if (this.crashAtStep === step && i === 0) return this.send(i, { kind: "crash" });
      return this.send(i, { kind: "step", rows: batch.slice(first, first + count), firstRow: first, batchRows: batch.length, noisePosition });
    });
    // Shard 0 is never empty (the larger shards come first, and a batch has a row).
    const own = new Float32Array(this.sum.length);
    let squaredSum = shardGradients(network, variables, this.data, batch.subarray(0, shards[0].count), trainingNoise(dropout, batch.length, 0), own);
    const answers = await Promise.all(replies);
    // Add the shards in a fixed order: the same data gives the same sum every run.
    answers.forEach((answer, i) => {
      if (answer.kind !== "gradient") throw new Error(`shard worker ${i + 1} answered ${answer.kind} to a step`);
      squaredSum += answer.squaredSum;
      if (shards[i + 1].count === 0) return;
      const g = this.gradients[i];
      for (let k = 0; k < own.length; k++) own[k] += g[k];
    });
    this.sum.set(own);
    // The workers apply the sum while this thread does (a worker reads the
    // messages in order, so it has applied it before it starts the next
    // step, and this thread writes the next sum only after that step).
    for (const worker of this.workers) worker.postMessage({ kind: "apply" } satisfies ShardMessage);
    applyGradient(optimizer, variables, this.sum);
    return squaredSum;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all(this.workers.map((worker) => worker.terminate()));
  }
}
