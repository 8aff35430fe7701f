/**
 * Last known values: what a bureau last answered, kept so that a balance can still be served —
 * marked `stale: true`, with the time it was current — while the bureau is unavailable, within a
 * configured maximum age. Kept in Redis when the deployment has one (last-known-redis.ts, shared
 * by replicas), in this process otherwise.
 *
 * Keys are pseudonymous IDs, never ID numbers. Only outages fall back: "not found" and bad input
 * are answers, and an empty or absent value is never served stale (it would read as "none").
 */
import { isUpstreamFailure } from './loaders';

/** A value with the time the bureau's data was current (ISO-8601 with offset). */
export interface LastKnownEntry {
  value: unknown;
  asOf: string;
}

export interface LastKnownStore {
  /** Keeps the entry unless one with a later asOf is already held. */
  put(key: string, entry: LastKnownEntry): Promise<void>;
  get(key: string): Promise<LastKnownEntry | null>;
  close(): Promise<void>;
}

/** What a subgraph is given: where values are kept and how old one may be when served. */
export interface LastKnownOptions {
  store: LastKnownStore;
  maxAgeMs: number;
  clock?: () => number;
  /** Store failures (Redis down): logged, never failing the request. */
  log?: { error(message: string): void };
}

/** In this process: a bounded map, least recently written first out. */
export class MemoryLastKnownStore implements LastKnownStore {
  private readonly entries = new Map<string, LastKnownEntry>();

  constructor(private readonly maxEntries = 100_000) {}

  async put(key: string, entry: LastKnownEntry): Promise<void> {
    const held = this.entries.get(key);
    if (held && held.asOf > entry.asOf) return;
    this.entries.delete(key);
    this.entries.set(key, entry);
    if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
  }

  async get(key: string): Promise<LastKnownEntry | null> {
    return this.entries.get(key) ?? null;
  }

  async close(): Promise<void> {
    this.entries.clear();
  }
}

/** A value as served: live, or the last known one while its bureau is unavailable. */
export interface Served<T> {
  value: T;
  asOf: string;
  stale: boolean;
}

/** The last known values of one kind (e.g. medical account balances), checked when read back. */
export class LastKnown<T> {
  private readonly clock: () => number;

  constructor(
    private readonly options: LastKnownOptions,
    private readonly kind: string,
    /** Whether a stored value is one of ours and worth serving (not empty). */
    private readonly isServable: (value: unknown) => value is T,
  ) {
    this.clock = options.clock ?? Date.now;
  }

  /** Remembers a live answer; never delays or fails the request. */
  remember(key: string, value: T, asOf: string): void {
    if (!this.isServable(value)) return;
    this.options.store.put(`${this.kind}:${key}`, { value, asOf }).catch(() => this.options.log?.error(`last-known ${this.kind}: store write failed`));
  }

  /** The last known value, if there is one young enough to serve. */
  async recall(key: string): Promise<{ value: T; asOf: string } | null> {
    let entry: LastKnownEntry | null;
    try {
      entry = await this.options.store.get(`${this.kind}:${key}`);
    } catch {
      this.options.log?.error(`last-known ${this.kind}: store read failed`);
      return null;
    }
    if (entry === null || typeof entry.asOf !== 'string' || !this.isServable(entry.value)) return null;
    const age = this.clock() - Date.parse(entry.asOf);
    if (!(age <= this.options.maxAgeMs)) return null;
    return { value: entry.value, asOf: entry.asOf };
  }

  /**
   * The live answer (remembered), or — when the bureau is unavailable — the last known one marked
   * stale. Without one, the outage's own error is thrown. A live null ("the bureau has none") is
   * served as it is and not remembered.
   */
  async serve(key: string, live: () => Promise<{ value: T | null; asOf: string }>): Promise<Served<T | null>> {
    try {
      const answer = await live();
      if (answer.value !== null) this.remember(key, answer.value, answer.asOf);
      return { ...answer, stale: false };
    } catch (error) {
      if (!isUpstreamFailure(error)) throw error;
      const known = await this.recall(key);
      if (known === null) throw error;
      return { ...known, stale: true };
    }
  }
}

/** The live answer when there is no cache configured (tests, benches). */
export async function serveLive<T>(live: () => Promise<{ value: T | null; asOf: string }>): Promise<Served<T | null>> {
  return { ...(await live()), stale: false };
}
