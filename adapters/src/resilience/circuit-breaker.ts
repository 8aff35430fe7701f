/**
 * A circuit breaker per bureau, so a dead bureau costs microseconds rather than timeouts.
 *
 * Closed: calls go through; it opens after `consecutiveFailures` failures in a row, or when at
 * least `minimumCalls` calls in the last `windowMs` failed at `failureRate` or more. Open: calls
 * are refused at once for `openMs`. Half-open: up to `halfOpenProbes` calls at a time go through as
 * probes; a probe's success closes the circuit, its failure opens it for another `openMs`. So
 * once a fault clears, the circuit closes within one open period plus one call.
 */
import type { Clock } from '../protocols/freshness';

export interface CircuitBreakerOptions {
  /** Default 5. */
  consecutiveFailures: number;
  /** Share of failed calls in the window that opens the circuit. Default 0.5. */
  failureRate: number;
  /** Calls in the window before the rate counts. Default 20. */
  minimumCalls: number;
  /** Default 10 000 ms. */
  windowMs: number;
  /** How long the circuit stays open before probing. Default 5000 ms. */
  openMs: number;
  /** Concurrent probes while half-open. Default 1. */
  halfOpenProbes: number;
}

export const DEFAULT_BREAKER: CircuitBreakerOptions = {
  consecutiveFailures: 5,
  failureRate: 0.5,
  minimumCalls: 20,
  windowMs: 10_000,
  openMs: 5_000,
  halfOpenProbes: 1,
};

export type CircuitState = 'closed' | 'open' | 'half-open';

/** Permission for one call; report how it went exactly once. */
export interface CallPermit {
  success(): void;
  failure(): void;
  /** The call ended without saying anything about the bureau (e.g. a bug on our side). */
  release(): void;
}

// The window is kept as this many buckets, so counting costs the same at any call rate.
const BUCKETS = 10;

interface Bucket {
  start: number;
  calls: number;
  failures: number;
}

export class CircuitBreaker {
  private current: CircuitState = 'closed';
  private openedAt = 0;
  private failuresInRow = 0;
  private probesOut = 0;
  private readonly buckets: Bucket[] = [];

  constructor(
    readonly options: CircuitBreakerOptions = DEFAULT_BREAKER,
    private readonly clock: Clock = Date.now,
  ) {}

  /** The state now (an open circuit whose time is up reads as half-open). */
  get state(): CircuitState {
    if (this.current === 'open' && this.clock() - this.openedAt >= this.options.openMs) this.current = 'half-open';
    return this.current;
  }

  /** A permit for one call, or null when the call must be refused without being made. */
  tryAcquire(): CallPermit | null {
    const state = this.state;
    if (state === 'open') return null;
    if (state === 'half-open') {
      if (this.probesOut >= this.options.halfOpenProbes) return null;
      this.probesOut += 1;
      return this.permit(true);
    }
    return this.permit(false);
  }

  private permit(probe: boolean): CallPermit {
    let settled = false;
    const settle = (outcome: 'success' | 'failure' | 'release'): void => {
      if (settled) return;
      settled = true;
      if (probe) this.probesOut -= 1;
      if (outcome === 'success') this.onSuccess(probe);
      else if (outcome === 'failure') this.onFailure(probe);
    };
    return { success: () => settle('success'), failure: () => settle('failure'), release: () => settle('release') };
  }

  private onSuccess(probe: boolean): void {
    this.failuresInRow = 0;
    if (probe || this.current === 'half-open') {
      this.current = 'closed';
      this.buckets.length = 0;
      return;
    }
    this.count(false);
  }

  private onFailure(probe: boolean): void {
    if (probe || this.current !== 'closed') {
      // A failed probe, or a call let through before the circuit opened: (re)open from now.
      if (probe || this.current === 'half-open') this.open();
      return;
    }
    this.failuresInRow += 1;
    this.count(true);
    if (this.failuresInRow >= this.options.consecutiveFailures || this.rateExceeded()) this.open();
  }

  private open(): void {
    this.current = 'open';
    this.openedAt = this.clock();
    this.failuresInRow = 0;
  }

  private count(failed: boolean): void {
    const now = this.clock();
    const width = Math.max(1, Math.floor(this.options.windowMs / BUCKETS));
    const start = now - (now % width);
    let last = this.buckets[this.buckets.length - 1];
    if (!last || last.start !== start) {
      last = { start, calls: 0, failures: 0 };
      this.buckets.push(last);
    }
    last.calls += 1;
    if (failed) last.failures += 1;
    while (this.buckets.length > 0 && this.buckets[0]!.start <= now - this.options.windowMs) this.buckets.shift();
  }

  private rateExceeded(): boolean {
    let calls = 0;
    let failures = 0;
    for (const bucket of this.buckets) {
      calls += bucket.calls;
      failures += bucket.failures;
    }
    return calls >= this.options.minimumCalls && failures / calls >= this.options.failureRate;
  }
}
