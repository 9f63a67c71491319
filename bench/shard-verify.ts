/**
 * What checking a shard against the manifest's SHA-256 costs (cube/cube-store.ts
 * `verify`): a shard of BENCH_ROWS rows (default 1,000, one default batch in
 * one HEALPix cell; images and spectra of random values) is written, then
 * a fresh store verifies it (the first open: the file hashed, streamed) and
 * verifies it again (remembered: a stat). Beside it, the longest the event
 * loop went without a turn while hashing (a 1 ms timer's worst lateness),
 * and the first read of a row, which every open costs anyway.
 *
 *   npm run bench:shard-verify            (BENCH_ROWS=1000)
 */
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openCube, type CubeRecord } from "../cube/cube-store.js";
import { IMAGE_SIZE_0, SPECTRUM_BINS_0 } from "../cube/zoom.js";
import { Random } from "../random/random.js";

const ROWS = Number(process.env.BENCH_ROWS ?? 1000);
const dir = mkdtempSync(join(tmpdir(), "skycube-bench-shard-verify-"));
try {
  const random = new Random(3);
  const n = 5 * IMAGE_SIZE_0 * IMAGE_SIZE_0;
  const values = (length: number) => Float32Array.from({ length }, () => random.uniform(0, 1));
  const records: CubeRecord[] = Array.from({ length: ROWS }, () => ({
    image: { value: values(n), sigma: values(n), mask: new Uint8Array(n), wcs: { crval1: 10, crval2: 0, crpix1: 32.5, crpix2: 32.5, cd1_1: -1.1e-4, cd1_2: 0, cd2_1: 0, cd2_2: 1.1e-4 } },
    spectrum: { value: values(SPECTRUM_BINS_0), sigma: values(SPECTRUM_BINS_0), mask: new Uint8Array(SPECTRUM_BINS_0) },
  }));
  const writer = await openCube(dir);
  const name = "cube/shards/o2-0000/bench.h5";
  const written = await writer.writeShard(name, records);
  writer.close();
  const megabytes = statSync(join(dir, name)).size / 2 ** 20;
  const digests = async () => new Map([[name, written.sha256]]);

  // The first read of a row without verification: what opening a shard costs anyway.
  const plain = await openCube(dir);
  let started = performance.now();
  plain.readImage({ shard: name, row: ROWS >> 1 }, 2);
  const openMs = performance.now() - started;
  plain.close();

  const cube = await openCube(dir, { digests });
  let lag = 0;
  let last = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    lag = Math.max(lag, now - last - 1);
    last = now;
  }, 1);
  started = performance.now();
  await cube.verify([name]);
  const firstMs = performance.now() - started;
  clearInterval(timer);
  cube.close(); // handles closed: the next verify looks at the file again
  started = performance.now();
  await cube.verify([name]);
  const againUs = (performance.now() - started) * 1000;
  console.log(
    `shard of ${ROWS} rows, ${megabytes.toFixed(0)} MB: first verify ${firstMs.toFixed(0)} ms (${(megabytes / (firstMs / 1000)).toFixed(0)} MB/s), ` +
      `longest event-loop wait meanwhile ${lag.toFixed(1)} ms; verify again (same file, remembered) ${againUs.toFixed(0)} µs; ` +
      `first read of a row without verification ${openMs.toFixed(1)} ms`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
