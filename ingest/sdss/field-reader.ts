/**
 * Fields read and cut in a worker thread (./field-thread.ts): parsing five
 * frames and cutting a thousand cutouts from them takes seconds of CPU,
 * which a server running an ingest job must not take from its requests.
 * The main thread sees each frame's header (to find the objects on it) and
 * receives the cutouts it asks for.
 */
import { Worker } from "node:worker_threads";
import { FitsError } from "../../fits/errors.js";
import type { Cutout } from "./cutout.js";
import type { FieldReply, FieldRequest, FrameHeader } from "./field-thread.js";

export type { FrameHeader } from "./field-thread.js";

/** A frame whose file cannot be read as an SDSS frame (bad data, not a system failure). */
export class FrameReadError extends Error {
  constructor(readonly file: string, cause: FitsError) {
    super(cause.message, { cause });
  }
}

/** One field being read in the thread (u,g,r,i,z). */
export interface FieldRead {
  /** The frames' headers, once all five are read. */
  frames: Promise<FrameHeader[]>;
  /** Cutouts at (ra, dec) positions, from the read frames (null: not on the reference frame). */
  cut(positions: [number, number][]): Promise<(Cutout | null)[]>;
  /** Stops reading (the decompressors) and frees the frames in the thread. */
  stop(): void;
}

export class FieldReader {
  private worker: Worker | undefined;
  private next = 0;
  private readonly waiting = new Map<string, { resolve(reply: FieldReply): void; reject(error: Error): void }>();

  private start(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(new URL("./field-thread.js", import.meta.url));
    worker.unref(); // idle, it does not keep the process alive; a request waiting for it does
    worker.on("message", (reply: FieldReply) => {
      const key = `${reply.op} ${reply.id}`;
      const waiter = this.waiting.get(key);
      this.waiting.delete(key);
      waiter?.resolve(reply);
    });
    const fail = (error: Error) => {
      if (this.worker === worker) this.worker = undefined;
      for (const waiter of this.waiting.values()) waiter.reject(new Error(`the frame reading thread stopped: ${error.message}`, { cause: error }));
      this.waiting.clear();
    };
    worker.on("error", fail);
    worker.on("exit", (code) => fail(new Error(`exit code ${code}`)));
    this.worker = worker;
    return worker;
  }

  private ask(request: FieldRequest): Promise<FieldReply> {
    const worker = this.start();
    return new Promise((resolve, reject) => {
      this.waiting.set(`${request.op} ${request.id}`, { resolve, reject });
      worker.ref();
      worker.postMessage(request);
    }).finally(() => {
      if (this.waiting.size === 0) this.worker?.unref();
    }) as Promise<FieldReply>;
  }

  private static failed(reply: Extract<FieldReply, { ok: false }>): Error {
    return reply.error.fits ? new FrameReadError(reply.error.fits.file, new FitsError(reply.error.message)) : new Error(reply.error.message);
  }

  /** Starts reading a field's frames (`paths` in u,g,r,i,z order); `signal` stops it. */
  readField(paths: string[], signal: AbortSignal): FieldRead {
    const id = this.next++;
    let stopped = false;
    const stop = () => {
      if (stopped) return;
      stopped = true;
      signal.removeEventListener("abort", stop);
      this.worker?.postMessage({ id, op: "drop" } satisfies FieldRequest);
    };
    if (signal.aborted) {
      const frames = Promise.reject(signal.reason ?? new Error("aborted"));
      frames.catch(() => {});
      return { frames, cut: () => frames as never, stop: () => {} };
    }
    signal.addEventListener("abort", stop, { once: true });
    const frames = this.ask({ id, op: "read", paths }).then((reply) => {
      if (!reply.ok) throw FieldReader.failed(reply);
      if (signal.aborted) throw signal.reason ?? new Error("aborted");
      return (reply as Extract<FieldReply, { op: "read"; ok: true }>).frames;
    });
    frames.catch(() => stop()); // a failed field frees itself; also marks a prefetched field's failure handled until it is awaited
    const cut = async (positions: [number, number][]) => {
      await frames;
      const reply = await this.ask({ id, op: "cut", positions });
      if (!reply.ok) throw FieldReader.failed(reply);
      return (reply as Extract<FieldReply, { op: "cut"; ok: true }>).cutouts;
    };
    return { frames, cut, stop };
  }

  /** Ends the thread (the decompressors it started stop with their fields). */
  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    if (!worker) return;
    const exited = new Promise((resolve) => worker.once("exit", resolve));
    worker.postMessage({ id: -1, op: "drop" } satisfies FieldRequest);
    const timer = setTimeout(() => void worker.terminate(), 2000);
    await exited;
    clearTimeout(timer);
  }
}
