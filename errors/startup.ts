/**
 * Failures of the machine rather than of a request: a full disk, a
 * read-only or missing folder, a port in use. A `StartupError` is one line
 * naming the path (or port) and the cause; the command line prints it as
 * `skycube: <message>` and exits 1, without a stack trace (it is not a bug).
 */

export class StartupError extends Error {
  override name = "StartupError";
}

/** Causes in words, by POSIX errno name. */
const CAUSES: Record<string, string> = {
  ENOSPC: "no space left on device",
  EDQUOT: "disk quota exceeded",
  EROFS: "read-only file system",
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  ENOENT: "no such file or folder",
  ENOTDIR: "a part of the path is a file, not a folder",
  EISDIR: "is a folder",
  EIO: "input/output error",
  EMFILE: "too many open files",
};

/**
 * Emscripten's errno numbers (PGlite runs PostgreSQL in WebAssembly and
 * throws `ErrnoError { errno }` from its file system layer), as listed in
 * emscripten's ERRNO_CODES (system/lib/libc/musl/arch/emscripten/bits/errno.h).
 */
const EMSCRIPTEN_ERRNO: Record<number, string> = { 2: "EACCES", 19: "EDQUOT", 20: "EEXIST", 29: "EIO", 31: "EISDIR", 44: "ENOENT", 51: "ENOSPC", 54: "ENOTDIR", 63: "EPERM", 69: "EROFS" };

/** SQLSTATE 53100 disk_full (PostgreSQL manual, Appendix A): "could not extend file …: No space left on device". */
const DISK_FULL_SQLSTATE = "53100";

export interface SystemCause {
  /** The errno name: ENOSPC, EROFS, … */
  code: string;
  /** The path the failed call was given, when the error names it. */
  path?: string;
  /** Reported by the database server as SQLSTATE 53100 (on its own disk: DATA_DIR's only for the embedded database). */
  databaseServer?: true;
}

/** The errno behind an error from node's fs, from PGlite's WebAssembly file system, or a PostgreSQL disk_full; undefined for anything else. */
export function systemCauseOf(error: unknown): SystemCause | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const { code, errno, path, name } = error as { code?: unknown; errno?: unknown; path?: unknown; name?: unknown };
  if (typeof code === "string" && code in CAUSES) return { code, ...(typeof path === "string" ? { path } : {}) };
  if (code === DISK_FULL_SQLSTATE) return { code: "ENOSPC", databaseServer: true };
  if (name === "ErrnoError" && typeof errno === "number" && EMSCRIPTEN_ERRNO[errno] in CAUSES) return { code: EMSCRIPTEN_ERRNO[errno] };
  const cause = (error as { cause?: unknown }).cause;
  return cause !== undefined && cause !== error ? systemCauseOf(cause) : undefined;
}

/** "read-only file system (EROFS)". */
export function causeInWords(code: string): string {
  return `${CAUSES[code] ?? "failed"} (${code})`;
}
