/**
 * The thread of ./field-reader.ts: reads the five frames of a field (each
 * decompressed in a child process, then parsed here) and cuts the objects'
 * cutouts from them, so that a server running an ingest job keeps its event
 * loop for requests. A field's frames stay here, from `read` until `drop`;
 * only the cutouts (transferred, not copied) and the frames' headers go back.
 */
import { parentPort } from "node:worker_threads";
import { FitsError } from "../../fits/errors.js";
import { cutOut, type Cutout } from "./cutout.js";
import { readFrameAsync, type Frame } from "./frame.js";

/** What the reading thread tells of a frame: everything but its pixels. */
export type FrameHeader = Omit<Frame, "valueAt" | "sigmaAt">;

export type FieldRequest =
  | { id: number; op: "read"; paths: string[] }
  | { id: number; op: "cut"; positions: [number, number][] }
  | { id: number; op: "drop" };

export type FieldReply =
  | { id: number; op: "read"; ok: true; frames: FrameHeader[] }
  | { id: number; op: "cut"; ok: true; cutouts: (Cutout | null)[] }
  | { id: number; op: "read" | "cut"; ok: false; error: { message: string; fits?: { file: string } } };

const fields = new Map<number, { controller: AbortController; frames: Promise<Frame[]> }>();
const header = ({ valueAt: _v, sigmaAt: _s, ...rest }: Frame): FrameHeader => rest;
const basename = (path: string) => path.slice(path.lastIndexOf("/") + 1);

function failure(id: number, op: "read" | "cut", error: unknown): FieldReply {
  const fits = error instanceof FitsError ? { file: (error as FitsError & { file?: string }).file ?? "" } : undefined;
  return { id, op, ok: false, error: { message: (error as Error)?.message ?? String(error), ...(fits ? { fits } : {}) } };
}

parentPort!.on("message", async (request: FieldRequest) => {
  if (request.op === "read") {
    const controller = new AbortController();
    // A frame with bad data names its file; it stops the field's other decompressors.
    const read = (path: string) =>
      readFrameAsync(path, controller.signal).catch((error: unknown) => {
        controller.abort();
        if (error instanceof FitsError) Object.assign(error, { file: basename(path) });
        throw error;
      });
    const frames = Promise.all(request.paths.map(read));
    frames.catch(() => {}); // reported below
    fields.set(request.id, { controller, frames });
    try {
      parentPort!.postMessage({ id: request.id, op: "read", ok: true, frames: (await frames).map(header) } satisfies FieldReply);
    } catch (error) {
      fields.delete(request.id);
      parentPort!.postMessage(failure(request.id, "read", error));
    }
  } else if (request.op === "cut") {
    try {
      const frames = await fields.get(request.id)!.frames;
      const cutouts = request.positions.map(([ra, dec]) => cutOut(frames, ra, dec));
      const transfer = cutouts.flatMap((c) => (c ? [c.value.buffer, c.sigma.buffer, c.mask.buffer] : []));
      parentPort!.postMessage({ id: request.id, op: "cut", ok: true, cutouts } satisfies FieldReply, transfer as ArrayBuffer[]);
    } catch (error) {
      parentPort!.postMessage(failure(request.id, "cut", error));
    }
  } else if (request.id === -1) {
    // The reader closes: stop every decompressor, then end the thread.
    for (const field of fields.values()) field.controller.abort();
    fields.clear();
    setImmediate(() => process.exit(0));
  } else {
    fields.get(request.id)?.controller.abort();
    fields.delete(request.id);
  }
});
