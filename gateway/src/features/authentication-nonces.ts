/**
 * Nonces seen within the signature window. In memory for one process; in Redis when REDIS_URL is
 * set, so that a request replayed to another replica is refused too (SET NX is the one atomic
 * "first to claim it wins" across replicas).
 */
import Redis from 'ioredis';

export interface NonceStore {
  /** True the first time a key is claimed within ttlMs; false for a replay. Rejects when the store is unreachable. */
  claim(key: string, ttlMs: number): Promise<boolean>;
  close(): Promise<void>;
}

/** One process's memory; expired entries are swept as new ones arrive. */
export class MemoryNonceStore implements NonceStore {
  private readonly expiries = new Map<string, number>();
  private nextSweep = 0;

  constructor(private readonly clock: () => number = Date.now) {}

  async claim(key: string, ttlMs: number): Promise<boolean> {
    const now = this.clock();
    if (now >= this.nextSweep) this.sweep(now);
    const expiry = this.expiries.get(key);
    if (expiry !== undefined && expiry > now) return false;
    this.expiries.set(key, now + ttlMs);
    return true;
  }

  get size(): number {
    return this.expiries.size;
  }

  private sweep(now: number): void {
    for (const [key, expiry] of this.expiries) if (expiry <= now) this.expiries.delete(key);
    this.nextSweep = now + 5_000;
  }

  async close(): Promise<void> {
    this.expiries.clear();
  }
}

export class RedisNonceStore implements NonceStore {
  private readonly redis: Redis;

  /** keyPrefix keeps deployments (and test runs) sharing one Redis apart. */
  constructor(url: string, private readonly keyPrefix: string) {
    // A nonce check must answer quickly or fail: queueing commands while Redis is away would
    // hold partner requests open instead of refusing them.
    this.redis = new Redis(url, { maxRetriesPerRequest: 1, enableOfflineQueue: false, lazyConnect: false, connectTimeout: 2_000 });
    this.redis.on('error', () => undefined);
  }

  async claim(key: string, ttlMs: number): Promise<boolean> {
    const answer = await this.redis.set(`${this.keyPrefix}nonce:${key}`, '1', 'PX', Math.max(1, Math.ceil(ttlMs)), 'NX');
    return answer === 'OK';
  }

  /** Resolves once connected, so the first partner request does not race the connection. */
  async ready(timeoutMs = 5_000): Promise<void> {
    if (this.redis.status === 'ready') return;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`Redis did not answer within ${timeoutMs} ms`)), timeoutMs);
      // At start a refused connection is a configuration problem: say so now rather than retry.
      this.redis.once('error', (error: Error) => {
        clearTimeout(timer);
        reject(error);
      });
      this.redis.once('ready', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

/** Redis when REDIS_URL is set (replicas share nonces), otherwise this process's memory. */
export async function openNonceStore(redisUrl: string | null, keyPrefix: string): Promise<NonceStore> {
  if (!redisUrl) return new MemoryNonceStore();
  const store = new RedisNonceStore(redisUrl, keyPrefix);
  try {
    await store.ready();
  } catch (error) {
    await store.close();
    throw new Error(`REDIS_URL: the nonce store could not connect (${(error as Error).message})`);
  }
  return store;
}
