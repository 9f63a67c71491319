/**
 * The binned training matrix: every feature quantised by its BinMapper into
 * one byte per value, stored column-major in a SharedArrayBuffer so that the
 * histogram workers read it without copying.
 */
import type { Matrix } from "../learner.js";
import { defaultMinDataInBin, findBinMapperSorted, totalBins, type BinMapper } from "./bin-mapper.js";
import { Float32Argsort } from "./radix-sort.js";
import { Random } from "../../random/random.js";

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

/** The work of binning features [from, to): shared source and outputs. */
export interface BinningTask {
  /** Row-major source values (rows x cols), in a SharedArrayBuffer. */
  values: Float32Array;
  rows: number;
  cols: number;
  from: number;
  to: number;
  maxBin: number;
  /** Fewest sampled rows per bin (LightGBM's min_data_in_bin). */
  minDataInBin: number;
  /** Rows used to choose boundaries, or null for all. */
  sample: Int32Array | null;
  /** Output: column-major bins. */
  bins: Uint8Array;
}

/** Bins features [from, to) into task.bins; returns their mappers. Run by the main thread and the workers. */
export function binFeatures(task: BinningTask): BinMapper[] {
  const { values, rows, cols, from, to, maxBin, minDataInBin, sample, bins } = task;
  const mappers: BinMapper[] = [];
  const argsort = new Float32Argsort(rows);
  const sampled = sample ? new Float32Array(sample.length) : null;
  const sorted = new Float32Array(rows);
  const block = 64;
  const columns = new Float32Array(rows * block);
  for (let first = from; first < to; first += block) {
    // Transpose a block of columns (cache-friendly), then bin each.
    const last = Math.min(to, first + block);
    const width = last - first;
    for (let row = 0; row < rows; row++) {
      const at = row * cols + first;
      for (let c = 0; c < width; c++) columns[c * rows + row] = values[at + c];
    }
    for (let feature = first; feature < last; feature++) {
      const column = columns.subarray((feature - first) * rows, (feature - first + 1) * rows);
      const base = feature * rows;
      let missing = false;
      for (let row = 0; row < rows; row++) {
        if (column[row] !== column[row]) {
          missing = true;
          break;
        }
      }
      let mapper: BinMapper;
      if (sample && sampled) {
        for (let i = 0; i < sample.length; i++) sampled[i] = column[sample[i]];
        sampled.sort(); // numeric, NaN last
        let present = sampled.length;
        while (present > 0 && Number.isNaN(sampled[present - 1])) present--;
        // Missing values outside the sample still need the missing bin.
        mapper = findBinMapperSorted(sampled, present, missing, maxBin, minDataInBin);
        binColumn(mapper, column, bins, base);
      } else {
        const order = argsort.sort(column, rows);
        let present = 0;
        for (let i = 0; i < rows; i++) {
          sorted[i] = column[order[i]];
          if (sorted[i] === sorted[i]) present++;
        }
        mapper = findBinMapperSorted(sorted, present, missing, maxBin, minDataInBin);
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
    }
  }
  return mappers;
}

/**
 * Bins every feature of `x`, the features shared among `binSlices`
 * (a function running binFeatures on each slice, e.g. on worker threads).
 */
export async function binDataset(
  x: Matrix,
  maxBin: number,
  seed: number,
  binSlices: (tasks: BinningTask[]) => Promise<BinMapper[][]> = async (tasks) => tasks.map(binFeatures),
  parts = 1,
  minDataInBin = defaultMinDataInBin,
): Promise<BinnedDataset> {
  const { rows, cols } = x;
  const sample = rows <= binConstructSampleCount ? null : new Random(seed ^ 0x5bd1e995).sample(rows, binConstructSampleCount);
  const values = new Float32Array(new SharedArrayBuffer(rows * cols * 4));
  values.set(x.values);
  const bins = new Uint8Array(new SharedArrayBuffer(rows * cols));
  const tasks: BinningTask[] = [];
  for (let part = 0; part < parts; part++) {
    const from = Math.floor((cols * part) / parts);
    const to = Math.floor((cols * (part + 1)) / parts);
    if (to > from) tasks.push({ values, rows, cols, from, to, maxBin, minDataInBin, sample, bins });
  }
  const mappers = (await binSlices(tasks)).flat();
  const binOffsets = new Int32Array(cols + 1);
  const numBins = new Int32Array(cols);
  const hasMissing = new Uint8Array(cols);
  mappers.forEach((mapper, feature) => {
    numBins[feature] = totalBins(mapper);
    hasMissing[feature] = mapper.hasMissing ? 1 : 0;
    binOffsets[feature + 1] = binOffsets[feature] + numBins[feature];
  });
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
