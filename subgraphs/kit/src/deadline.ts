/**
 * The request's deadline as the gateway sends it: `x-huimin-deadline-ms`, the milliseconds left
 * when the gateway sent the request (a duration rather than a time, so the two clocks need not
 * agree). The gateway's side is gateway/src/features/deadline.ts; the two must agree on the name.
 *
 * The subgraph's bureau calls get three quarters of what is left: the rest is kept for the
 * answer's way back (so a call cut at its deadline still reaches the partner as UPSTREAM_TIMEOUT,
 * with whatever else the subgraph could answer, before the gateway gives up on the fetch) and for
 * the query plan's later fetches, which a slow bureau early in the plan must not starve.
 */
import type { IncomingMessage } from 'node:http';
import type { CallOptions } from '@huimin/adapters';

export const DEADLINE_HEADER = 'x-huimin-deadline-ms';

/** Nothing the gateway sends is trusted beyond this. */
const MAX_DEADLINE_MS = 120_000;

/** A quarter of what is left, at least 20 ms. */
export function reservedMs(leftMs: number): number {
  return Math.max(20, Math.round(leftMs * 0.25));
}

/** The bureau-call options of one subgraph request: its deadline, if the gateway set one. */
export function requestCallOptions(request: Pick<IncomingMessage, 'headers'>, now: number = Date.now()): CallOptions {
  const raw = request.headers[DEADLINE_HEADER];
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (value === undefined || !/^\d{1,9}$/.test(value)) return {};
  const leftMs = Math.min(Number(value), MAX_DEADLINE_MS);
  return { deadline: now + leftMs - reservedMs(leftMs) };
}
