/**
 * Tests only: holds a run's training between iterations, so a test can see
 * it RUNNING with a known number of learning-curve points (no timing). The
 * worker thread, after reporting its n-th curve point, waits while n has
 * reached the allowance; `allow(n)` raises it, `release()` lifts it. Shared
 * memory (a SharedArrayBuffer handed to the worker), so the wait is a real
 * pause of the training loop. Installed with `TrainingExecutor.testGate`;
 * never set outside tests.
 */
const ALLOWED = 0;
const REACHED = 1;
const UNLIMITED = 0x7fffffff;

export class IterationGate {
  readonly buffer = new SharedArrayBuffer(8);
  private readonly cells = new Int32Array(this.buffer);

  constructor(allowed = 0) {
    Atomics.store(this.cells, ALLOWED, allowed);
  }

  /** Let training go on until `points` curve points (over all folds) have been reported, then hold. */
  allow(points: number): void {
    Atomics.store(this.cells, ALLOWED, points);
    Atomics.notify(this.cells, ALLOWED);
  }

  release(): void {
    this.allow(UNLIMITED);
  }

  /** Curve points reported so far. */
  get reached(): number {
    return Atomics.load(this.cells, REACHED);
  }
}

/** The worker's side: count one curve point and wait while the allowance is reached. */
export function passGate(buffer: SharedArrayBuffer): void {
  const cells = new Int32Array(buffer);
  const reached = Atomics.add(cells, REACHED, 1) + 1;
  for (;;) {
    const allowed = Atomics.load(cells, ALLOWED);
    if (reached < allowed) return;
    // Woken by allow(); the time limit only keeps the thread responsive to terminate().
    Atomics.wait(cells, ALLOWED, allowed, 250);
  }
}
