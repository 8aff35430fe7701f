/**
 * The transit subgraph's ledger side, started with the subgraph: the top-up service over the
 * stores and the card system, its reconciler, and the transaction webhook route.
 */
import type { KeySource, TransitClientKeys } from '@huimin/adapters';
import type { HttpRoute } from '@huimin/subgraph-kit';
import type { CardStatusView } from '../card-status-feed';
import { createTransactionsWebhook } from '../transactions/transactions-webhook';
import type { TransactionStore } from '../transactions/transaction-types';
import type { TransitStores } from './open-transit-stores';
import { startTopUpReconciler } from './topup-reconciler';
import type { TopUpDeps } from './topup-resolvers';
import { TopUpService, type TopUpCardSystem, type TopUpLog, type TopUpPolicy, type TopUpStep } from './topup-service';

export interface TransitLedgerOptions {
  /** openTransitStores: the caller opens and closes them. */
  stores: TransitStores;
  /** The card system's top-up operations (the transit HTTP client). */
  cardSystem: TopUpCardSystem;
  /** The app's transit credentials; given, POST /webhooks/transactions takes the transit system's pushes. */
  webhookKeys?: KeySource<TransitClientKeys>;
  policy?: Partial<TopUpPolicy>;
  /** Between reconciler passes (default 30 s) and the youngest PENDING top-up it touches (default 10 s). */
  reconcileIntervalMs?: number;
  reconcileMinAgeMs?: number;
  log?: TopUpLog;
  /** Test only: see TopUpServiceOptions.onStep. */
  onStep?: (step: TopUpStep, topUpId: string) => void;
}

export interface RunningTransitLedger {
  topUps: TopUpDeps;
  transactions: TransactionStore;
  routes: HttpRoute[];
  /** Stops the reconciler (the stores stay open: they are the caller's). */
  stop(): Promise<void>;
}

export function startTransitLedger(options: TransitLedgerOptions, shared: { clock: () => number; cardStatusFeed?: CardStatusView }): RunningTransitLedger {
  const { stores, cardSystem, log } = options;
  const service = new TopUpService({ ledger: stores.topUps, cardSystem, clock: shared.clock, policy: options.policy, log, onStep: options.onStep });
  const reconciler = startTopUpReconciler({
    ledger: stores.topUps,
    service,
    clock: shared.clock,
    intervalMs: options.reconcileIntervalMs,
    minAgeMs: options.reconcileMinAgeMs,
    onError: (error) => log?.({ msg: 'top-up reconciler pass failed', reason: error instanceof Error ? error.name : 'ERROR' }),
  });
  const routes = options.webhookKeys
    ? [createTransactionsWebhook({
        transactions: stores.transactions,
        topUps: stores.topUps,
        keys: options.webhookKeys,
        clock: shared.clock,
        onStoreError: (error) => log?.({ msg: 'transaction push not stored', reason: error instanceof Error ? error.name : 'ERROR' }),
      })]
    : [];
  return {
    topUps: { service, ledger: stores.topUps, cardSystem, clock: shared.clock, cardStatusFeed: shared.cardStatusFeed },
    transactions: stores.transactions,
    routes,
    stop: () => reconciler.stop(),
  };
}
