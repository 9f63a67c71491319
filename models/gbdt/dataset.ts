/**
 * The binned training matrix: every feature quantised by its BinMapper into
 * one byte per value, stored column-major in a SharedArrayBuffer so that the
 * histogram workers read it without copying.
 */
import type { Matrix } from "../learner.js";
import { findBinMapperSorted, totalBins, type BinMapper } from "./bin-mapper.js";
import { Float32Argsort } from "./radix-sort.js";
import { Random } from "./random.js";

/** Rows sampled to choose bin boundaries (LightGBM's bin_construct_sample_cnt). */
export const binConstructSampleCount = 200_000;

export interface BinnedDataset {
  rows: number;
  cols: number;
  mappers: BinMapper[];
  /** Column-major bins: bins[feature * rows + row]. */
  bins: Uint8Array;
  /** Histogram offset (in bins) of each feature; binOffsets[cols] = total bins. */
  binOffsets: Int32Array;
  /** Bins of each feature including the missing bin. */
  numBins: Int32Array;
  /** 1 when the feature has a missing bin (its last bin). */
  hasMissing: Uint8Array;
}

export function binDataset(x: Matrix, maxBin: number, seed: number): BinnedDataset {
  const { rows, cols } = x;
  const columns = transpose(x);
  const sample = rows <= binConstructSampleCount ? null : new Random(seed ^ 0x5bd1e995).sample(rows, binConstructSampleCount);
  const mappers: BinMapper[] = [];
  const bins = new Uint8Array(new SharedArrayBuffer(rows * cols));
  const binOffsets = new Int32Array(cols + 1);
  const numBins = new Int32Array(cols);
  const hasMissing = new Uint8Array(cols);
  const argsort = new Float32Argsort(rows);
  const sampled = sample ? new Float32Array(sample.length) : null;
  const sorted = new Float32Array(rows);
  for (let feature = 0; feature < cols; feature++) {
    const column = columns.subarray(feature * rows, (feature + 1) * rows);
    const base = feature * rows;
    let missing = false;
    for (let row = 0; row < rows; row++) if (column[row] !== column[row]) { missing = true; break; }
    let mapper: BinMapper;
    if (sample && sampled) {
      for (let i = 0; i < sample.length; i++) sampled[i] = column[sample[i]];
      sampled.sort(); // numeric, NaN last
      let present = sampled.length;
      while (present > 0 && Number.isNaN(sampled[present - 1])) present--;
      // Missing values outside the sample still need the missing bin.
      mapper = findBinMapperSorted(sampled, present, missing, maxBin);
      binColumn(mapper, column, bins, base);
    } else {
      const order = argsort.sort(column, rows);
      let present = 0;
      for (let i = 0; i < rows; i++) {
        sorted[i] = column[order[i]];
        if (sorted[i] === sorted[i]) present++;
      }
      mapper = findBinMapperSorted(sorted, present, missing, maxBin);
      // Walk the rows in value order, advancing the bin as values pass its upper bound.
      const bounds = mapper.upperBounds;
      let bin = 0;
      for (let i = 0; i < present; i++) {
        while (sorted[i] > bounds[bin]) bin++;
        bins[base + order[i]] = bin;
      }
      for (let i = present; i < rows; i++) bins[base + order[i]] = bounds.length;
    }
    mappers.push(mapper);
    numBins[feature] = totalBins(mapper);
    hasMissing[feature] = mapper.hasMissing ? 1 : 0;
    binOffsets[feature + 1] = binOffsets[feature] + numBins[feature];
  }
  return { rows, cols, mappers, bins, binOffsets, numBins, hasMissing };
}

/** The bins of one column (valueToBin, inlined for speed). */
function binColumn(mapper: BinMapper, column: Float32Array, bins: Uint8Array, base: number): void {
  const bounds = mapper.upperBounds;
  const last = bounds.length - 1;
  const missingBin = mapper.hasMissing ? bounds.length : -1;
  for (let row = 0; row < column.length; row++) {
    let value = column[row];
    if (value !== value) {
      if (missingBin >= 0) {
        bins[base + row] = missingBin;
        continue;
      }
      value = 0;
    }
    let low = 0;
    let high = last;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (value <= bounds[mid]) high = mid;
      else low = mid + 1;
    }
    bins[base + row] = low;
  }
}

/** Column-major copy of a row-major matrix, in cache-sized blocks. */
function transpose(x: Matrix): Float32Array {
  const { rows, cols, values } = x;
  const out = new Float32Array(rows * cols);
  const block = 64;
  for (let r0 = 0; r0 < rows; r0 += block) {
    const r1 = Math.min(rows, r0 + block);
    for (let c0 = 0; c0 < cols; c0 += block) {
      const c1 = Math.min(cols, c0 + block);
      for (let r = r0; r < r1; r++) {
        const from = r * cols;
        for (let c = c0; c < c1; c++) out[c * rows + r] = values[from + c];
      }
    }
  }
  return out;
}
