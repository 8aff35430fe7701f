/**
 * Admission by priority: at most `maxConcurrent` requests run; up to `maxQueue` more wait, the
 * highest priority first (FIFO within one). When the queue is full an arrival takes the place of
 * the newest waiter of a lower priority, which is shed; with none lower, the arrival is shed. A
 * waiter is also shed when its wait would run past what its request can afford. So under
 * overload the lowest classes are refused at once, instead of everyone waiting into a timeout.
 */

/** 0 is served first. */
export type Priority = number;

export type ShedReason = 'queue-full' | 'displaced' | 'waited-too-long';

export class Shed extends Error {
  override readonly name = 'Shed';
  constructor(readonly reason: ShedReason) {
    super(`request shed: ${reason}`);
  }
}

export interface AdmissionLimits {
  maxConcurrent: number;
  maxQueue: number;
}

interface Waiter {
  priority: Priority;
  admit(): void;
  shed(reason: ShedReason): void;
}

export type Release = () => void;

export class AdmissionQueue {
  private running = 0;
  private waiting = 0;
  /** One FIFO per priority, index = priority. */
  private readonly queues: Waiter[][] = [];

  constructor(private readonly limits: AdmissionLimits) {}

  get inFlight(): number {
    return this.running;
  }

  get queued(): number {
    return this.waiting;
  }

  /** Resolves with the release once admitted; rejects with Shed. `maxWaitMs` bounds the queueing. */
  admit(priority: Priority, maxWaitMs: number): Promise<Release> {
    if (this.running < this.limits.maxConcurrent) return Promise.resolve(this.start());
    if (maxWaitMs <= 0) return Promise.reject(new Shed('waited-too-long'));
    if (this.waiting >= this.limits.maxQueue && !this.displaceBelow(priority)) return Promise.reject(new Shed('queue-full'));
    return new Promise<Release>((resolve, reject) => {
      const waiter: Waiter = {
        priority,
        admit: () => {
          clearTimeout(timer);
          resolve(this.start());
        },
        shed: (reason) => {
          clearTimeout(timer);
          reject(new Shed(reason));
        },
      };
      const timer = setTimeout(() => {
        if (this.remove(waiter)) waiter.shed('waited-too-long');
      }, maxWaitMs);
      (this.queues[priority] ??= []).push(waiter);
      this.waiting += 1;
    });
  }

  private start(): Release {
    this.running += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.running -= 1;
      this.next();
    };
  }

  private next(): void {
    while (this.running < this.limits.maxConcurrent && this.waiting > 0) {
      const queue = this.queues.find((q) => q !== undefined && q.length > 0);
      const waiter = queue?.shift();
      if (!waiter) return;
      this.waiting -= 1;
      waiter.admit();
    }
  }

  /** Sheds the newest waiter of the lowest priority below `priority`; false when there is none. */
  private displaceBelow(priority: Priority): boolean {
    for (let p = this.queues.length - 1; p > priority; p -= 1) {
      const waiter = this.queues[p]?.pop();
      if (waiter) {
        this.waiting -= 1;
        waiter.shed('displaced');
        return true;
      }
    }
    return false;
  }

  private remove(waiter: Waiter): boolean {
    const queue = this.queues[waiter.priority];
    const index = queue?.indexOf(waiter) ?? -1;
    if (index < 0) return false;
    queue!.splice(index, 1);
    this.waiting -= 1;
    return true;
  }
}
