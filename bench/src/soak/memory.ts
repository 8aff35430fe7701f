/** Memory samples for the soak, after a full collection when node runs with --expose-gc. */

export interface MemorySample {
  /** Ms since the soak started. */
  at: number;
  heapUsedMb: number;
  rssMb: number;
}

const MB = 1024 * 1024;

export function sampleMemory(at: number): MemorySample {
  // What is still reachable, not what the collector has not got round to yet.
  (globalThis as { gc?: () => void }).gc?.();
  const usage = process.memoryUsage();
  return { at, heapUsedMb: usage.heapUsed / MB, rssMb: usage.rss / MB };
}

export const gcExposed = (): boolean => typeof (globalThis as { gc?: unknown }).gc === 'function';

/** Least-squares slope of `value` over time, in units per minute; 0 with fewer than two samples. */
export function slopePerMinute<T extends { at: number }>(samples: readonly T[], value: (sample: T) => number): number {
  const n = samples.length;
  if (n < 2) return 0;
  const xs = samples.map((s) => s.at / 60_000);
  const ys = samples.map(value);
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i += 1) {
    num += (xs[i]! - mx) * (ys[i]! - my);
    den += (xs[i]! - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}
