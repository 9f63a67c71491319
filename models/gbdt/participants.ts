/**
 * The threads that build histograms: the main thread plus `threads − 1`
 * worker_threads, all running runHistogramTask on the same SharedArrayBuffers.
 */
import { Worker } from "node:worker_threads";
import { runHistogramTask, type HistogramTask, type SharedState } from "./histogram-task.js";

export class Participants {
  private constructor(
    private readonly state: SharedState,
    private readonly workers: Worker[],
  ) {}

  static async start(state: SharedState, threads: number): Promise<Participants> {
    const workers: Worker[] = [];
    for (let i = 1; i < threads; i++) {
      workers.push(new Worker(new URL("./histogram-worker.js", import.meta.url), { workerData: state }));
    }
    await Promise.all(workers.map((worker) => new Promise<void>((resolve, reject) => {
      worker.once("online", resolve);
      worker.once("error", reject);
    })));
    return new Participants(state, workers);
  }

  get count(): number {
    return this.workers.length + 1;
  }

  /** Runs tasks[0] here and tasks[i] on worker i − 1; results in task order. */
  async run(tasks: HistogramTask[]): Promise<Float64Array[]> {
    const pending = this.workers.slice(0, tasks.length - 1).map((worker, i) => new Promise<Float64Array>((resolve, reject) => {
      const onError = (error: Error) => reject(error);
      worker.once("error", onError);
      worker.once("message", (out: Float64Array) => {
        worker.off("error", onError);
        resolve(out);
      });
      worker.postMessage(tasks[i + 1]);
    }));
    const first = runHistogramTask(this.state, tasks[0]);
    return [first, ...(await Promise.all(pending))];
  }

  async stop(): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.terminate()));
  }
}
