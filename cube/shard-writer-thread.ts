/**
 * The thread of ./shard-writer.ts: computes every zoom level of the records
 * it is sent and writes them with h5wasm (`ShardWriter`), so that a server
 * running an ingest keeps its event loop for requests. One request at a
 * time per shard; each is answered, so the sender never queues more than
 * one block.
 */
import { parentPort } from "node:worker_threads";
import type { CubeRecord } from "./levels.js";
import { ready, ShardWriter } from "./shard-file.js";

export type WriterRequest =
  | { id: number; op: "open"; path: string; rows: number }
  | { id: number; op: "add"; path: string; records: CubeRecord[] }
  | { id: number; op: "finish" | "abandon"; path: string };

export type WriterReply = { id: number; ok: true } | { id: number; ok: false; error: { name: string; message: string; code?: string } };

const writers = new Map<string, ShardWriter>();

function handle(request: WriterRequest): void {
  if (request.op === "open") {
    writers.set(request.path, new ShardWriter(request.path, request.rows));
    return;
  }
  const writer = writers.get(request.path);
  if (!writer) throw new Error(`no shard being written at ${request.path}`);
  if (request.op === "add") return writer.add(request.records);
  writers.delete(request.path);
  if (request.op === "finish") writer.finish();
  else writer.abandon();
}

parentPort!.on("message", async (request: WriterRequest) => {
  let reply: WriterReply;
  try {
    await ready;
    handle(request);
    reply = { id: request.id, ok: true };
  } catch (error) {
    const e = error as Error & { code?: unknown };
    if (request.op !== "open") {
      writers.get(request.path)?.abandon();
      writers.delete(request.path);
    }
    reply = { id: request.id, ok: false, error: { name: e?.name ?? "Error", message: e?.message ?? String(error), ...(typeof e?.code === "string" ? { code: e.code } : {}) } };
  }
  parentPort!.postMessage(reply);
});
