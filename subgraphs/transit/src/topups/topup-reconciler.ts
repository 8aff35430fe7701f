/**
 * Resolves every unfinished top-up: each PENDING one is put to the card system
 * (GET /topups/{id}) and moved to CREDITED, or to refund when the card system refused it or has
 * not credited it within the policy's window; each FAILED one (a process stopped between the two
 * moves of a refund) is moved on to REFUND_REQUIRED. Runs in every transit subgraph process:
 * the ledger's compare-and-set moves and the card system's idempotency make concurrent
 * reconcilers harmless.
 */
import type { TopUpService } from './topup-service';
import type { TopUpLedger } from './topup-types';

export interface TopUpReconcilerOptions {
  ledger: TopUpLedger;
  service: TopUpService;
  /** Between passes. Default 30 s. */
  intervalMs?: number;
  /** PENDING top-ups younger than this are left to the request still making them. Default 10 s. */
  minAgeMs?: number;
  /** Top-ups per pass. Default 100. */
  batchSize?: number;
  clock?: () => number;
  /** A pass that failed (the ledger unreachable): logged by the caller, tried again next interval. */
  onError?: (error: unknown) => void;
}

export interface TopUpReconciler {
  /** One pass now; answers how many top-ups it resolved (no longer PENDING or FAILED). */
  runOnce(): Promise<number>;
  stop(): Promise<void>;
}

export function startTopUpReconciler(options: TopUpReconcilerOptions): TopUpReconciler {
  const intervalMs = options.intervalMs ?? 30_000;
  const minAgeMs = options.minAgeMs ?? 10_000;
  const batchSize = options.batchSize ?? 100;
  const clock = options.clock ?? Date.now;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | null = null;

  async function pass(): Promise<number> {
    const now = clock();
    let resolved = 0;
    for (const record of await options.ledger.unresolved(batchSize)) {
      if (stopped) break;
      if (record.status === 'PENDING' && now - Date.parse(record.createdAt) < minAgeMs) continue;
      const after = await options.service.reconcile(record);
      if (after.status !== 'PENDING' && after.status !== 'FAILED') resolved += 1;
    }
    return resolved;
  }

  function runOnce(): Promise<number> {
    running ??= pass().finally(() => {
      running = null;
    });
    return running;
  }

  function schedule(): void {
    if (stopped) return;
    timer = setTimeout(() => {
      runOnce()
        .catch((error: unknown) => options.onError?.(error))
        .finally(schedule);
    }, intervalMs);
    timer.unref();
  }

  // A first pass at start: whatever a killed process left behind is finished without waiting.
  runOnce().catch((error: unknown) => options.onError?.(error)).finally(schedule);

  return {
    runOnce,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running?.catch(() => undefined);
    },
  };
}
