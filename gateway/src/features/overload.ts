/**
 * useOverloadProtection: a concurrency limit with a bounded priority queue (overload-queue.ts).
 * Priority is the partner's class: counters (hospital and benefit counters, the transit
 * interconnection) first, standard next, analytics last — so analytics is shed first and
 * counters last. A shed request is answered at once, 503 OVERLOADED with Retry-After (longer for
 * lower classes, so their retries do not crowd the counters), never left to time out; a request
 * waits at most `maxQueueWaitMs`, and never so long that its deadline could not be met.
 *
 * A guard, after authentication (the class) and the deadline; its slot is given back in `done`,
 * once the answer has been sent, whatever happened.
 */
import { ERROR_CODES } from '@huimin/schema';
import { RequestRejected } from '../http/graphql-http';
import type { GatewayContext, HttpGuard } from '../pipeline';
import { deadlineOf } from './deadline';
import { AdmissionQueue, Shed, type Release } from './overload-queue';
import { partnerOf, type PriorityClass } from './partner-context';

export interface OverloadConfig {
  /** Requests served at once. */
  maxConcurrent: number;
  /** Requests waiting for a slot. */
  maxQueue: number;
  /** Longest wait for a slot. */
  maxQueueWaitMs: number;
}

export const DEFAULT_OVERLOAD: OverloadConfig = { maxConcurrent: 64, maxQueue: 128, maxQueueWaitMs: 1000 };

// A Record so that a new class does not compile until it has a place here.
const PRIORITY: Record<PriorityClass, number> = { counter: 0, standard: 1, analytics: 2 };
const RETRY_AFTER_S: Record<PriorityClass, number> = { counter: 1, standard: 2, analytics: 5 };

/** Time a request needs once admitted; a wait leaving less than this is pointless. */
const MIN_SERVICE_MS = 250;

const RELEASE = 'overloadRelease';

export function overloaded(priorityClass: PriorityClass): RequestRejected {
  const seconds = RETRY_AFTER_S[priorityClass];
  return new RequestRejected(ERROR_CODES.OVERLOADED.httpStatus, 'OVERLOADED', `The gateway is overloaded; retry after ${seconds} s`, {
    headers: { 'retry-after': String(seconds) },
  });
}

export interface OverloadProtection extends HttpGuard {
  /** Requests running and waiting now (for tests and metrics). */
  load(): { inFlight: number; queued: number };
}

export function useOverloadProtection(config: OverloadConfig, clock: () => number = Date.now): OverloadProtection {
  const queue = new AdmissionQueue(config);
  return {
    name: 'overload',
    async check(context: GatewayContext) {
      const priorityClass = partnerOf(context)?.priorityClass ?? 'standard';
      const deadline = deadlineOf(context);
      const now = clock();
      const maxWaitMs = Math.min(config.maxQueueWaitMs, deadline === undefined ? Infinity : deadline - MIN_SERVICE_MS - now);
      let release: Release;
      try {
        release = await queue.admit(PRIORITY[priorityClass], maxWaitMs);
      } catch (error) {
        if (error instanceof Shed) throw overloaded(priorityClass);
        throw error;
      }
      context[RELEASE] = release;
    },
    done(context: GatewayContext) {
      const release = context[RELEASE];
      if (typeof release === 'function') (release as Release)();
    },
    load: () => ({ inFlight: queue.inFlight, queued: queue.queued }),
  };
}
