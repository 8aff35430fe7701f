/**
 * Retries of idempotent reads, with "full jitter" exponential backoff: attempt n waits a uniform
 * random time in [0, min(maxDelayMs, baseDelayMs·2^(n-1))], so clients that failed together do
 * not come back together. Only failures that a second try can plausibly cure are retried.
 */
import { UpstreamError, type UpstreamFailure } from '../errors';

export interface RetryOptions {
  /** Attempts in all, the first included. Default 3. */
  attempts: number;
  /** Default 50 ms. */
  baseDelayMs: number;
  /** Default 400 ms. */
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryOptions = { attempts: 3, baseDelayMs: 50, maxDelayMs: 400 };

/**
 * Quick failures of the exchange itself: the bureau refused the connection or erred, or its answer
 * arrived damaged (a corrupted body fails its signature, ciphertext or shape checks). Not retried:
 * TIMEOUT (the attempt already spent its budget, and a slow bureau asked again only gets slower),
 * RATE_LIMITED (asking again is what it told us not to do), CLOCK_SKEW, UNKNOWN_KEY and
 * UNKNOWN_APP (configuration; the second answer is the same), NOT_FOUND (an answer) and REPLAY.
 */
const RETRYABLE: ReadonlySet<UpstreamFailure> = new Set<UpstreamFailure>(['UNAVAILABLE', 'INTERNAL', 'MALFORMED', 'BAD_CIPHERTEXT', 'BAD_SIGNATURE']);

export function isRetryable(error: unknown): boolean {
  return error instanceof UpstreamError && RETRYABLE.has(error.failure);
}

/** The pause before attempt `attempt + 1`, after `attempt` attempts have failed. */
export function backoffDelayMs(attempt: number, options: RetryOptions, random: () => number = Math.random): number {
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random() * ceiling);
}
