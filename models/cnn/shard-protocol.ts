/**
 * Messages between the training thread and its shard workers
 * (./data-parallel.ts, ./shard-worker.ts). Gradients travel through shared
 * memory: each worker writes its shard's gradient into its own buffer, the
 * training thread writes the batch's sum into one buffer all workers read.
 */
import type { NetworkLayout } from "./network.js";
import type { ShardData } from "./shard-step.js";

export type ShardMessage =
  | {
      kind: "init";
      backend: string;
      layout: NetworkLayout;
      networkSeed: number;
      learningRate: number;
      /** The training set, its arrays on SharedArrayBuffers. */
      data: ShardData;
      /** This worker's gradient (float32, one value per network parameter). */
      gradient: SharedArrayBuffer;
      /** The batch's summed gradient, written by the training thread. */
      sum: SharedArrayBuffer;
    }
  | {
      kind: "step";
      /** This shard's rows of x (may be empty when the batch has fewer rows than threads). */
      rows: Int32Array;
      firstRow: number;
      batchRows: number;
      /** The dropout generator's position at the start of the batch (Random.position). */
      noisePosition: number;
    }
  /** Apply the sum buffer (the step's summed gradient; no reply): the training thread applies it at the same time. */
  | { kind: "apply" }
  /** Tests only: the worker exits at once, as a crashed thread would. */
  | { kind: "crash" };

export type ShardReply = { kind: "ready"; parameters: number } | { kind: "gradient"; squaredSum: number };
