/**
 * Writes shard files in a worker thread (./shard-writer-thread.ts): the
 * zoom levels of every row and h5wasm's writes are the CPU-heavy part of an
 * ingest's commit, and a server runs ingest jobs beside its requests.
 * Records go over in blocks of `BLOCK_ROWS`, each answered before the next
 * is sent, so the copy of one block is all the main thread pays and all
 * either thread holds. The file is only written here; the caller fsyncs,
 * checks and renames it (./cube-store.ts).
 */
import { Worker } from "node:worker_threads";
import { CubeError, type CubeErrorCode, type CubeRecord } from "./levels.js";
import { BLOCK_ROWS } from "./shard-file.js";
import type { WriterReply, WriterRequest } from "./shard-writer-thread.js";

type Request = WriterRequest extends infer R ? (R extends { id: number } ? Omit<R, "id"> : never) : never;

const CUBE_CODES: readonly string[] = ["CUBE_UNREADABLE", "CUBE_NO_SPACE", "CUBE_ERROR"];

function errorOf(error: Extract<WriterReply, { ok: false }>["error"]): Error {
  if (error.name === "CubeError") return new CubeError(error.message, { code: CUBE_CODES.includes(error.code ?? "") ? (error.code as CubeErrorCode) : "CUBE_ERROR" });
  const out = new Error(error.message) as NodeJS.ErrnoException;
  if (error.code) out.code = error.code;
  return out;
}

export class ThreadShardWriter {
  private worker: Worker | undefined;
  private readonly waiting = new Map<number, { resolve(): void; reject(error: Error): void }>();
  private next = 0;

  private start(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(new URL("./shard-writer-thread.js", import.meta.url));
    worker.unref(); // an idle writer does not keep the process alive
    worker.on("message", (reply: WriterReply) => {
      const waiter = this.waiting.get(reply.id);
      this.waiting.delete(reply.id);
      if (reply.ok) waiter?.resolve();
      else waiter?.reject(errorOf(reply.error));
    });
    const fail = (error: Error) => {
      if (this.worker === worker) this.worker = undefined;
      for (const waiter of this.waiting.values()) waiter.reject(new CubeError(`the cube's shard writer thread stopped: ${error.message}`, { cause: error }));
      this.waiting.clear();
    };
    worker.on("error", fail);
    worker.on("exit", (code) => fail(new Error(`exit code ${code}`)));
    this.worker = worker;
    return worker;
  }

  private ask(request: Request): Promise<void> {
    const worker = this.start();
    const id = this.next++;
    return new Promise<void>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      worker.ref(); // busy: keeps the process alive until answered
      worker.postMessage({ ...request, id });
    }).finally(() => {
      if (this.waiting.size === 0) this.worker?.unref();
    });
  }

  /** Writes `records` as a new shard file at `path` (the file may be left partly written on failure: the caller removes it). */
  async write(path: string, records: readonly CubeRecord[]): Promise<void> {
    await this.ask({ op: "open", path, rows: records.length });
    try {
      for (let start = 0; start < records.length; start += BLOCK_ROWS) await this.ask({ op: "add", path, records: records.slice(start, start + BLOCK_ROWS) as CubeRecord[] });
    } catch (error) {
      await this.ask({ op: "abandon", path }).catch(() => {});
      throw error;
    }
    await this.ask({ op: "finish", path });
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    await worker?.terminate();
  }
}
