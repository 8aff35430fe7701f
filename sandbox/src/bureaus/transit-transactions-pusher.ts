/**
 * The sandbox card system's side of "Transaction records pushed" (upstream-protocols.md): records
 * are batched and POSTed to the transit subgraph's webhook in the transit HTTPS envelope
 * (AES-256-GCM, HMAC-SHA256, sealed with transit.ts as the card calls are), and each batch is
 * delivered again, with backoff, until a signed acknowledgement bound to its nonce comes back.
 * Knobs make deliveries arrive twice and out of order, as real pushes do after lost
 * acknowledgements and parallel senders.
 */
import {
  TRANSIT_TRANSACTIONS_WEBHOOK_PATH, isTransactionPushAck, openTransitResponse, readKeys, sealTransitRequest, systemClock, transitSenderKeys,
  type Clock, type KeySource, type TransitServerKeys, type TransitTransactionRecord,
} from '@huimin/adapters';
import { Agent, fetch } from 'undici';

export interface PushFaults {
  /** Probability (0–1) that an acknowledged batch is delivered once more, later. */
  duplicateRate?: number;
  /** Shuffle records and deliver several batches at once, so they arrive out of order. */
  reorder?: boolean;
  /** The knobs' randomness (seed it for a reproducible run). */
  random?: () => number;
}

export interface TransactionsPusherOptions {
  /** The transit subgraph's origin (http(s)://host:port) or its webhook URL. */
  url: string;
  /** For an https:// subgraph: the CA its certificate chains to (PEM). */
  ca?: string;
  /** The card system's keys, and the app whose credentials seal the pushes. */
  keys: KeySource<TransitServerKeys>;
  appId: string;
  clock?: Clock;
  /** Records per delivery. Default 100. */
  batchSize?: number;
  /** First and largest wait between deliveries of an unacknowledged batch. Default 100 ms, 5 s. */
  retryInitialMs?: number;
  retryMaxMs?: number;
  /** One delivery's timeout. Default 5 s. */
  timeoutMs?: number;
  faults?: PushFaults;
}

export interface PusherStats {
  /** Records acknowledged (a duplicate delivery counts again). */
  acknowledged: number;
  deliveries: number;
  failedDeliveries: number;
  duplicateDeliveries: number;
  /** Records waiting or in flight. */
  pending: number;
}

export interface TransactionsPusher {
  push(records: readonly TransitTransactionRecord[]): void;
  /** Resolves once every record pushed so far is acknowledged; rejects after `timeoutMs`. */
  flush(timeoutMs?: number): Promise<void>;
  stats(): PusherStats;
  /** Stops delivering; records not yet acknowledged are dropped (the sandbox keeps no outbox). */
  close(): Promise<void>;
}

export function startTransactionsPusher(options: TransactionsPusherOptions): TransactionsPusher {
  const url = options.url.endsWith(TRANSIT_TRANSACTIONS_WEBHOOK_PATH) ? options.url : `${options.url.replace(/\/+$/, '')}${TRANSIT_TRANSACTIONS_WEBHOOK_PATH}`;
  const clock = options.clock ?? systemClock;
  const batchSize = options.batchSize ?? 100;
  const faults = options.faults ?? {};
  const random = faults.random ?? Math.random;
  const queue: TransitTransactionRecord[] = [];
  const stats = { acknowledged: 0, deliveries: 0, failedDeliveries: 0, duplicateDeliveries: 0 };
  let inFlight = 0;
  let closed = false;
  const dispatcher = new Agent(options.ca ? { connect: { ca: options.ca } } : {});
  // Ends waits and deliveries in flight at close, so closing never waits out a backoff.
  const closing = new AbortController();
  const sleep = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        closing.signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      closing.signal.addEventListener('abort', done, { once: true });
    });
  let wake: (() => void) | null = null;
  let idleWaiters: Array<() => void> = [];

  function shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i -= 1) {
      const j = Math.floor(random() * (i + 1));
      [items[i], items[j]] = [items[j] as T, items[i] as T];
    }
    return items;
  }

  /** One sealed POST; resolves only for a verified acknowledgement of every record. */
  async function deliverOnce(records: readonly TransitTransactionRecord[]): Promise<void> {
    const keys = transitSenderKeys(readKeys(options.keys), options.appId);
    if (!keys) throw new Error('no credentials for the app');
    const sealed = sealTransitRequest({ payload: { records }, keys, nowMs: clock() });
    stats.deliveries += 1;
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...sealed.headers },
      body: sealed.body,
      dispatcher,
      signal: AbortSignal.any([closing.signal, AbortSignal.timeout(options.timeoutMs ?? 5000)]),
    });
    const bodyText = await response.text();
    if (!response.ok) throw new Error(`webhook answered HTTP ${response.status}`);
    const ack = openTransitResponse({ headers: response.headers, bodyText, requestNonce: sealed.nonce, keys, nowMs: clock() });
    if (!isTransactionPushAck(ack) || ack.acknowledged !== records.length) throw new Error('acknowledgement does not cover the push');
  }

  async function deliverUntilAcknowledged(records: TransitTransactionRecord[]): Promise<void> {
    let delay = options.retryInitialMs ?? 100;
    while (!closed) {
      try {
        await deliverOnce(records);
        stats.acknowledged += records.length;
        if (random() < (faults.duplicateRate ?? 0)) {
          // As after a lost acknowledgement: the same records go out again, at some later point.
          stats.duplicateDeliveries += 1;
          queue.splice(Math.floor(random() * (queue.length + 1)), 0, ...records);
        }
        return;
      } catch {
        stats.failedDeliveries += 1;
        await sleep(delay);
        delay = Math.min(delay * 2, options.retryMaxMs ?? 5000);
      }
    }
  }

  async function run(): Promise<void> {
    while (!closed) {
      if (queue.length === 0) {
        for (const resolve of idleWaiters) resolve();
        idleWaiters = [];
        await new Promise<void>((resolve) => (wake = resolve));
        continue;
      }
      const lanes = faults.reorder ? 3 : 1;
      const taken = queue.splice(0, batchSize * lanes);
      if (faults.reorder) shuffle(taken);
      const batches: TransitTransactionRecord[][] = [];
      for (let at = 0; at < taken.length; at += batchSize) batches.push(taken.slice(at, at + batchSize));
      inFlight = taken.length;
      await Promise.all(batches.map((batch) => deliverUntilAcknowledged(batch)));
      inFlight = 0;
    }
  }

  const running = run();

  return {
    push(records) {
      if (closed || records.length === 0) return;
      queue.push(...records);
      wake?.();
      wake = null;
    },
    flush(timeoutMs = 30_000) {
      if (queue.length === 0 && inFlight === 0) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`pushes not acknowledged within ${timeoutMs} ms`)), timeoutMs);
        idleWaiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    },
    stats: () => ({ ...stats, pending: queue.length + inFlight }),
    async close() {
      closed = true;
      closing.abort();
      wake?.();
      for (const resolve of idleWaiters) resolve();
      idleWaiters = [];
      await running;
      await dispatcher.close();
    },
  };
}
