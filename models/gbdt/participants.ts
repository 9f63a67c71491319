/**
 * The threads that bin features and build histograms: the main thread plus
 * `threads − 1` worker_threads, all working on the same SharedArrayBuffers.
 */
import { Worker } from "node:worker_threads";
import type { BinMapper } from "./bin-mapper.js";
import { binFeatures, type BinningTask } from "./dataset.js";
import { runHistogramTask, type HistogramTask, type SharedState } from "./histogram-task.js";

export type WorkerMessage = { kind: "bin"; task: BinningTask } | { kind: "state"; state: SharedState } | { kind: "histogram"; task: HistogramTask };

export class Participants {
  private state: SharedState | undefined;

  private constructor(private readonly workers: Worker[]) {}

  static async start(threads: number): Promise<Participants> {
    const workers: Worker[] = [];
    for (let i = 1; i < threads; i++) workers.push(new Worker(new URL("./histogram-worker.js", import.meta.url)));
    const participants = new Participants(workers);
    try {
      await Promise.all(workers.map((worker) => new Promise<void>((resolve, reject) => {
        worker.once("online", resolve);
        worker.once("error", reject);
      })));
    } catch (error) {
      await participants.stop();
      throw error;
    }
    return participants;
  }

  get count(): number {
    return this.workers.length + 1;
  }

  /** Sends `messages[i + 1]` to worker i, runs `local(messages[0])` here; results in order. */
  private async all<T>(messages: WorkerMessage[], local: (message: WorkerMessage) => T): Promise<T[]> {
    const pending = this.workers.slice(0, messages.length - 1).map((worker, i) => new Promise<T>((resolve, reject) => {
      const onError = (error: Error) => reject(error);
      worker.once("error", onError);
      worker.once("message", (out: T) => {
        worker.off("error", onError);
        resolve(out);
      });
      worker.postMessage(messages[i + 1]);
    }));
    const first = local(messages[0]);
    return [first, ...(await Promise.all(pending))];
  }

  /** Bins each task's features on its own thread. */
  bin(tasks: BinningTask[]): Promise<BinMapper[][]> {
    return this.all(tasks.map((task) => ({ kind: "bin", task })), (message) => binFeatures((message as { task: BinningTask }).task));
  }

  /** Hands every worker the shared memory of a training run. */
  async share(state: SharedState): Promise<void> {
    this.state = state;
    const message: WorkerMessage = { kind: "state", state };
    await this.all(new Array<WorkerMessage>(this.count).fill(message), () => true);
  }

  /** Runs one task on this thread. */
  runHere(task: HistogramTask): Float64Array {
    return runHistogramTask(this.state!, task);
  }

  /** Runs tasks[0] here and tasks[i] on worker i − 1; results in task order. */
  run(tasks: HistogramTask[]): Promise<Float64Array[]> {
    return this.all(tasks.map((task) => ({ kind: "histogram", task })), (message) => runHistogramTask(this.state!, (message as { task: HistogramTask }).task));
  }

  async stop(): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.terminate()));
  }
}
