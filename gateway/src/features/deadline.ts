/**
 * useDeadline: every request has a deadline, by the partner's priority class (a hospital counter
 * waits less than an analytics batch), counted from the moment it arrived. Each subgraph request
 * carries what is left (DEADLINE_HEADER): the gateway cuts its fetch there, and the subgraph cuts
 * its bureau calls a little before so their UPSTREAM_TIMEOUT still reaches the partner. The
 * overload feature bounds queueing by the same deadline, so no request outlives it.
 */
import { DEADLINE_HEADER } from '../subgraph-fetcher';
import type { GatewayContext, HttpGuard, SubgraphRequestHook } from '../pipeline';
import { partnerOf, type PriorityClass } from './partner-context';

/** Milliseconds per priority class; requests without a partner (access off) get `standard`. */
export type DeadlineConfig = Record<PriorityClass, number>;

export const DEFAULT_DEADLINES: DeadlineConfig = { counter: 4000, standard: 5000, analytics: 15_000 };

const DEADLINE = 'deadline';

/** The request's deadline (epoch ms), once the guard has run. */
export function deadlineOf(context: GatewayContext): number | undefined {
  const deadline = context[DEADLINE];
  return typeof deadline === 'number' ? deadline : undefined;
}

export function setDeadline(context: GatewayContext, deadline: number): void {
  context[DEADLINE] = deadline;
}

export function useDeadline(config: DeadlineConfig, clock: () => number = Date.now): { guard: HttpGuard; subgraphHook: SubgraphRequestHook } {
  return {
    // A guard placed after authentication: the class is the partner's.
    guard: {
      name: 'deadline',
      check(context: GatewayContext) {
        setDeadline(context, context.receivedAt + config[partnerOf(context)?.priorityClass ?? 'standard']);
      },
    },
    subgraphHook: ({ request, context }) => {
      const deadline = deadlineOf(context);
      if (deadline === undefined) return;
      request.http?.headers.set(DEADLINE_HEADER, String(Math.max(0, deadline - clock())));
    },
  };
}
