/**
 * Group commit: entries queue while a write is in flight and go out together in the next one.
 * Records stay in submission order (one write at a time) and a busy gateway pays one fsync or
 * one transaction per batch instead of one per operation.
 *
 * With a commit delay (PostgreSQL's commit_delay, for the same reason), a batch waits for company
 * until its oldest entry has waited that long — but only while entries arrive faster than one
 * per delay (a moving average of the gaps between them), so a waiting batch can expect at least
 * one more. A quiet gateway writes at once; a busy one trades a few milliseconds of latency for
 * several times fewer fsyncs. On the machine we measure on, an O_DSYNC append costs about 120 µs
 * of CPU whatever its size, most of it in the kernel (bench/results/audit.md).
 */
interface Pending<T, R> {
  item: T;
  /** When it was submitted (clock ms). */
  at: number;
  resolve: (result: R) => void;
  reject: (error: unknown) => void;
}

export interface GroupCommitOptions {
  maxBatch?: number;
  /** The longest an entry waits for company before its batch is written. 0: never waits. */
  commitDelayMs?: number;
  clock?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/** Weight of the newest gap in the moving average. */
const GAP_SMOOTHING = 0.2;
/** Gaps longer than this count as this: one quiet minute must not take minutes of traffic to forget. */
const MAX_GAP_MS = 1_000;

export class GroupCommit<T, R> {
  private queue: Array<Pending<T, R>> = [];
  private draining: Promise<void> | null = null;
  private lastSubmitAt = -Infinity;
  /** Moving average of the gaps between submissions; starts quiet. */
  private meanGapMs = MAX_GAP_MS;
  private readonly maxBatch: number;
  private readonly commitDelayMs: number;
  private readonly clock: () => number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(
    /** Writes the batch; resolves with one result per item, in order, or rejects for all. */
    private readonly writeBatch: (items: T[]) => Promise<R[]>,
    options: GroupCommitOptions = {},
  ) {
    this.maxBatch = options.maxBatch ?? 500;
    this.commitDelayMs = options.commitDelayMs ?? 0;
    this.clock = options.clock ?? performance.now.bind(performance);
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  submit(item: T): Promise<R> {
    const at = this.clock();
    const gap = Math.min(MAX_GAP_MS, at - this.lastSubmitAt);
    this.meanGapMs += GAP_SMOOTHING * (gap - this.meanGapMs);
    this.lastSubmitAt = at;
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, at, resolve, reject });
      this.draining ??= this.drain();
    });
  }

  /** Resolves once everything submitted so far has been written (or refused). */
  async idle(): Promise<void> {
    while (this.draining) await this.draining;
  }

  /** Whether another entry is expected before the oldest waiting one has waited the delay. */
  private expectsCompany(): boolean {
    return this.commitDelayMs > 0 && this.queue.length < this.maxBatch && this.meanGapMs < this.commitDelayMs;
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      if (this.expectsCompany()) {
        const waitMs = (this.queue[0] as Pending<T, R>).at + this.commitDelayMs - this.clock();
        if (waitMs > 0) await this.sleep(waitMs);
      }
      const batch = this.queue.splice(0, this.maxBatch);
      try {
        const results = await this.writeBatch(batch.map((pending) => pending.item));
        batch.forEach((pending, i) => pending.resolve(results[i] as R));
      } catch (error) {
        for (const pending of batch) pending.reject(error);
      }
    }
    this.draining = null;
  }
}
