/**
 * The one source of randomness in the CNN learners (initial weights, batch
 * order, dropout masks): mulberry32, a 32-bit generator that is the same on
 * every platform and backend, so a seed fixes a fit bit for bit.
 */
export class Random {
  private state: number;

  constructor(seed: number) {
    this.state = (Math.trunc(seed) ^ 0x9e3779b9) >>> 0;
  }

  /** Uniform in [0, 1). */
  uniform(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** A fresh 32-bit seed for a sub-stream. */
  seed(): number {
    return Math.floor(this.uniform() * 4294967296);
  }

  /** Fisher–Yates in place. */
  shuffle<T extends { length: number; [i: number]: number }>(values: T): T {
    for (let i = values.length - 1; i > 0; i--) {
      const j = Math.floor(this.uniform() * (i + 1));
      const v = values[i];
      values[i] = values[j];
      values[j] = v;
    }
    return values;
  }
}
