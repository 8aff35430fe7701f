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
/** The replay guard's generations: 21 of them cover the 600 s. */
const GENERATION_MS = 30_000;

/** Remembers nonces for the freshness window. Implementations may be shared between replicas. */
export interface ReplayGuard {
  /** Records the nonce; false when it was already seen inside the window (a replay). */
  remember(scope: string, nonce: string, nowMs: number): Promise<boolean> | boolean;
}

/**
 * Keys remembered for at least `rememberMs`, in generations of `generationMs`: each key goes into
 * the newest generation's set, and a whole generation is dropped once everything in it is older
 * than `rememberMs` (so a key may be remembered up to one generation longer). Nothing is ever
 * deleted from a set. A single map swept entry by entry would settle, under steady load, at a
 * hash table twice its live size, reached by a doubling some minutes after the load levels off
 * (a 2.5 MB step at minute 17 of the soak, bench/results/soak.md); generations built and
 * dropped whole stay the size of the load they hold.
 */
class RememberedKeys {
  private readonly generations: Array<{ start: number; keys: Set<string> }> = [];

  constructor(
    private readonly rememberMs: number,
    private readonly generationMs: number,
  ) {}

  /** False when the key was remembered already; otherwise remembers it. */
  remember(key: string, nowMs: number): boolean {
    this.forgetOlderThan(nowMs);
    for (const generation of this.generations) if (generation.keys.has(key)) return false;
    let newest = this.generations[this.generations.length - 1];
    // A clock that stepped back keeps filling the newest generation.
    if (!newest || nowMs - newest.start >= this.generationMs) {
      newest = { start: nowMs, keys: new Set() };
      this.generations.push(newest);
    }
    newest.keys.add(key);
    return true;
  }

  forgetOlderThan(nowMs: number): void {
    while (this.generations.length > 0 && nowMs - (this.generations[0]!.start + this.generationMs) > this.rememberMs) this.generations.shift();
  }

  size(): number {
    let total = 0;
    for (const generation of this.generations) total += generation.keys.size;
    return total;
  }
}

/**
 * In-process replay guard: nonces remembered per scope, keyed by the nonce itself (a
 * `scope + nonce` key would be a concatenated string per entry, about twice the memory of the
 * nonce).
 */
export class MemoryReplayGuard implements ReplayGuard {
  private readonly byScope = new Map<string, RememberedKeys>();
  private lastSweep = 0;

  remember(scope: string, nonce: string, nowMs: number): boolean {
    this.sweep(nowMs);
    let keys = this.byScope.get(scope);
    if (!keys) this.byScope.set(scope, (keys = new RememberedKeys(REMEMBERED_MS, GENERATION_MS)));
    return keys.remember(nonce, nowMs);
  }

  /** Nonces held now, over all scopes. */
  size(): number {
    let total = 0;
    for (const keys of this.byScope.values()) total += keys.size();
    return total;
  }

  /** Scopes that fell silent still let go of their nonces. */
  private sweep(nowMs: number): void {
    if (nowMs - this.lastSweep < GENERATION_MS) return;
    this.lastSweep = nowMs;
    for (const [scope, keys] of this.byScope) {
      keys.forgetOlderThan(nowMs);
      if (keys.size() === 0) this.byScope.delete(scope);
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
