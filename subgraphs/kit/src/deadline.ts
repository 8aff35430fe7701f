/**
 * The request's deadline as the gateway sends it: `x-huimin-deadline-ms`, the milliseconds left
 * when the gateway sent the request (a duration rather than a time, so the two clocks need not
 * agree). The gateway's side is gateway/src/features/deadline.ts; the two must agree on the name.
 *
 * The subgraph keeps a margin back for its answer's way to the gateway, so that a bureau call cut
 * at the deadline still reaches the partner as UPSTREAM_TIMEOUT before the gateway gives up.
 */
import type { IncomingMessage } from 'node:http';
import type { CallOptions } from '@huimin/adapters';

export const DEADLINE_HEADER = 'x-huimin-deadline-ms';

/** Nothing the gateway sends is trusted beyond this. */
const MAX_DEADLINE_MS = 120_000;

/** 10 % of what is left, within 20–250 ms. */
export function answerMarginMs(leftMs: number): number {
  return Math.min(250, Math.max(20, Math.round(leftMs * 0.1)));
}

/** The bureau-call options of one subgraph request: its deadline, if the gateway set one. */
export function requestCallOptions(request: Pick<IncomingMessage, 'headers'>, now: number = Date.now()): CallOptions {
  const raw = request.headers[DEADLINE_HEADER];
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (value === undefined || !/^\d{1,9}$/.test(value)) return {};
  const leftMs = Math.min(Number(value), MAX_DEADLINE_MS);
  return { deadline: now + leftMs - answerMarginMs(leftMs) };
}
