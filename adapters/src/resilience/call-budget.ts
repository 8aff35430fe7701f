/**
 * Deadlines: how long one attempt at a bureau call may take. Every attempt has its own timeout
 * (the client's, or the call's), cut short by the request's deadline when there is one, so no
 * bureau call outlives the request that asked for it.
 */
import { UpstreamError, type BureauSource } from '../errors';
import type { CallOptions } from '../clients/types';

/**
 * An attempt with less time than this left is not started: it could not finish, and its timeout
 * would be charged to the bureau's breaker although the bureau did nothing wrong.
 */
export const MIN_ATTEMPT_MS = 20;

/** What one attempt runs under; a CallOptions with the timeout always set. */
export interface AttemptBudget extends CallOptions {
  timeoutMs: number;
}

/** The budget of an attempt starting at `now`, or null when the deadline leaves no room for one. */
export function attemptBudget(call: CallOptions | undefined, defaultTimeoutMs: number, now: number): AttemptBudget | null {
  if (call?.signal?.aborted) return null;
  const own = call?.timeoutMs ?? defaultTimeoutMs;
  const left = call?.deadline === undefined ? own : call.deadline - now;
  if (left < MIN_ATTEMPT_MS) return null;
  return { timeoutMs: Math.min(own, left), ...(call?.signal ? { signal: call.signal } : {}), ...(call?.deadline !== undefined ? { deadline: call.deadline } : {}) };
}

/** The failure of a call whose deadline passed before it could be (re)tried. */
export function deadlineReached(source: BureauSource): UpstreamError {
  return new UpstreamError(source, 'TIMEOUT', 'request deadline reached before the bureau was called');
}

/** Waits `ms`, or rejects as soon as the signal aborts. */
export function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
