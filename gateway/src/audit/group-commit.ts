/**
 * Group commit: entries queue while a write is in flight and go out together in the next one.
 * Records stay in submission order (one write at a time) and a busy gateway pays one fsync or
 * one transaction per batch instead of one per operation.
 */
interface Pending<T, R> {
  item: T;
  resolve: (result: R) => void;
  reject: (error: unknown) => void;
}

export class GroupCommit<T, R> {
  private queue: Array<Pending<T, R>> = [];
  private draining: Promise<void> | null = null;

  constructor(
    /** Writes the batch; resolves with one result per item, in order, or rejects for all. */
    private readonly writeBatch: (items: T[]) => Promise<R[]>,
    private readonly maxBatch = 500,
  ) {}

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
