import { Redis } from 'ioredis';
import { TEST_REDIS_URL, uniqueName } from '../audit/test-support/services';
import { createMemoryRateLimiter, takeFromBucket, type RateLimiter } from './rate-limit-memory';
import { createRedisRateLimiter } from './rate-limit-redis';

const RATE = { perSecond: 2, burst: 5 };

describe('token bucket', () => {
  it('lets a burst through, refuses with the wait until the next token, and refills at the rate', () => {
    let now = 1_000_000;
    const limiter = createMemoryRateLimiter(() => now);
    const first = Array.from({ length: 7 }, () => limiter.takeNow('p', RATE).allowed);
    expect(first).toEqual([true, true, true, true, true, false, false]);
    expect(limiter.takeNow('p', RATE)).toEqual({ allowed: false, retryAfterMs: 500 });
    now += 499;
    expect(limiter.takeNow('p', RATE).allowed).toBe(false);
    now += 1;
    expect(limiter.takeNow('p', RATE).allowed).toBe(true);
    now += 60_000; // never more than the burst
    expect(Array.from({ length: 6 }, () => limiter.takeNow('p', RATE).allowed).filter(Boolean)).toHaveLength(5);
    expect(limiter.takeNow('other', RATE).allowed).toBe(true);
  });

  it('ignores a clock going backwards', () => {
    const step = takeFromBucket({ tokens: 0.5, at: 2000 }, RATE, 1000);
    expect(step.result.allowed).toBe(false);
    expect(step.state).toEqual({ tokens: 0.5, at: 2000 });
  });
});

describe('token bucket in Redis', () => {
  const prefix = `${uniqueName('huimin_rl_unit')}:`;
  const limiters: RateLimiter[] = [];
  afterAll(async () => {
    for (const limiter of limiters) await limiter.close();
    const redis = new Redis(TEST_REDIS_URL);
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });

  it('is one bucket for two gateways: two connections share the burst', async () => {
    const a = await createRedisRateLimiter({ url: TEST_REDIS_URL, keyPrefix: prefix });
    const b = await createRedisRateLimiter({ url: TEST_REDIS_URL, keyPrefix: prefix });
    limiters.push(a, b);
    const slow = { perSecond: 0.01, burst: 10 }; // no refill within the test
    const taken = [];
    for (let i = 0; i < 30; i += 1) taken.push({ by: i % 2, ...(await (i % 2 === 0 ? a : b).take('partner-x', slow)) });
    expect(taken.filter((t) => t.allowed)).toHaveLength(10);
    expect(taken.filter((t) => !t.allowed && t.by === 0).length).toBeGreaterThan(0);
    expect(taken.filter((t) => !t.allowed && t.by === 1).length).toBeGreaterThan(0);
    expect(taken[29]!.retryAfterMs).toBeGreaterThan(90_000);
    // Concurrent takes are atomic too (the Lua script runs alone).
    const concurrent = await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? a : b).take('partner-y', slow)));
    expect(concurrent.filter((t) => t.allowed)).toHaveLength(10);
  });

  it('limits per process when Redis cannot be reached, rather than failing or letting everything through', async () => {
    const offline = await createRedisRateLimiter({ url: 'redis://127.0.0.1:1', keyPrefix: prefix });
    limiters.push(offline);
    const results = [];
    for (let i = 0; i < 8; i += 1) results.push((await offline.take('partner-z', RATE)).allowed);
    expect(results.filter(Boolean)).toHaveLength(5);
  });
});
