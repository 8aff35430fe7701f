import { UpstreamError, type UpstreamFailure } from '../errors';
import { CircuitOpenError, createBureauPolicy } from './bureau-policy';
import type { AttemptBudget } from './call-budget';

const failure = (kind: UpstreamFailure): UpstreamError => new UpstreamError('FINANCE', kind, `test ${kind}`);

/** An attempt that fails with the given failures in turn, then answers 'ok'. */
function scripted(failures: UpstreamFailure[]) {
  const budgets: AttemptBudget[] = [];
  const attempt = async (budget: AttemptBudget): Promise<string> => {
    budgets.push(budget);
    const next = failures.shift();
    if (next) throw failure(next);
    return 'ok';
  };
  return { attempt, budgets };
}

it('retries quick failures of reads with backoff, and answers', async () => {
  const policy = createBureauPolicy('FINANCE', { retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 2 }, breaker: false });
  const { attempt, budgets } = scripted(['UNAVAILABLE', 'BAD_SIGNATURE']);
  await expect(policy.read(undefined, 500, attempt)).resolves.toBe('ok');
  expect(budgets).toHaveLength(3);
  expect(budgets[0]?.timeoutMs).toBe(500);
});

it('gives up after the configured attempts', async () => {
  const policy = createBureauPolicy('FINANCE', { retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 1 }, breaker: false });
  const { attempt, budgets } = scripted(['INTERNAL', 'INTERNAL', 'INTERNAL']);
  await expect(policy.read(undefined, 500, attempt)).rejects.toMatchObject({ failure: 'INTERNAL' });
  expect(budgets).toHaveLength(2);
});

it.each<UpstreamFailure>(['TIMEOUT', 'RATE_LIMITED', 'CLOCK_SKEW', 'NOT_FOUND', 'UNKNOWN_KEY'])('does not retry %s', async (kind) => {
  const policy = createBureauPolicy('FINANCE', { retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 1 }, breaker: false });
  const { attempt, budgets } = scripted([kind]);
  await expect(policy.read(undefined, 500, attempt)).rejects.toMatchObject({ failure: kind });
  expect(budgets).toHaveLength(1);
});

it('never repeats a call made through once', async () => {
  const policy = createBureauPolicy('FINANCE', { retry: { attempts: 5, baseDelayMs: 1, maxDelayMs: 1 }, breaker: false });
  const { attempt, budgets } = scripted(['UNAVAILABLE']);
  await expect(policy.once(undefined, 500, attempt)).rejects.toMatchObject({ failure: 'UNAVAILABLE' });
  expect(budgets).toHaveLength(1);
});

it('cuts each attempt to the deadline and starts none after it', async () => {
  let now = 10_000;
  const policy = createBureauPolicy('FINANCE', { clock: () => now, breaker: false, retry: false });
  const { attempt, budgets } = scripted([]);
  await policy.read({ deadline: now + 120 }, 3000, attempt);
  expect(budgets[0]?.timeoutMs).toBe(120);
  now += 110;
  await expect(policy.read({ deadline: now + 10 }, 3000, attempt)).rejects.toMatchObject({ failure: 'TIMEOUT' });
  expect(budgets).toHaveLength(1);
});

it('does not retry when the backoff would end past the deadline', async () => {
  const now = 10_000;
  const policy = createBureauPolicy('FINANCE', { clock: () => now, random: () => 0.99, retry: { attempts: 3, baseDelayMs: 100, maxDelayMs: 100 }, breaker: false });
  const { attempt, budgets } = scripted(['UNAVAILABLE']);
  await expect(policy.read({ deadline: now + 80 }, 3000, attempt)).rejects.toMatchObject({ failure: 'UNAVAILABLE' });
  expect(budgets).toHaveLength(1);
});

it('stops retrying when the call is aborted during the backoff', async () => {
  const policy = createBureauPolicy('FINANCE', { retry: { attempts: 3, baseDelayMs: 10_000, maxDelayMs: 10_000 }, random: () => 0.5, breaker: false });
  const { attempt, budgets } = scripted(['UNAVAILABLE']);
  const controller = new AbortController();
  const reading = policy.read({ signal: controller.signal }, 3000, attempt);
  setTimeout(() => controller.abort(), 10);
  const started = Date.now();
  await expect(reading).rejects.toMatchObject({ failure: 'UNAVAILABLE' });
  expect(Date.now() - started).toBeLessThan(1000);
  expect(budgets).toHaveLength(1);
});

it('an open circuit refuses at once without calling, and a probe after openMs closes it', async () => {
  let now = 0;
  const policy = createBureauPolicy('FINANCE', { clock: () => now, retry: false, breaker: { consecutiveFailures: 2, openMs: 1000 } });
  const { attempt, budgets } = scripted(['UNAVAILABLE', 'TIMEOUT']);
  await expect(policy.read(undefined, 100, attempt)).rejects.toBeInstanceOf(UpstreamError);
  await expect(policy.read(undefined, 100, attempt)).rejects.toBeInstanceOf(UpstreamError);
  expect(policy.circuitState()).toBe('open');
  await expect(policy.read(undefined, 100, attempt)).rejects.toBeInstanceOf(CircuitOpenError);
  expect(budgets).toHaveLength(2);
  now += 1000;
  await expect(policy.read(undefined, 100, attempt)).resolves.toBe('ok');
  expect(policy.circuitState()).toBe('closed');
});

it('does not count errors that are not the bureau\'s against it', async () => {
  const policy = createBureauPolicy('FINANCE', { retry: false, breaker: { consecutiveFailures: 1 } });
  await expect(policy.read(undefined, 100, () => Promise.reject(new RangeError('ours')))).rejects.toBeInstanceOf(RangeError);
  expect(policy.circuitState()).toBe('closed');
});

it('a circuit-open refusal is never retried', async () => {
  const policy = createBureauPolicy('FINANCE', { retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 1 }, breaker: { consecutiveFailures: 1, openMs: 60_000 } });
  const { attempt, budgets } = scripted(['UNAVAILABLE', 'UNAVAILABLE', 'UNAVAILABLE']);
  await expect(policy.read(undefined, 100, attempt)).rejects.toBeInstanceOf(CircuitOpenError);
  expect(budgets).toHaveLength(1);
});
