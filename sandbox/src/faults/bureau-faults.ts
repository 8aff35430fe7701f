/**
 * The faults a sandbox bureau can be told to show at run time (fault-control.ts is the
 * development-only endpoint; fault-injection.ts applies them to each call): added latency, an
 * error rate, being down, corrupted answers, a skewed clock, and — on the transit bureau — dropped
 * card-status messages. Decisions are drawn per call from a PRNG that can be seeded, so a test's
 * faulty run can be repeated.
 */
import { FRESHNESS_WINDOW_MS } from '@huimin/adapters';
import { Random } from '../population/prng';

export interface FaultSettings {
  /** Added before the bureau handles each call. */
  latencyMs: number;
  /** A uniform extra in [0, latencyJitterMs). */
  latencyJitterMs: number;
  /** Share of calls answered 500 `{"code":"INTERNAL"}`. */
  errorRate: number;
  /** Every call's connection is dropped without an answer (the control endpoint still answers). */
  down: boolean;
  /** Share of answers damaged on the way out (a flipped character, cut short, or garbage). */
  corruptRate: number;
  /**
   * How far the bureau's clock is off. Beyond the protocols' ±300 s window the bureau refuses
   * every call 401 CLOCK_SKEW, as a bureau with a wrong clock does; within it calls succeed.
   */
  clockSkewMs: number;
}

export const NO_FAULTS: Readonly<FaultSettings> = Object.freeze({
  latencyMs: 0,
  latencyJitterMs: 0,
  errorRate: 0,
  down: false,
  corruptRate: 0,
  clockSkewMs: 0,
});

export type Corruption = 'flip' | 'truncate' | 'garbage';

/** What happens to one call, drawn when it arrives. */
export interface CallFaults {
  down: boolean;
  delayMs: number;
  clockSkew: boolean;
  error: boolean;
  corrupt: Corruption | null;
}

/** The part of the card-status publisher's faults the control endpoint drives. */
export interface CardStatusDrops {
  dropNext(count?: number): void;
}

export class BureauFaults {
  private current: FaultSettings = { ...NO_FAULTS };
  private random = new Random(Date.now());
  private cardStatus: CardStatusDrops | null = null;

  get settings(): Readonly<FaultSettings> {
    return { ...this.current };
  }

  /** Changes some settings; the others stay. */
  set(patch: Partial<FaultSettings>): Readonly<FaultSettings> {
    this.current = { ...this.current, ...patch };
    return this.settings;
  }

  clear(): void {
    this.current = { ...NO_FAULTS };
  }

  /** Makes the next decisions repeatable. */
  seed(seed: number): void {
    this.random = new Random(seed);
  }

  /** The transit bureau's card-status publisher, whose messages can then be dropped. */
  attachCardStatus(drops: CardStatusDrops | null): void {
    this.cardStatus = drops;
  }

  get hasCardStatus(): boolean {
    return this.cardStatus !== null;
  }

  /** Drops the next `count` card-status messages (sealed, never sent: a gap); false without a feed. */
  dropCardStatusMessages(count: number): boolean {
    if (!this.cardStatus) return false;
    this.cardStatus.dropNext(count);
    return true;
  }

  nextCall(): CallFaults {
    const s = this.current;
    const random = this.random;
    return {
      down: s.down,
      delayMs: s.latencyMs + (s.latencyJitterMs > 0 ? random.next() * s.latencyJitterMs : 0),
      clockSkew: Math.abs(s.clockSkewMs) > FRESHNESS_WINDOW_MS,
      error: s.errorRate > 0 && random.chance(s.errorRate),
      corrupt: s.corruptRate > 0 && random.chance(s.corruptRate) ? random.pick<Corruption>(['flip', 'truncate', 'garbage']) : null,
    };
  }

  /** Damages an answer body the way `how` says. */
  corrupt(body: string, how: Corruption): string {
    const random = this.random;
    switch (how) {
      case 'truncate':
        return body.slice(0, Math.floor(body.length / 2));
      case 'garbage':
        return Array.from({ length: Math.max(8, Math.min(body.length, 256)) }, () => String.fromCharCode(random.int(0, 255))).join('');
      case 'flip': {
        // A letter or digit in the middle half changes: the JSON still parses, a MAC, signature,
        // ciphertext or field no longer checks out.
        const from = Math.floor(body.length / 4);
        for (let i = from + random.int(0, Math.max(0, Math.floor(body.length / 2))); i < body.length; i += 1) {
          const char = body[i] ?? '';
          if (/[0-9A-Za-z]/.test(char)) return body.slice(0, i) + (char === 'A' ? 'B' : 'A') + body.slice(i + 1);
        }
        return body.slice(0, from);
      }
    }
  }
}
