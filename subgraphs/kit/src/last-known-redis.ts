/**
 * Last known values in Redis, shared by every replica of a subgraph. Each key expires at the
 * maximum age (nothing older could be served anyway). Redis trouble never holds a request up:
 * no offline queue, a short command timeout, and the callers treat a failure as "not known".
 */
import { Redis } from 'ioredis';
import { MemoryLastKnownStore, type LastKnownEntry, type LastKnownStore } from './last-known';

export interface RedisLastKnownOptions {
  url: string;
  /** Prefix of every key, e.g. `huimin:`; `last-known:` follows it. */
  keyPrefix: string;
  /** Keys expire after this long. */
  ttlMs: number;
  /** Default 250 ms. */
  commandTimeoutMs?: number;
}

// Keeps a newer entry: two replicas may write the same person's answers out of order. The asOf
// values share one ISO format with offset +08:00, so text order is time order.
const PUT_IF_NEWER = `
local held = redis.call('GET', KEYS[1])
if held then
  local ok, entry = pcall(cjson.decode, held)
  if ok and type(entry) == 'table' and type(entry.asOf) == 'string' and entry.asOf > ARGV[2] then return 0 end
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[3])
return 1`;

export async function openRedisLastKnownStore(options: RedisLastKnownOptions): Promise<LastKnownStore> {
  const redis = new Redis(options.url, {
    keyPrefix: `${options.keyPrefix}last-known:`,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: options.commandTimeoutMs ?? 250,
    lazyConnect: true,
    // ioredis waits this long on a socket that never opened before letting go of it at close.
    disconnectTimeout: 200,
  });
  // Without a listener an unreachable Redis would end the process; reads then fail and fall through.
  redis.on('error', () => undefined);
  // Redis down at start does not stop the subgraph: ioredis keeps reconnecting meanwhile.
  await redis.connect().catch(() => undefined);
  return {
    async put(key, entry) {
      await redis.eval(PUT_IF_NEWER, 1, key, JSON.stringify(entry), entry.asOf, String(options.ttlMs));
    },
    async get(key): Promise<LastKnownEntry | null> {
      const raw = await redis.get(key);
      if (raw === null) return null;
      const parsed: unknown = JSON.parse(raw);
      if (typeof parsed !== 'object' || parsed === null) return null;
      const { value, asOf } = parsed as { value?: unknown; asOf?: unknown };
      return typeof asOf === 'string' ? { value, asOf } : null;
    },
    async close() {
      // quit() waits for a connection that may never come; disconnect() also stops reconnecting.
      if (redis.status === 'ready') await redis.quit().catch(() => undefined);
      redis.disconnect();
    },
  };
}

/** Redis when the deployment has one (REDIS_URL), this process's memory otherwise. */
export async function openLastKnownStore(options: { redisUrl: string | null; keyPrefix: string; maxAgeMs: number }): Promise<LastKnownStore> {
  if (options.redisUrl === null) return new MemoryLastKnownStore();
  return openRedisLastKnownStore({ url: options.redisUrl, keyPrefix: options.keyPrefix, ttlMs: options.maxAgeMs });
}
