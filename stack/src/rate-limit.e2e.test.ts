/**
 * Per-partner rate limits shared through Redis: two gateways (what two gateway processes are:
 * each its own Redis connection and features) over the same subgraphs enforce one bucket per
 * partner together, and a refusal is 429 RATE_LIMITED with Retry-After.
 */
import { Redis } from 'ioredis';
import type { RunningGateway } from '@huimin/gateway';
import type { RunningStack } from './stack';
import { bearerPost, signedPost, startAccessStack, startSecondGateway, TEST_REDIS_URL, uniqueName } from './test-support/access-stack';

// The analytics partner in gateway/partners.dev.json: 5 requests a second, bursts of 10.
const BURST = 10;
const PER_SECOND = 5;
const PROGRAMMES = '{ subsidyPrograms { code } }';

describe('rate limits shared by two gateways on one Redis', () => {
  const prefix = `${uniqueName('huimin_rl')}:`;
  let stack: RunningStack;
  let second: RunningGateway;

  beforeAll(async () => {
    stack = await startAccessStack({ REDIS_URL: TEST_REDIS_URL, HUIMIN_REDIS_PREFIX: prefix });
    second = await startSecondGateway(stack);
    // Warm both (query plans), as another partner, so the timed part is only the limiter's.
    for (const url of [stack.gatewayUrl, second.url]) expect((await signedPost(url, { query: PROGRAMMES })).status).toBe(200);
  }, 120_000);
  afterAll(async () => {
    await second?.close();
    await stack?.close();
    const redis = new Redis(TEST_REDIS_URL);
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });

  it('serves one burst across both gateways together, then refuses with 429 and Retry-After', async () => {
    const started = Date.now();
    const answers = await Promise.all(Array.from({ length: 60 }, (_, i) => bearerPost(i % 2 === 0 ? stack.gatewayUrl : second.url, { query: PROGRAMMES })));
    const elapsedS = (Date.now() - started) / 1000;
    const served = answers.filter((a) => a.status === 200).length;
    const refused = answers.filter((a) => a.status === 429);
    expect(served + refused.length).toBe(60);
    // One shared bucket: the burst plus what refilled meanwhile. Two separate buckets would have
    // served up to twice that (each gateway got 30 requests).
    expect(served).toBeGreaterThanOrEqual(BURST);
    expect(served).toBeLessThanOrEqual(BURST + Math.floor(elapsedS * PER_SECOND) + 1);
    expect(refused[0]!.errors).toEqual([{ message: expect.stringContaining('retry after'), extensions: { code: 'RATE_LIMITED' } }]);
    expect(Number(refused[0]!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  });

  it("keeps partners' buckets apart, and refills", async () => {
    // counter-full has its own bucket: unaffected by the analytics partner's being empty.
    expect((await signedPost(second.url, { query: PROGRAMMES }, 'counter-full')).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1000 / PER_SECOND + 100));
    expect((await bearerPost(stack.gatewayUrl, { query: PROGRAMMES })).status).toBe(200);
  });
});
