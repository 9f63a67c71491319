/**
 * Bulk downloads over HTTP (export/bulk.ts makes the archive):
 *   POST /bulk/images   { "ids": [...] | "cone": { ra, dec, radius }, "zoom": 0, "bands": ["g", "r", "i"] }
 *   POST /bulk/spectra  { "ids": [...] | "cone": {...}, "zoom": 0 }
 *   GET  /bulk/images?ids=1,2,3&zoom=0&bands=g,r,i   GET /bulk/images?ra=&dec=&radius=&zoom=   (same for spectra)
 * One NumPy .npz per request, with its Content-Length, streamed a block of
 * galaxies at a time as the client reads: written straight to Node's
 * response (the next block is read while the socket drains the last one;
 * each block's buffer is reused once its write's callback says the socket
 * took it, so a download makes no garbage of its blocks and holds at most
 * two). Like the other download routes it needs no token; a POST must
 * be `Content-Type: application/json` (what a cross-site form cannot send
 * without a CORS preflight, Apollo's CSRF rule). Errors before the first
 * byte are JSON `{ error: { code, message, problems } }` with the code's
 * status; a shard failing after it aborts the connection, so the client
 * sees a short body (less than Content-Length, no zip central directory)
 * rather than a valid file.
 */
import type { ServerResponse } from "node:http";
import type { Context as HonoContext } from "hono";
import { RESPONSE_ALREADY_SENT } from "@hono/node-server/utils/response";
import { BlockBuffers, bulkArchive, parseBulkRequest, selectGalaxies, type BulkArchive, type BulkKind, type BulkLimits } from "../export/bulk.js";
import type { CubeStore } from "../cube/cube-store.js";
import type { Database } from "../db/database.js";
import { CodedError, ErrorCode } from "../errors/codes.js";

/** The query string as the JSON body's fields (ids and bands comma-separated; ra, dec, radius make the cone). */
function requestOfQuery(c: HonoContext): Record<string, unknown> {
  const query = c.req.query();
  const out: Record<string, unknown> = {};
  const list = (raw: string) => raw.split(",").map((s) => s.trim()).filter((s) => s !== "");
  const number = (raw: string) => (raw.trim() === "" ? NaN : Number(raw));
  const cone: Record<string, number> = {};
  for (const [key, raw] of Object.entries(query)) {
    if (key === "ids" || key === "bands") out[key] = list(raw);
    else if (key === "zoom") out.zoom = number(raw);
    else if (key === "ra" || key === "dec" || key === "radius") cone[key] = number(raw);
    else out[key] = raw; // refused as an unknown parameter
  }
  if (Object.keys(cone).length > 0) out.cone = cone;
  return out;
}

async function requestOf(c: HonoContext): Promise<unknown> {
  if (c.req.method === "GET") return requestOfQuery(c);
  const type = c.req.header("content-type") ?? "";
  if (!/^application\/json\s*(;|$)/i.test(type)) {
    throw new CodedError(ErrorCode.BAD_REQUEST, "POST /bulk/* needs the header Content-Type: application/json (or use GET with the same parameters in the query string)");
  }
  const text = await c.req.text();
  try {
    return JSON.parse(text);
  } catch {
    throw new CodedError(ErrorCode.BAD_USER_INPUT, "The request body is not valid JSON", { problems: [{ argument: "body", message: "is not valid JSON" }] });
  }
}

/** Resolves when `res` can take more (drain) or is gone (close). */
function writable(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    if (res.destroyed) return resolve();
    const done = () => {
      res.off("drain", done);
      res.off("close", done);
      resolve();
    };
    res.on("drain", done);
    res.on("close", done);
  });
}

/**
 * Writes the archive's chunks to `res` (its head already written), giving
 * each block's buffer back once the socket took it; the next chunk is made
 * while the socket drains. A failing chunk destroys the response (a short
 * body); a client gone away stops the archive.
 */
async function pump(archive: BulkArchive, buffers: BlockBuffers, res: ServerResponse, what: string): Promise<void> {
  const chunks = archive.chunks;
  // A socket error (the client reset) ends in `close`, seen below; without a listener it would be thrown.
  res.on("error", () => {});
  let next = chunks.next();
  try {
    for (;;) {
      const { done, value } = await next;
      if (done) break;
      if (res.destroyed) {
        await chunks.return(undefined);
        return;
      }
      const ok = res.write(value, () => buffers.give(value.buffer));
      next = chunks.next(); // the next block is read while this one drains
      if (!ok) await writable(res);
    }
    res.end();
  } catch (error) {
    console.error(`bulk download of ${archive.count} ${what} aborted: ${(error as Error).message}`);
    res.destroy(error as Error);
  }
}

export function bulkDownload(db: Database, cube: CubeStore, kind: BulkKind, limits: BulkLimits) {
  return async (c: HonoContext): Promise<Response> => {
    const request = parseBulkRequest(await requestOf(c), kind, limits);
    const galaxies = await selectGalaxies(db.sql, request, kind, limits);
    // A missing or unreadable shard is found before the first byte (a JSON 500 CUBE_UNREADABLE naming it).
    // verify: each shard's bytes against the manifest's sha256 (once per file and process).
    await cube.verify(galaxies.map((g) => g.cube));
    for (const shard of new Set(galaxies.map((g) => g.cube.shard))) cube.shard(shard);
    const zoom = request.zoom ?? 0;
    const what = kind === "image" ? "images" : "spectra";
    const outgoing = (c.env as { outgoing?: ServerResponse } | undefined)?.outgoing;
    const buffers = new BlockBuffers();
    const archive = bulkArchive(cube, kind, galaxies, zoom, request.bands ?? null, outgoing ? buffers : undefined);
    const name = `skycube-${what}-zoom${zoom}-${archive.count}.npz`;
    const headers = {
      "content-type": "application/octet-stream",
      "content-length": String(archive.bytes),
      "content-disposition": `attachment; filename="${name}"`,
      "x-galaxy-count": String(archive.count),
    };
    if (outgoing) {
      // Served by @hono/node-server (always, but for a Hono app called in process): write to Node's response ourselves.
      outgoing.writeHead(200, headers);
      void pump(archive, buffers, outgoing, what);
      return RESPONSE_ALREADY_SENT;
    }
    const chunks = archive.chunks;
    const body = new ReadableStream<Uint8Array>(
      {
        async pull(controller) {
          try {
            const next = await chunks.next();
            if (next.done) controller.close();
            else controller.enqueue(next.value);
          } catch (error) {
            console.error(`bulk download of ${archive.count} ${what} aborted: ${(error as Error).message}`);
            controller.error(error);
          }
        },
        async cancel() {
          await chunks.return(undefined);
        },
      },
      { highWaterMark: 1 },
    );
    return new Response(body, { headers });
  };
}
