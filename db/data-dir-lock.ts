/**
 * One writer per data folder. PGlite keeps its database in DATA_DIR/pglite
 * and knows nothing of other processes: two processes on one folder each
 * see their own copy and the last to close wins, losing the other's rows.
 * So every process that opens a DATA_DIR (the server, every CLI command)
 * first takes DATA_DIR/skycube.lock, a file naming its pid, host, command
 * and (for a server) its port, created exclusively. A lock whose process is
 * gone (same host, pid not running) is stale and taken over.
 *
 * Residual race, accepted: two processes that find the same stale lock at
 * the same moment may both remove it; the exclusive create then lets one
 * of them win, and the other reports the winner.
 */
import { hostname } from "node:os";
import { join } from "node:path";
import { readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { prepareDataDir } from "./data-dir.js";

export interface LockInfo {
  pid: number;
  host: string;
  command: string;
  /** The server's HTTP port, once it listens. */
  port?: number;
  /**
   * The server's API token, so that a CLI command on the same folder can
   * hand its work to the server (the file is readable by its owner only:
   * whoever can read the folder can read the database anyway).
   */
  token?: string;
  startedAt: string;
}

export class DataDirLockedError extends Error {
  override name = "DataDirLockedError";
  constructor(readonly dataDir: string, readonly holder: LockInfo) {
    super(
      `${dataDir} is in use by ${holder.command} (pid ${holder.pid} on ${holder.host}${holder.port ? `, serving on port ${holder.port}` : ""}, since ${holder.startedAt}). ` +
        `One process at a time may open an embedded data folder. ` +
        (holder.port
          ? `Send the work to that server (\`skycube ingest\` does so by itself; scripts use the ingestFiles mutation), or stop the server first.`
          : `Wait for it to finish, or stop it first.`),
    );
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

export function lockPath(dataDir: string): string {
  return join(dataDir, "skycube.lock");
}

/** The live holder of a data folder's lock, or null. */
export function lockHolder(dataDir: string): LockInfo | null {
  const path = lockPath(dataDir);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    return null;
  }
  try {
    const info = JSON.parse(text) as LockInfo;
    if (info.host === hostname() && !alive(info.pid)) return null;
    return info;
  } catch {
    // Unreadable: a lock being created this instant (created, not yet written) is held; an old one is a crash's leftover.
    const young = Date.now() - statSafe(path) < 5000;
    return young ? { pid: 0, host: "?", command: "a process starting", startedAt: new Date().toISOString() } : null;
  }
}

function statSafe(path: string): number {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}

export interface DataDirLock {
  info: LockInfo;
  /** Records the port the server listens on and its token (for the message other processes get, and the CLI's hand-over). */
  setServer(port: number, token?: string): void;
  release(): void;
}

/** Takes the data folder's lock or throws DataDirLockedError naming its holder. */
export function lockDataDir(dataDir: string, command: string): DataDirLock {
  prepareDataDir(dataDir);
  const path = lockPath(dataDir);
  const info: LockInfo = { pid: process.pid, host: hostname(), command, startedAt: new Date().toISOString() };
  for (let attempt = 0; ; attempt++) {
    try {
      writeFileSync(path, JSON.stringify(info), { flag: "wx", mode: 0o600 });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST" || attempt > 3) throw error;
      const holder = lockHolder(dataDir);
      if (holder) throw new DataDirLockedError(dataDir, holder);
      rmSync(path, { force: true }); // stale: its process is gone
    }
  }
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    try {
      const current = JSON.parse(readFileSync(path, "utf8")) as LockInfo;
      if (current.pid === process.pid && current.host === info.host) rmSync(path, { force: true });
    } catch {
      // already gone
    }
  };
  process.once("exit", release);
  return {
    info,
    setServer(port, token) {
      info.port = port;
      if (token) info.token = token;
      // Replaced whole (rename), never rewritten in place: a reader sees the old lock or the new one.
      const temporary = `${path}.tmp-${process.pid}`;
      writeFileSync(temporary, JSON.stringify(info), { mode: 0o600 });
      renameSync(temporary, path);
    },
    release() {
      process.removeListener("exit", release);
      release();
    },
  };
}
