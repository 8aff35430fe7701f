import { CircuitBreaker, DEFAULT_BREAKER } from './circuit-breaker';

function breaker(overrides: Partial<typeof DEFAULT_BREAKER> = {}) {
  let now = 1_000_000;
  const b = new CircuitBreaker({ ...DEFAULT_BREAKER, ...overrides }, () => now);
  return { b, advance: (ms: number) => void (now += ms) };
}

const fail = (b: CircuitBreaker, times: number): void => {
  for (let i = 0; i < times; i += 1) b.tryAcquire()?.failure();
};

it('opens after consecutive failures and refuses without calling', () => {
  const { b } = breaker({ consecutiveFailures: 3 });
  fail(b, 2);
  expect(b.state).toBe('closed');
  b.tryAcquire()?.success();
  fail(b, 2);
  expect(b.state).toBe('closed');
  fail(b, 1);
  expect(b.state).toBe('open');
  expect(b.tryAcquire()).toBeNull();
});

it('opens on the failure rate once enough calls were seen in the window', () => {
  const { b, advance } = breaker({ consecutiveFailures: 100, failureRate: 0.5, minimumCalls: 10, windowMs: 10_000 });
  for (let i = 0; i < 9; i += 1) {
    const permit = b.tryAcquire();
    if (i % 2 === 0) permit?.failure();
    else permit?.success();
    advance(100);
  }
  expect(b.state).toBe('closed');
  b.tryAcquire()?.failure();
  expect(b.state).toBe('open');
});

it('forgets failures older than the window', () => {
  const { b, advance } = breaker({ consecutiveFailures: 100, failureRate: 0.5, minimumCalls: 4, windowMs: 1000 });
  fail(b, 1);
  b.tryAcquire()?.success();
  advance(2000);
  for (let i = 0; i < 3; i += 1) b.tryAcquire()?.success();
  b.tryAcquire()?.failure();
  expect(b.state).toBe('closed');
});

it('half-opens after openMs, lets one probe through, and closes on its success', () => {
  const { b, advance } = breaker({ consecutiveFailures: 1, openMs: 1000 });
  fail(b, 1);
  advance(999);
  expect(b.tryAcquire()).toBeNull();
  advance(1);
  expect(b.state).toBe('half-open');
  const probe = b.tryAcquire();
  expect(probe).not.toBeNull();
  expect(b.tryAcquire()).toBeNull();
  probe?.success();
  expect(b.state).toBe('closed');
  expect(b.tryAcquire()).not.toBeNull();
});

it('re-opens for a full period when the probe fails', () => {
  const { b, advance } = breaker({ consecutiveFailures: 1, openMs: 1000 });
  fail(b, 1);
  advance(1000);
  b.tryAcquire()?.failure();
  expect(b.state).toBe('open');
  advance(999);
  expect(b.tryAcquire()).toBeNull();
  advance(1);
  expect(b.tryAcquire()).not.toBeNull();
});

it('a released probe frees its slot without deciding anything', () => {
  const { b, advance } = breaker({ consecutiveFailures: 1, openMs: 10 });
  fail(b, 1);
  advance(10);
  b.tryAcquire()?.release();
  expect(b.state).toBe('half-open');
  const permit = b.tryAcquire();
  permit?.success();
  permit?.failure();
  expect(b.state).toBe('closed');
});
