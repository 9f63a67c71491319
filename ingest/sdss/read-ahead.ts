/**
 * Spectra read ahead — rebinned onto the cube's grid — while the ingest
 * would otherwise wait for a frame's decompressor, so that a batch's commit
 * finds them read. At most `limit` are kept (one batch's worth, ~42 KB
 * each), each handed out once. A file that fails here is not kept: it is
 * read again, and fails, where it would have without the read-ahead.
 */
import { join } from "node:path";
import type { Measured } from "../../cube/rebin.js";
import { readSdssSpectrum } from "./spectrum.js";

export class SpectrumReadAhead {
  private readonly kept = new Map<string, Measured>();
  private next = 0;

  /** `files`: in the order the batches will want them. */
  constructor(private readonly dir: string, private readonly files: readonly string[], private readonly limit: number) {}

  /** Reads spectra, one per turn of the event loop, until `until` settles, all are read or `limit` are kept. */
  async fillUntil(until: Promise<unknown>): Promise<void> {
    let settled = false;
    until.then(() => (settled = true), () => (settled = true));
    await new Promise((resolve) => setImmediate(resolve));
    while (!settled && this.next < this.files.length && this.kept.size < this.limit) {
      const file = this.files[this.next++];
      try {
        this.kept.set(file, readSdssSpectrum(join(this.dir, file)).rebinned);
      } catch {
        // read again when its batch needs it, and fail there
      }
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  /** A spectrum file's rebinned data: the one read ahead, else read now. */
  take(file: string): Measured {
    const kept = this.kept.get(file);
    if (!kept) return readSdssSpectrum(join(this.dir, file)).rebinned;
    this.kept.delete(file);
    return kept;
  }

  /** Forgets what was read ahead of these files (a batch that no longer needs them). */
  drop(files: readonly string[]): void {
    for (const file of files) this.kept.delete(file);
  }
}
