/**
 * Honest-protocol bookkeeping. A run records, as it goes, every step that
 * reads rows of its split (fits, early stopping, CV held-out folds,
 * calibration, the test evaluation, the serving predictions) and whether
 * that step touched a test row; the result says how many times the test
 * part was evaluated (1 when honest) and which steps before it touched a
 * test row (none when honest). Recording only: it changes no number.
 *
 * The checks an experiment reports (`checkSplitDisjoint`) are computed from
 * what is stored afterwards: the parts' galaxy ids, and their positions
 * (repeat observations of one object, within 1″, must share a part).
 */
import { sameObjectGroups, SAME_OBJECT_ARCSEC } from "../../sky/cross-match.js";

export interface TestTouchRecord {
  /** Evaluations of the test part (1 when honest). */
  testEvaluations: number;
  /** Steps before the test evaluation that read a test row, by name (empty when honest). */
  stepsTouchingTestBefore: string[];
  /** Steps that read rows before the test evaluation (fits, early stopping, CV, calibration), counted. */
  stepsBefore: number;
  /** Steps after it (the served predictions of every galaxy, which include the test galaxies). */
  stepsAfter: string[];
}

export class TestGuard {
  private readonly test: Set<number>;
  private evaluations = 0;
  private before = 0;
  private readonly touching = new Set<string>();
  private readonly after = new Set<string>();

  constructor(testRows: readonly number[]) {
    this.test = new Set(testRows);
  }

  /** A step that reads `rows` (anything but the test evaluation). */
  see(step: string, rows: readonly number[]): void {
    if (this.evaluations > 0) {
      this.after.add(step);
      return;
    }
    this.before++;
    for (const r of rows) {
      if (this.test.has(r)) {
        this.touching.add(step);
        return;
      }
    }
  }

  /** The test evaluation: the rows must be exactly the test part. */
  evaluate(rows: readonly number[]): void {
    if (rows.length !== this.test.size || rows.some((r) => !this.test.has(r))) throw new Error("protocol: the test evaluation must read exactly the test part");
    this.evaluations++;
  }

  record(): TestTouchRecord {
    return { testEvaluations: this.evaluations, stepsTouchingTestBefore: [...this.touching].sort(), stepsBefore: this.before, stepsAfter: [...this.after].sort() };
  }
}

export interface SplitIds {
  train: readonly string[];
  validation: readonly string[];
  test: readonly string[];
}

export interface SplitCheck {
  /** No galaxy id in two parts. */
  disjointIds: boolean;
  /** Galaxy ids found in more than one part. */
  sharedIds: string[];
  /** No object (positions within `radiusArcsec`, transitively) in two parts. */
  disjointObjects: boolean;
  /** Pairs of galaxies of one object found in different parts, e.g. ["12 (train)", "40 (test)"]. */
  sharedObjects: [string, string][];
  radiusArcsec: number;
  /** Galaxies whose position was not found (not checked for repeats). */
  missingPositions: number;
}

/**
 * Checks the parts of a split: by id, and by position (`positions` maps a
 * galaxy id to its ra, dec in degrees).
 */
export function checkSplitDisjoint(split: SplitIds, positions: ReadonlyMap<string, { ra: number; dec: number }>, radiusArcsec = SAME_OBJECT_ARCSEC): SplitCheck {
  const partOf = new Map<string, string>();
  const shared = new Set<string>();
  for (const part of ["train", "validation", "test"] as const) {
    for (const id of split[part]) {
      const seen = partOf.get(id);
      if (seen !== undefined && seen !== part) shared.add(id);
      else partOf.set(id, part);
    }
  }
  const ids = [...partOf.keys()].filter((id) => positions.has(id));
  const groups = sameObjectGroups(ids.map((id) => positions.get(id)!.ra), ids.map((id) => positions.get(id)!.dec), radiusArcsec);
  const firstOfGroup = new Map<number, string>();
  const sharedObjects: [string, string][] = [];
  ids.forEach((id, i) => {
    const first = firstOfGroup.get(groups[i]);
    if (first === undefined) firstOfGroup.set(groups[i], id);
    else if (partOf.get(first) !== partOf.get(id)) sharedObjects.push([`${first} (${partOf.get(first)})`, `${id} (${partOf.get(id)})`]);
  });
  return {
    disjointIds: shared.size === 0,
    sharedIds: [...shared].sort((a, b) => Number(BigInt(a) - BigInt(b))),
    disjointObjects: sharedObjects.length === 0,
    sharedObjects,
    radiusArcsec,
    missingPositions: partOf.size - ids.length,
  };
}
