import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { UpstreamError } from '@huimin/adapters';
import { GraphQLError } from 'graphql';
import { LastKnown, MemoryLastKnownStore, type LastKnownStore } from './last-known';
import { openRedisLastKnownStore } from './last-known-redis';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const isAmount = (value: unknown): value is number => typeof value === 'number';
const outage = (): Promise<never> => Promise.reject(new UpstreamError('MEDICAL_INSURANCE', 'UNAVAILABLE', 'down'));
const HOUR = 3_600_000;

function behavesAsLastKnown(open: () => Promise<{ store: LastKnownStore; done(): Promise<void> }>): void {
  let store: LastKnownStore;
  let done: () => Promise<void>;
  const now = Date.parse('2026-11-22T10:00:00+08:00');
  beforeEach(async () => ({ store, done } = await open()));
  afterEach(() => done());

  it('serves live answers and remembers them; in an outage the last one, marked stale', async () => {
    const cache = new LastKnown({ store, maxAgeMs: HOUR, clock: () => now }, 'medical-account', isAmount);
    const asOf = '2026-11-22T09:30:00+08:00';
    await expect(cache.serve('p1', async () => ({ value: 1234, asOf }))).resolves.toEqual({ value: 1234, asOf, stale: false });
    await new Promise((resolve) => setTimeout(resolve, 50));
    await expect(cache.serve('p1', outage)).resolves.toEqual({ value: 1234, asOf, stale: true });
  });

  it('rethrows the outage with nothing known, or only something too old', async () => {
    const cache = new LastKnown({ store, maxAgeMs: HOUR, clock: () => now }, 'medical-account', isAmount);
    await expect(cache.serve('nobody', outage)).rejects.toBeInstanceOf(UpstreamError);
    await store.put('medical-account:old', { value: 5, asOf: '2026-11-22T08:59:00+08:00' });
    await expect(cache.serve('old', outage)).rejects.toBeInstanceOf(UpstreamError);
  });

  it('never falls back for answers that are not outages', async () => {
    const cache = new LastKnown({ store, maxAgeMs: HOUR, clock: () => now }, 'medical-account', isAmount);
    await store.put('medical-account:p2', { value: 7, asOf: '2026-11-22T09:59:00+08:00' });
    const badInput = new GraphQLError('bad', { extensions: { code: 'BAD_USER_INPUT' } });
    await expect(cache.serve('p2', () => Promise.reject(badInput))).rejects.toBe(badInput);
  });

  it('keeps the newer of two answers and refuses values of the wrong shape', async () => {
    await store.put('k', { value: 2, asOf: '2026-11-22T09:50:00+08:00' });
    await store.put('k', { value: 1, asOf: '2026-11-22T09:40:00+08:00' });
    expect(await store.get('k')).toEqual({ value: 2, asOf: '2026-11-22T09:50:00+08:00' });
    await store.put('medical-account:p3', { value: 'not an amount', asOf: '2026-11-22T09:59:00+08:00' });
    const cache = new LastKnown({ store, maxAgeMs: HOUR, clock: () => now }, 'medical-account', isAmount);
    expect(await cache.recall('p3')).toBeNull();
  });
}

describe('in process', () => {
  behavesAsLastKnown(async () => {
    const store = new MemoryLastKnownStore();
    return { store, done: () => store.close() };
  });

  it('is bounded', async () => {
    const store = new MemoryLastKnownStore(2);
    for (const key of ['a', 'b', 'c']) await store.put(key, { value: 1, asOf: '2026-11-22T09:00:00+08:00' });
    expect(await store.get('a')).toBeNull();
    expect(await store.get('c')).not.toBeNull();
  });
});

describe('in Redis', () => {
  const prefix = `huimin_lk_test_${randomBytes(4).toString('hex')}:`;
  behavesAsLastKnown(async () => {
    const store = await openRedisLastKnownStore({ url: REDIS_URL, keyPrefix: prefix, ttlMs: HOUR });
    return { store, done: () => store.close() };
  });
  afterAll(async () => {
    const redis = new Redis(REDIS_URL);
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });

  it('keys expire at the maximum age', async () => {
    const store = await openRedisLastKnownStore({ url: REDIS_URL, keyPrefix: prefix, ttlMs: 60_000 });
    await store.put('ttl', { value: 1, asOf: '2026-11-22T09:00:00+08:00' });
    const redis = new Redis(REDIS_URL);
    const ttl = await redis.pttl(`${prefix}last-known:ttl`);
    await redis.quit();
    await store.close();
    expect(ttl).toBeGreaterThan(50_000);
    expect(ttl).toBeLessThanOrEqual(60_000);
  });

  it('an unreachable Redis neither stops the start nor holds a request up', async () => {
    const store = await openRedisLastKnownStore({ url: 'redis://127.0.0.1:1', keyPrefix: prefix, ttlMs: HOUR });
    const cache = new LastKnown({ store, maxAgeMs: HOUR }, 'medical-account', isAmount);
    const started = Date.now();
    await expect(cache.serve('p', outage)).rejects.toBeInstanceOf(UpstreamError);
    await expect(cache.serve('p', async () => ({ value: 1, asOf: '2026-11-22T09:00:00+08:00' }))).resolves.toMatchObject({ stale: false });
    expect(Date.now() - started).toBeLessThan(1000);
    await store.close();
  });
});
