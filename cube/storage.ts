/**
 * Where shard files live. The cube sees storage only through this
 * interface, so that shards on shared or object storage are a new
 * implementation, not a rewrite (docs/SCALE.md): an object store would
 * upload on `publish` and download into a local cache on `localPath`.
 *
 * Names are storage keys relative to the data folder, with '/' separators
 * (`cube/shards/o2-0042/<batch>.h5`).
 */
import { closeSync, existsSync, fsyncSync, openSync, readdirSync, renameSync, rmSync, statSync, statfsSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { dirname, join, relative, sep } from "node:path";

export interface ShardStorage {
  /** A fresh local path to write the shard `name` to before `publish`. */
  temporaryPath(name: string): string;
  /** Makes a written temporary file durable and visible as `name` (atomic). */
  publish(temporary: string, name: string): void;
  /** A local path from which the shard `name` can be read. */
  localPath(name: string): string;
  /** Removes a shard (missing is fine). */
  remove(name: string): void;
  /** Bytes free for writing the local file `path` (null when unknown). */
  freeBytes(path: string): number | null;
  /** Removes a temporary file `list` reported. */
  removeTemporary(path: string): void;
  /** The shards stored, and temporary files left by writers, with their ages. */
  list(): StoredFiles;
}

export interface StoredFiles {
  shards: { name: string; ageSeconds: number }[];
  temporaries: { path: string; ageSeconds: number }[];
}

export const SHARDS_FOLDER = "cube/shards";
const TEMPORARY = /\.tmp-\d+-[0-9a-f]+$/;

function fsyncPath(path: string): void {
  const fd = openSync(path, "r");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Shards as files under DATA_DIR (a local disk or a shared volume). */
export class LocalShardStorage implements ShardStorage {
  constructor(readonly root: string) {}

  localPath(name: string): string {
    return join(this.root, ...name.split("/"));
  }

  temporaryPath(name: string): string {
    return `${this.localPath(name)}.tmp-${process.pid}-${randomBytes(4).toString("hex")}`;
  }

  publish(temporary: string, name: string): void {
    const target = this.localPath(name);
    fsyncPath(temporary);
    renameSync(temporary, target);
    // The rename itself is durable only once the folder is.
    fsyncPath(dirname(target));
  }

  remove(name: string): void {
    rmSync(this.localPath(name), { force: true });
  }

  freeBytes(path: string): number | null {
    let folder = dirname(path);
    while (!existsSync(folder) && dirname(folder) !== folder) folder = dirname(folder);
    try {
      const stats = statfsSync(folder);
      return stats.bavail * stats.bsize;
    } catch {
      return null;
    }
  }

  removeTemporary(path: string): void {
    if (!TEMPORARY.test(path)) throw new Error(`${path} is not a temporary shard file`);
    rmSync(path, { force: true });
  }

  list(): StoredFiles {
    const base = join(this.root, ...SHARDS_FOLDER.split("/"));
    const files: StoredFiles = { shards: [], temporaries: [] };
    if (!existsSync(base)) return files;
    const age = (path: string) => (Date.now() - statSync(path).mtimeMs) / 1000;
    const walk = (folder: string) => {
      for (const entry of readdirSync(folder, { withFileTypes: true })) {
        const path = join(folder, entry.name);
        if (entry.isDirectory()) walk(path);
        else if (TEMPORARY.test(entry.name)) files.temporaries.push({ path, ageSeconds: age(path) });
        else if (entry.name.endsWith(".h5")) files.shards.push({ name: relative(this.root, path).split(sep).join("/"), ageSeconds: age(path) });
      }
    };
    walk(base);
    files.shards.sort((a, b) => (a.name < b.name ? -1 : 1));
    return files;
  }
}
