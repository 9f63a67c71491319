/**
 * DATA_DIR, the folder of the embedded database and the cube: checked before
 * it is used, and blamed by name when a start fails because of it (a full
 * disk, a read-only or missing folder). Each failure is one line:
 * `DATA_DIR <path>: <cause> (<errno>) while <step>; <what to do>`.
 *
 * A missing DATA_DIR is created, but not its parent: a typo in the path
 * (`/srv/skycueb/data`) is refused rather than silently making a new tree.
 */
import { mkdirSync, rmSync, statfsSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative, isAbsolute } from "node:path";
import { causeInWords, StartupError, systemCauseOf } from "../errors/startup.js";

/** Below this many free bytes after a failure, the file system counts as full (the failed write's cause, whatever the library reported). */
const FULL_BELOW_BYTES = 8e6;

const WHAT_TO_DO: Record<string, string> = {
  ENOSPC: "free some space or set DATA_DIR to a folder on a larger disk",
  EDQUOT: "free some space or set DATA_DIR to a folder on a larger disk",
  EROFS: "make it writable or set DATA_DIR to a writable folder",
  EACCES: "make it writable or set DATA_DIR to a writable folder",
  EPERM: "make it writable or set DATA_DIR to a writable folder",
  ENOTDIR: "correct DATA_DIR",
  ENOENT: "correct DATA_DIR",
  EIO: "check the disk",
};

function failure(dataDir: string, text: string): StartupError {
  return new StartupError(`DATA_DIR ${dataDir}: ${text}`);
}

function kind(path: string): "folder" | "file" | "missing" | "blocked" {
  try {
    return statSync(path).isDirectory() ? "folder" : "file";
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "ENOENT" ? "missing" : "blocked";
  }
}

/** Throws a StartupError unless `dataDir` is (or, its parent existing, could be made) a writable folder. */
export function prepareDataDir(dataDir: string): void {
  const here = kind(dataDir);
  if (here === "file") throw failure(dataDir, "is a file, not a folder; correct DATA_DIR");
  if (here !== "folder") {
    const parent = dirname(dataDir);
    const above = kind(parent);
    if (above === "missing") throw failure(dataDir, `its parent folder ${parent} does not exist; create it or correct DATA_DIR`);
    if (above === "file") throw failure(dataDir, `${parent} is a file, not a folder; correct DATA_DIR`);
    try {
      mkdirSync(dataDir);
    } catch (error) {
      throw dataDirFailure(error, dataDir, "creating the folder") ?? error;
    }
  }
}

function inside(dataDir: string, path: string): boolean {
  const rel = relative(dataDir, path);
  return !rel.startsWith("..") && !isAbsolute(rel);
}

function freeBytes(dataDir: string): number | undefined {
  try {
    const fs = statfsSync(dataDir);
    return fs.bavail * fs.bsize;
  } catch {
    return undefined;
  }
}

/** The cause of a folder refusing writes (EROFS, EACCES, ENOSPC…), found by writing a small file there. */
function writeProbe(dir: string): string | undefined {
  if (kind(dir) !== "folder") return undefined;
  const probe = join(dir, `.skycube-probe-${process.pid}`);
  try {
    writeFileSync(probe, "probe");
    rmSync(probe, { force: true });
    return undefined;
  } catch (error) {
    return systemCauseOf(error)?.code;
  }
}

/**
 * Why a start failed, when DATA_DIR is the reason: the errno the error
 * carries (node's fs, PGlite's WebAssembly file system, PostgreSQL's
 * disk_full), else what the folder shows now (almost no free space, or a
 * write refused: some libraries report a failed write only as a broken
 * state). `step` says what was being done ("opening the embedded
 * database"); `embedded` whether the database lives in DATA_DIR too.
 * Undefined when the folder is not to blame.
 */
export function dataDirFailure(error: unknown, dataDir: string, step: string, embedded = true): StartupError | undefined {
  if (error instanceof StartupError) return error;
  const cause = systemCauseOf(error);
  if (cause?.databaseServer && !embedded) return new StartupError(`the PostgreSQL server of DATABASE_URL: no space left on its disk (SQLSTATE 53100 disk_full) while ${step}; free space there`);
  const free = freeBytes(dataDir);
  const freeNote = (code: string) => (code === "ENOSPC" && free !== undefined ? `${causeInWords(code).slice(0, -1)}; ${(free / 1e6).toFixed(1)} MB free now)` : causeInWords(code));
  const explain = (code: string, path?: string) =>
    failure(dataDir, `${freeNote(code)}${path && path !== dataDir ? ` at ${path}` : ""} while ${step}; ${WHAT_TO_DO[code] ?? "correct DATA_DIR"}`);
  // An errno naming a path elsewhere (an input file, say) is not DATA_DIR's doing.
  if (cause && cause.code in WHAT_TO_DO && (cause.path === undefined || inside(dataDir, cause.path))) return explain(cause.code, cause.path);
  if (free !== undefined && free < FULL_BELOW_BYTES) return explain("ENOSPC");
  for (const dir of [dataDir, join(dataDir, "pglite"), join(dataDir, "cube")]) {
    const refused = writeProbe(dir);
    if (refused) return explain(refused, dir);
  }
  return undefined;
}
