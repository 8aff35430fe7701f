/**
 * Open-loop load for the soak: requests start at a fixed rate whatever the answers do (a closed
 * loop would slow down with the system and hide its latency), with a cap on requests in flight so
 * a stalled gateway cannot make the load generator itself grow without bound.
 */

export interface Answer {
  status: number;
  /** The GraphQL error codes in the answer, in order. */
  codes: string[];
  /** Values served stale from the last known ones. */
  stale: number;
}

export interface Sample extends Answer {
  /** Ms since the load started. */
  at: number;
  latencyMs: number;
  phase: string;
}

export interface OpenLoopOptions {
  ratePerSecond: number;
  maxInFlight: number;
  send: () => Promise<Answer>;
  /** The phase a request starting now belongs to (e.g. "bureau down"). */
  phase: () => string;
  onSample: (sample: Sample) => void;
}

export interface RunningLoad {
  /** Requests not started because `maxInFlight` were already waiting. */
  skipped(): number;
  /** Stops starting requests and waits for those in flight. */
  stop(): Promise<void>;
}

export function startOpenLoopLoad(options: OpenLoopOptions): RunningLoad {
  const started = performance.now();
  const inFlight = new Set<Promise<void>>();
  let skipped = 0;
  let sent = 0;
  let stopped = false;
  const tick = (): void => {
    if (stopped) return;
    // Catch up to the schedule: timers drift, the rate must not.
    const due = Math.floor(((performance.now() - started) / 1000) * options.ratePerSecond);
    for (; sent < due; sent += 1) {
      if (inFlight.size >= options.maxInFlight) {
        skipped += 1;
        continue;
      }
      const phase = options.phase();
      const begin = performance.now();
      const request = options
        .send()
        .catch((): Answer => ({ status: 0, codes: ['NO_ANSWER'], stale: 0 }))
        .then((answer) => options.onSample({ ...answer, at: begin - started, latencyMs: performance.now() - begin, phase }))
        .finally(() => inFlight.delete(request));
      inFlight.add(request);
    }
  };
  const timer = setInterval(tick, Math.max(5, Math.floor(1000 / options.ratePerSecond)));
  return {
    skipped: () => skipped,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await Promise.allSettled([...inFlight]);
    },
  };
}
