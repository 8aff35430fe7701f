/**
 * Group commit: entries queue while a write is in flight and go out together in the next one.
 * Records stay in submission order (one write at a time) and a busy gateway pays one fsync or
 * one transaction per batch instead of one per operation.
 *
 * With a commit delay (PostgreSQL's commit_delay, for the same reason), a batch waits that long
 * for company before it is written — but only while the trail is busy, i.e. the last write ended
 * less than `busyWindowMs` ago. A quiet gateway writes at once; a busy one trades a millisecond
 * or two of latency for several times fewer fsyncs and system calls.
 */
interface Pending<T, R> {
  item: T;
  resolve: (result: R) => void;
  reject: (error: unknown) => void;
}

export interface GroupCommitOptions {
  maxBatch?: number;
  /** How long a batch gathers entries while the trail is busy. 0: never waits. */
  commitDelayMs?: number;
  busyWindowMs?: number;
  clock?: () => number;
}

export class GroupCommit<T, R> {
  private queue: Array<Pending<T, R>> = [];
  private draining: Promise<void> | null = null;
  private lastWriteEnded = -Infinity;
  private readonly maxBatch: number;
  private readonly commitDelayMs: number;
  private readonly busyWindowMs: number;
  private readonly clock: () => number;

  constructor(
    /** Writes the batch; resolves with one result per item, in order, or rejects for all. */
    private readonly writeBatch: (items: T[]) => Promise<R[]>,
    options: GroupCommitOptions = {},
  ) {
    this.maxBatch = options.maxBatch ?? 500;
    this.commitDelayMs = options.commitDelayMs ?? 0;
    this.busyWindowMs = options.busyWindowMs ?? 50;
    this.clock = options.clock ?? performance.now.bind(performance);
  }

  submit(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.draining ??= this.drain();
    });
  }

  /** Resolves once everything submitted so far has been written (or refused). */
  async idle(): Promise<void> {
    while (this.draining) await this.draining;
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const busy = this.clock() - this.lastWriteEnded < this.busyWindowMs;
      if (this.commitDelayMs > 0 && busy && this.queue.length < this.maxBatch) {
        await new Promise((resolve) => setTimeout(resolve, this.commitDelayMs));
      }
      const batch = this.queue.splice(0, this.maxBatch);
      try {
        const results = await this.writeBatch(batch.map((pending) => pending.item));
        batch.forEach((pending, i) => pending.resolve(results[i] as R));
      } catch (error) {
        for (const pending of batch) pending.reject(error);
      }
      this.lastWriteEnded = this.clock();
    }
    this.draining = null;
  }
}
