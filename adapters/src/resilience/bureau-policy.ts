/**
 * How a client calls its bureau: within the request's deadline, through the bureau's circuit
 * breaker, and — for idempotent reads only — retried with jittered backoff while the deadline
 * allows. A call that moves money goes through `once`: never repeated, whatever happens.
 */
import { UpstreamError, type BureauSource } from '../errors';
import type { CallOptions } from '../clients/types';
import { systemClock, type Clock } from '../protocols/freshness';
import { attemptBudget, deadlineReached, MIN_ATTEMPT_MS, pause, type AttemptBudget } from './call-budget';
import { CircuitBreaker, DEFAULT_BREAKER, type CircuitBreakerOptions, type CircuitState } from './circuit-breaker';
import { backoffDelayMs, DEFAULT_RETRY, isRetryable, type RetryOptions } from './retry';

export interface BureauPolicyOptions {
  /** False: one attempt per read. Default DEFAULT_RETRY. */
  retry?: Partial<RetryOptions> | false;
  /** False: no breaker. Default DEFAULT_BREAKER. */
  breaker?: Partial<CircuitBreakerOptions> | false;
  clock?: Clock;
  /** Uniform in [0, 1); Math.random by default (tests fix it). */
  random?: () => number;
}

export type Attempt<T> = (budget: AttemptBudget) => Promise<T>;

export interface BureauCallPolicy {
  readonly source: BureauSource;
  /** An idempotent read: deadline, breaker, retries. */
  read<T>(call: CallOptions | undefined, defaultTimeoutMs: number, attempt: Attempt<T>): Promise<T>;
  /** A call that must never be sent twice (it moves money): deadline and breaker, one attempt. */
  once<T>(call: CallOptions | undefined, defaultTimeoutMs: number, attempt: Attempt<T>): Promise<T>;
  /** 'none' without a breaker. */
  circuitState(): CircuitState | 'none';
}

/** A call refused by an open circuit: UNAVAILABLE to the subgraphs, never retried. */
export class CircuitOpenError extends UpstreamError {
  constructor(source: BureauSource) {
    super(source, 'UNAVAILABLE', 'circuit open: the bureau is failing and was not called');
  }
}

export function createBureauPolicy(source: BureauSource, options: BureauPolicyOptions = {}): BureauCallPolicy {
  const clock = options.clock ?? systemClock;
  const random = options.random ?? Math.random;
  const retry: RetryOptions = options.retry === false ? { ...DEFAULT_RETRY, attempts: 1 } : { ...DEFAULT_RETRY, ...options.retry };
  const breaker = options.breaker === false ? null : new CircuitBreaker({ ...DEFAULT_BREAKER, ...options.breaker }, clock);

  async function attemptOnce<T>(call: CallOptions | undefined, defaultTimeoutMs: number, attempt: Attempt<T>): Promise<T> {
    const budget = attemptBudget(call, defaultTimeoutMs, clock());
    if (budget === null) throw deadlineReached(source);
    const permit = breaker ? breaker.tryAcquire() : null;
    if (breaker && permit === null) throw new CircuitOpenError(source);
    try {
      const result = await attempt(budget);
      permit?.success();
      return result;
    } catch (error) {
      // Only the bureau's own failures count against it; anything else is ours.
      if (error instanceof UpstreamError) permit?.failure();
      else permit?.release();
      throw error;
    }
  }

  return {
    source,
    once: attemptOnce,
    async read(call, defaultTimeoutMs, attempt) {
      for (let n = 1; ; n += 1) {
        try {
          return await attemptOnce(call, defaultTimeoutMs, attempt);
        } catch (error) {
          if (n >= retry.attempts || !isRetryable(error) || error instanceof CircuitOpenError) throw error;
          const delay = backoffDelayMs(n, retry, random);
          // A retry that could not finish inside the deadline only adds load: give up now.
          if (call?.deadline !== undefined && clock() + delay + MIN_ATTEMPT_MS > call.deadline) throw error;
          try {
            await pause(delay, call?.signal);
          } catch {
            throw error;
          }
        }
      }
    },
    circuitState: () => breaker?.state ?? 'none',
  };
}

/** One policy per bureau, as a stack wires its four clients. */
export function createBureauPolicies(options: BureauPolicyOptions = {}): Record<BureauSource, BureauCallPolicy> {
  return {
    CIVIL_AFFAIRS: createBureauPolicy('CIVIL_AFFAIRS', options),
    MEDICAL_INSURANCE: createBureauPolicy('MEDICAL_INSURANCE', options),
    FINANCE: createBureauPolicy('FINANCE', options),
    TRANSIT: createBureauPolicy('TRANSIT', options),
  };
}

/** Deadlines only: what a client without a configured policy uses. */
export function deadlineOnlyPolicy(source: BureauSource): BureauCallPolicy {
  return createBureauPolicy(source, { retry: false, breaker: false });
}
