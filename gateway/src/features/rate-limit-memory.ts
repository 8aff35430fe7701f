/** The token bucket in this process's memory: the limiter without Redis, and its fallback. */
export interface BucketRate {
  /** Tokens added per second. */
  perSecond: number;
  /** Bucket size: requests allowed at once after a quiet spell. */
  burst: number;
}

export interface TakeResult {
  allowed: boolean;
  /** When refused: milliseconds until a token is available. */
  retryAfterMs: number;
}

export interface RateLimiter {
  take(partnerId: string, rate: BucketRate): Promise<TakeResult>;
  close(): Promise<void>;
}

/** One bucket step: refill for the time passed, then take a token if there is one. */
export function takeFromBucket(state: { tokens: number; at: number } | undefined, rate: BucketRate, now: number): { state: { tokens: number; at: number }; result: TakeResult } {
  const last = state ?? { tokens: rate.burst, at: now };
  const tokens = Math.min(rate.burst, last.tokens + (Math.max(0, now - last.at) * rate.perSecond) / 1000);
  const at = Math.max(last.at, now);
  if (tokens >= 1) return { state: { tokens: tokens - 1, at }, result: { allowed: true, retryAfterMs: 0 } };
  return { state: { tokens, at }, result: { allowed: false, retryAfterMs: Math.ceil(((1 - tokens) * 1000) / rate.perSecond) } };
}

export function createMemoryRateLimiter(clock: () => number = Date.now): RateLimiter & { takeNow(partnerId: string, rate: BucketRate): TakeResult } {
  const buckets = new Map<string, { tokens: number; at: number }>();
  const takeNow = (partnerId: string, rate: BucketRate): TakeResult => {
    const { state, result } = takeFromBucket(buckets.get(partnerId), rate, clock());
    buckets.set(partnerId, state);
    return result;
  };
  return {
    takeNow,
    take: async (partnerId, rate) => takeNow(partnerId, rate),
    close: async () => buckets.clear(),
  };
}
