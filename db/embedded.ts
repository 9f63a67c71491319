/**
 * The embedded PostgreSQL: PGlite (Postgres compiled to WebAssembly) served on
 * a private Unix socket so the same `postgres` client can talk to it.
 */
import { PGlite } from "@electric-sql/pglite";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";
import { existsSync, mkdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";

export interface EmbeddedServer {
  socketPath: string;
  close(): Promise<void>;
}

export async function openEmbedded(dataDir?: string): Promise<EmbeddedServer> {
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const folder = dataDir ? join(dataDir, "pglite") : undefined;
  const fresh = folder !== undefined && !existsSync(folder);
  let db: PGlite;
  try {
    db = folder ? await PGlite.create(folder) : await PGlite.create();
  } catch (error) {
    // A first start that failed (a full disk, say) leaves no half-made database for the next one to trip on.
    if (fresh) rmSync(folder, { recursive: true, force: true });
    throw error;
  }
  // Socket paths are limited to ~100 bytes, so it lives in the temp folder.
  const socketPath = join(tmpdir(), `skycube-${process.pid}-${randomBytes(4).toString("hex")}.sock`);
  const server = new PGLiteSocketServer({ db, path: socketPath, maxConnections: 1 });
  await server.start();
  return {
    socketPath,
    async close() {
      await server.stop();
      await db.close();
      rmSync(socketPath, { force: true });
    },
  };
}
