/**
 * Argsort of Float32 values by LSD radix sort on their bit patterns (3 passes
 * of 11 bits): linear time, ~10x faster than TypedArray.prototype.sort on the
 * few-thousand-row columns the bin mapper sorts. NaN sorts last.
 */
export class Float32Argsort {
  private keys: Uint32Array;
  private keysSwap: Uint32Array;
  private order: Int32Array;
  private orderSwap: Int32Array;
  private readonly counts = new Int32Array(2048);

  constructor(capacity: number) {
    this.keys = new Uint32Array(capacity);
    this.keysSwap = new Uint32Array(capacity);
    this.order = new Int32Array(capacity);
    this.orderSwap = new Int32Array(capacity);
  }

  /** Indices of values[0 .. n) in ascending order (stable; valid until the next call). */
  sort(values: Float32Array, n: number): Int32Array {
    let keys = this.keys;
    let order = this.order;
    let keysSwap = this.keysSwap;
    let orderSwap = this.orderSwap;
    const { counts } = this;
    const bits = new Uint32Array(values.buffer, values.byteOffset, n);
    for (let i = 0; i < n; i++) {
      const raw = bits[i];
      // Flip so unsigned order is numeric order: negatives inverted, positives get the sign bit; NaN last.
      keys[i] = (raw & 0x7fffffff) > 0x7f800000 ? 0xffffffff : raw & 0x80000000 ? ~raw >>> 0 : (raw | 0x80000000) >>> 0;
      order[i] = i;
    }
    for (let shift = 0; shift < 32; shift += 11) {
      counts.fill(0);
      for (let i = 0; i < n; i++) counts[(keys[i] >>> shift) & 0x7ff]++;
      if (counts[(keys[0] >>> shift) & 0x7ff] === n) continue; // all equal in this digit
      let total = 0;
      for (let d = 0; d < 2048; d++) {
        const c = counts[d];
        counts[d] = total;
        total += c;
      }
      for (let i = 0; i < n; i++) {
        const key = keys[i];
        const at = counts[(key >>> shift) & 0x7ff]++;
        keysSwap[at] = key;
        orderSwap[at] = order[i];
      }
      [keys, keysSwap] = [keysSwap, keys];
      [order, orderSwap] = [orderSwap, order];
    }
    this.keys = keys;
    this.keysSwap = keysSwap;
    this.order = order;
    this.orderSwap = orderSwap;
    return order.subarray(0, n);
  }
}
