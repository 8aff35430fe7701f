/**
 * The transit subgraph's own data in the stack (the top-up ledger and pushed transaction
 * records: PostgreSQL when DATABASE_URL is set, else the embedded journal or memory) and the
 * sandbox card system's pushes to its webhook: each credited top-up becomes a TOP_UP record.
 */
import type { TopUpState, TransitServerKeys } from '@huimin/adapters';
import { startTransactionsPusher, topUpTransaction, type TransactionsPusher } from '@huimin/sandbox';
import { openTransitStores, type TransitStoreConfig, type TransitStores } from '@huimin/subgraph-transit';

export interface StackTransitLedger {
  stores: TransitStores;
  /** For the sandbox transit bureau: called once per credited top-up. */
  onTopUpCredited(state: TopUpState): void;
  /** Starts pushing to the transit subgraph (known only once it listens); earlier records wait. */
  /** `caPem`: what the subgraph's HTTPS certificate chains to (null: plain HTTP). */
  startPushing(subgraphUrl: string, caPem: string | null): void;
  /** The card system's pusher once started (tests push fares through it). */
  pusher(): TransactionsPusher | null;
  close(): Promise<void>;
}

export async function openStackTransitLedger(options: {
  /** Default: in memory only (tests). */
  store?: TransitStoreConfig;
  /** The card system's transit keys and the app whose credentials seal the pushes. */
  keys: TransitServerKeys;
  appId: string;
}): Promise<StackTransitLedger> {
  const stores = await openTransitStores(options.store ?? { databaseUrl: null });
  let pusher: TransactionsPusher | null = null;
  const waiting: Array<ReturnType<typeof topUpTransaction>> = [];
  return {
    stores,
    onTopUpCredited(state) {
      const record = topUpTransaction(state);
      if (pusher) pusher.push([record]);
      else waiting.push(record);
    },
    startPushing(subgraphUrl, caPem) {
      pusher = startTransactionsPusher({ url: new URL(subgraphUrl).origin, keys: options.keys, appId: options.appId, ...(caPem ? { ca: caPem } : {}) });
      pusher.push(waiting.splice(0));
    },
    pusher: () => pusher,
    async close() {
      await pusher?.close();
      await stores.close();
    },
  };
}
