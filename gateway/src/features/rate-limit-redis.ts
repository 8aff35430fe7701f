/**
 * The token bucket in Redis, taken atomically by a Lua script on Redis's clock, so any number of
 * gateway processes on one Redis enforce one limit per partner together. If Redis cannot answer,
 * each process falls back to its own in-memory bucket (the limit then holds per process) rather
 * than refusing every partner or letting every request through.
 */
import { Redis } from 'ioredis';
import { silentLogger, type Logger } from '../logging/logger';
import { createMemoryRateLimiter, type BucketRate, type RateLimiter, type TakeResult } from './rate-limit-memory';

// KEYS[1] bucket; ARGV[1] tokens per second; ARGV[2] burst. Returns { allowed (0/1), retry ms }.
const TAKE_TOKEN_LUA = `
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1])
local at = tonumber(state[2])
if tokens == nil or at == nil then
  tokens = burst
  at = now
end
if now > at then
  tokens = math.min(burst, tokens + (now - at) * rate / 1000)
  at = now
end
local allowed = 0
local retry = 0
if tokens >= 1 then
  tokens = tokens - 1
  allowed = 1
else
  retry = math.ceil((1 - tokens) * 1000 / rate)
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(at))
redis.call('PEXPIRE', KEYS[1], math.ceil(burst * 1000 / rate) + 1000)
return { allowed, retry }
`;

/** How long the per-process fallback is used before Redis is tried again. */
const REDIS_RETRY_AFTER_MS = 2000;

interface TakeTokenCommand {
  huiminTakeToken(key: string, perSecond: number, burst: number): Promise<[number, number]>;
}

export interface RedisRateLimiterOptions {
  url: string;
  /** Prefix of the bucket keys (tests use one per run). */
  keyPrefix: string;
  log?: Logger;
}

export async function createRedisRateLimiter(options: RedisRateLimiterOptions): Promise<RateLimiter> {
  const log = options.log ?? silentLogger;
  const redis = new Redis(options.url, {
    lazyConnect: true,
    // A request waits on this call: fail fast to the fallback instead of queueing behind a dead link.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: 500,
  });
  redis.on('error', () => undefined); // reported once per outage below
  redis.defineCommand('huiminTakeToken', { numberOfKeys: 1, lua: TAKE_TOKEN_LUA });
  const fallback = createMemoryRateLimiter();
  let degraded = false;
  // After a failure Redis is left alone for a while: during an outage each request would
  // otherwise wait out the command timeout first.
  let retryRedisAt = 0;
  await redis.connect().catch((error: unknown) => {
    degraded = true;
    retryRedisAt = Date.now() + REDIS_RETRY_AFTER_MS;
    log.warn('rate limits: Redis unreachable at start, limiting per process until it is back', { error: error instanceof Error ? error.name : 'unknown' });
  });

  return {
    async take(partnerId: string, rate: BucketRate): Promise<TakeResult> {
      if (degraded && Date.now() < retryRedisAt) return fallback.takeNow(partnerId, rate);
      try {
        const [allowed, retryAfterMs] = await (redis as unknown as TakeTokenCommand).huiminTakeToken(`${options.keyPrefix}rate:${partnerId}`, rate.perSecond, rate.burst);
        if (degraded) log.info('rate limits: Redis is back, limits are shared again');
        degraded = false;
        return { allowed: allowed === 1, retryAfterMs };
      } catch (error) {
        if (!degraded) log.warn('rate limits: Redis call failed, limiting per process', { error: error instanceof Error ? error.name : 'unknown' });
        degraded = true;
        retryRedisAt = Date.now() + REDIS_RETRY_AFTER_MS;
        return fallback.takeNow(partnerId, rate);
      }
    },
    async close() {
      // quit() waits for a connection that may never come back; then just drop the socket.
      if (redis.status === 'ready') await redis.quit().catch(() => redis.disconnect());
      else if (redis.status !== 'end') {
        const ended = new Promise<void>((resolve) => redis.once('end', () => resolve()));
        redis.disconnect();
        await Promise.race([ended, new Promise((resolve) => setTimeout(resolve, 200).unref())]);
      }
    },
  };
}
