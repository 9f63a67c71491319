/**
 * The thesis' protocol: 60/20/20 train/validation/test, stratified on the
 * label, then k-fold cross-validation on the training part — with whole
 * groups (one object's repeat observations) kept on one side.
 *
 * Stratification: groups are sorted by their mean label and dealt out in
 * consecutive blocks (5 for the 3:1:1 split, k for k folds); inside a block
 * a seeded shuffle decides who goes where, so every part spans the whole
 * label range in the same proportions.
 */
import { Random } from "../../random/random.js";

export interface Split {
  /** Row indices of each part, ascending. */
  train: number[];
  validation: number[];
  test: number[];
}

/** Groups (as lists of row indices) sorted by mean label, ties by first row. */
function groupsByLabel(rows: number[], labels: ArrayLike<number>, groups: ArrayLike<number>): number[][] {
  const members = new Map<number, number[]>();
  for (const row of rows) {
    const list = members.get(groups[row]);
    if (list) list.push(row);
    else members.set(groups[row], [row]);
  }
  const mean = (list: number[]) => list.reduce((s, r) => s + labels[r], 0) / list.length;
  return [...members.values()]
    .map((list) => ({ list, key: mean(list) }))
    .sort((a, b) => a.key - b.key || a.list[0] - b.list[0])
    .map((g) => g.list);
}

/**
 * Deals groups into `slots.length` parts: each block of `slots.length`
 * consecutive groups is shuffled and group b of the block goes to part
 * slots[b]. Returns the part of every row (-1 for rows not in `rows`).
 */
function deal(rows: number[], labels: ArrayLike<number>, groups: ArrayLike<number>, slots: number[], random: Random, total: number): Int32Array {
  const part = new Int32Array(total).fill(-1);
  const sorted = groupsByLabel(rows, labels, groups);
  for (let start = 0; start < sorted.length; start += slots.length) {
    const block = sorted.slice(start, start + slots.length);
    const assignment = random.shuffle(slots.slice()).slice(0, block.length);
    block.forEach((members, b) => {
      for (const row of members) part[row] = assignment[b];
    });
  }
  return part;
}

/** 60 % train, 20 % validation, 20 % test of the rows 0..n-1. */
export function trainValidationTestSplit(labels: ArrayLike<number>, groups: ArrayLike<number>, seed: number): Split {
  const n = labels.length;
  const rows = Array.from({ length: n }, (_, i) => i);
  const part = deal(rows, labels, groups, [0, 0, 0, 1, 2], new Random(seed ^ 0x51e7), n);
  const split: Split = { train: [], validation: [], test: [] };
  for (let i = 0; i < n; i++) [split.train, split.validation, split.test][part[i]].push(i);
  return split;
}

/** k folds of `rows` (the training part): for each fold, the rows held out. */
export function stratifiedFolds(rows: number[], labels: ArrayLike<number>, groups: ArrayLike<number>, k: number, seed: number): number[][] {
  const part = deal(rows, labels, groups, Array.from({ length: k }, (_, f) => f), new Random(seed ^ 0xf01d5), labels.length);
  const folds: number[][] = Array.from({ length: k }, () => []);
  for (const row of [...rows].sort((a, b) => a - b)) folds[part[row]].push(row);
  return folds;
}
