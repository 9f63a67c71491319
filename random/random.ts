/**
 * The project's one seeded generator (mulberry32): the same seed gives the
 * same synthetic survey, split, tree or network on every machine and
 * backend, which tests, benchmarks and reproducible training runs rely on.
 */
export class Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0 || 0x9e3779b9;
  }

  /** Uniform 32-bit unsigned integer. */
  nextUint32(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /**
   * Uniform in [0, 1) with all 53 bits of a double random: 32-bit
   * fractions would put positions on a lattice that HEALPix cell edges hit.
   */
  next(): number {
    const high = this.nextUint32() >>> 5; // 27 bits
    const low = this.nextUint32() >>> 6; // 26 bits
    return (high * 67108864 + low) / 9007199254740992;
  }

  uniform(min: number, max: number): number {
    return min + (max - min) * this.next();
  }

  /** Standard normal deviate (Box–Muller). */
  normal(mean = 0, sigma = 1): number {
    const u = 1 - this.next();
    const v = this.next();
    return mean + sigma * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /**
   * Moves the stream on by `count` nextUint32 draws without making them
   * (mulberry32's state advances by a constant per draw), so a shard of a
   * batch can skip the other shards' dropout draws in O(1).
   */
  skip(count: number): void {
    if (!Number.isInteger(count) || count < 0) throw new Error(`Random.skip: count must be a non-negative integer (got ${count})`);
    // (a · b) mod 2^32 exactly, for counts past 2^31 too.
    const low = count % 65536;
    const high = Math.floor(count / 65536) % 65536;
    this.state = (this.state + Math.imul(low, 0x6d2b79f5) + Math.imul(Math.imul(high, 65536), 0x6d2b79f5)) >>> 0;
  }

  /** Where the stream is: `Random.resume(position)` continues it exactly (e.g. on another thread). */
  get position(): number {
    return this.state;
  }

  /** A generator continuing the stream at `position` (from `.position`). */
  static resume(position: number): Random {
    const random = new Random(1);
    random.state = position >>> 0;
    return random;
  }

  /** Uniform in [0, 1) from one 32-bit draw (cheaper than `next` where 32 bits suffice). */
  fraction32(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Fisher–Yates shuffle in place. */
  shuffle<T extends { length: number; [i: number]: any }>(values: T): T {
    for (let i = values.length - 1; i > 0; i--) {
      const j = Math.floor(this.fraction32() * (i + 1));
      const v = values[i];
      values[i] = values[j];
      values[j] = v;
    }
    return values;
  }

  /** `count` distinct integers from [0, n), ascending (partial Fisher–Yates). */
  sample(n: number, count: number): Int32Array {
    const pool = Int32Array.from({ length: n }, (_, i) => i);
    for (let i = 0; i < count; i++) {
      const j = i + Math.floor(this.fraction32() * (n - i));
      const t = pool[i];
      pool[i] = pool[j];
      pool[j] = t;
    }
    return pool.slice(0, count).sort();
  }
}
