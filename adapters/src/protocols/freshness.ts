/** The common freshness rules: ±300 s timestamps and nonces never reused inside that window. */
import { randomBytes } from 'node:crypto';
import { ProtocolError } from '../errors';

export const FRESHNESS_WINDOW_MS = 300_000;

/** A clock in Unix milliseconds; injected so tests can skew it. */
export type Clock = () => number;
export const systemClock: Clock = () => Date.now();

/** 16 random bytes, hex. */
export function newNonce(): string {
  return randomBytes(16).toString('hex');
}

const NONCE = /^[0-9a-f]{32}$/;

export function assertNonceShape(nonce: unknown): asserts nonce is string {
  if (typeof nonce !== 'string' || !NONCE.test(nonce)) throw new ProtocolError('MALFORMED', 'nonce must be 32 lower-case hex characters');
}

/** Throws CLOCK_SKEW when the timestamp is more than the window away from now. */
export function assertFresh(timestampMs: number, nowMs: number): void {
  if (!Number.isFinite(timestampMs)) throw new ProtocolError('MALFORMED', 'timestamp must be a number');
  if (Math.abs(nowMs - timestampMs) > FRESHNESS_WINDOW_MS) throw new ProtocolError('CLOCK_SKEW', 'timestamp outside the ±300 s window');
}

/**
 * How long a nonce is remembered: a message carrying it could still pass the timestamp check up
 * to one window either side of its receipt, hence twice the window.
 */
const REMEMBERED_MS = FRESHNESS_WINDOW_MS * 2;

/** Remembers nonces for the freshness window. Implementations may be shared between replicas. */
export interface ReplayGuard {
  /** Records the nonce; false when it was already seen inside the window (a replay). */
  remember(scope: string, nonce: string, nowMs: number): Promise<boolean> | boolean;
}

/**
 * In-process replay guard; entries expire after the window. One map per scope, keyed by the
 * nonce itself (a `scope + nonce` key would be a concatenated string per entry, about twice the
 * memory of the nonce), each in the order entries were recorded, so the sweep stops at the
 * first entry still inside the window instead of visiting all of them.
 */
export class MemoryReplayGuard implements ReplayGuard {
  private readonly seenAtByScope = new Map<string, Map<string, number>>();
  private lastSweep = 0;

  remember(scope: string, nonce: string, nowMs: number): boolean {
    this.sweep(nowMs);
    let seenAt = this.seenAtByScope.get(scope);
    if (!seenAt) this.seenAtByScope.set(scope, (seenAt = new Map()));
    const previous = seenAt.get(nonce);
    if (previous !== undefined && nowMs - previous <= REMEMBERED_MS) return false;
    // Deleted first so a re-recorded nonce moves to the end and the map stays in time order.
    seenAt.delete(nonce);
    seenAt.set(nonce, nowMs);
    return true;
  }

  /** Nonces held now, over all scopes. */
  size(): number {
    let total = 0;
    for (const seenAt of this.seenAtByScope.values()) total += seenAt.size;
    return total;
  }

  private sweep(nowMs: number): void {
    if (nowMs - this.lastSweep < 10_000) return;
    this.lastSweep = nowMs;
    for (const [scope, seenAt] of this.seenAtByScope) {
      for (const [nonce, at] of seenAt) {
        // A clock step back can leave a later entry with an earlier time: the sweep stops at the
        // first one still inside, and the rest go on a later sweep.
        if (nowMs - at <= REMEMBERED_MS) break;
        seenAt.delete(nonce);
      }
      if (seenAt.size === 0) this.seenAtByScope.delete(scope);
    }
  }
}

/** Checks timestamp and nonce together, in that order; throws CLOCK_SKEW / REPLAY / MALFORMED. */
export async function assertFreshAndNew(
  guard: ReplayGuard,
  scope: string,
  timestampMs: number,
  nonce: unknown,
  nowMs: number,
): Promise<void> {
  assertNonceShape(nonce);
  assertFresh(timestampMs, nowMs);
  if (!(await guard.remember(scope, nonce, nowMs))) throw new ProtocolError('REPLAY', 'nonce already used inside the window');
}
