/** The transit subgraph: cards, their owners, and transit balances. */
import type { GraphQLSchema } from 'graphql';
import type { TransitClient } from '@huimin/adapters';
import {
  createSubgraphSchema, requestCallOptions, startSubgraphServer,
  type ErrorLog, type GatewayTrust, type LastKnownOptions, type Pseudonyms, type RunningSubgraph, type SubgraphResolvers,
} from '@huimin/subgraph-kit';
import { createCardResolvers } from './card-resolvers';
import { createCitizenResolvers } from './citizen-resolvers';
import type { CardStatusView } from './card-status-feed';
import { createTransitContext, type TransitContext, type TransitDeps } from './context';
import { createTopUpResolvers, type TopUpDeps } from './topups/topup-resolvers';
import { startTransitLedger, type TransitLedgerOptions } from './topups/transit-ledger';
import { createTransactionResolvers } from './transactions/transaction-resolvers';
import type { TransactionStore } from './transactions/transaction-types';

export type { CardView, TransitContext, TransitDeps } from './context';
export * from './card-status-feed';
export { openTransitStores, DEFAULT_TRANSIT_PG_SCHEMA, type TransitStoreConfig, type TransitStores } from './topups/open-transit-stores';
export type { TransitLedgerOptions } from './topups/transit-ledger';
export { TOP_UP_STEPS, DEFAULT_TOP_UP_POLICY, type TopUpCardSystem, type TopUpLog, type TopUpPolicy, type TopUpStep } from './topups/topup-service';
export { CHANNEL_LIMITS_FEN } from './topups/topup-input';
export type { TopUpEvent, TopUpRecord, TopUpStatus } from './topups/topup-types';

/** Top-ups and transaction records; null where the subgraph runs without its ledger (their fields then fail). */
export interface TransitLedgerDeps {
  topUps: TopUpDeps | null;
  transactions: TransactionStore | null;
}

export function createTransitSchema(deps: TransitDeps, ledger: TransitLedgerDeps = { topUps: null, transactions: null }): GraphQLSchema {
  const cards = createCardResolvers(deps);
  const citizens = createCitizenResolvers(deps);
  const topUps = createTopUpResolvers(ledger.topUps);
  const transactions = createTransactionResolvers(ledger.transactions);
  const resolvers: SubgraphResolvers<TransitContext> = {
    Query: { ...cards.Query, ...topUps.Query },
    Mutation: topUps.Mutation,
    TransitCard: { ...cards.TransitCard, ...transactions.TransitCard },
    TransitTransaction: transactions.TransitTransaction,
    TopUp: topUps.TopUp,
    Citizen: citizens.Citizen,
    Balances: citizens.Balances,
  };
  return createSubgraphSchema('transit', resolvers);
}

export interface TransitSubgraphOptions {
  client: TransitClient;
  pseudonyms: Pseudonyms;
  host?: string;
  port?: number;
  /** The top-ups' clock (ledger times, the reconciler's window). */
  clock?: () => number;
  log?: ErrorLog;
  /** The card-status feed (MQTT); without it card statuses come from the card system's answers. */
  cardStatusFeed?: CardStatusView;
  /** The gateway↔subgraph key: refuse requests without the gateway's signed context. Absent: open (tests, benches). */
  gatewayTrust?: GatewayTrust;
  /** Top-ups, their reconciler and the transaction webhook; without it those fields fail. */
  ledger?: TransitLedgerOptions;
  /** Remembered card balances, served stale while the card system is unavailable; without it, live only. */
  lastKnown?: LastKnownOptions;
}

export async function startTransitSubgraph(options: TransitSubgraphOptions): Promise<RunningSubgraph> {
  const ledger = options.ledger
    ? startTransitLedger(options.ledger, { clock: options.clock ?? Date.now, cardStatusFeed: options.cardStatusFeed })
    : null;
  const serving = startSubgraphServer<TransitContext>({
    name: 'transit',
    schema: createTransitSchema({ pseudonyms: options.pseudonyms, cardStatusFeed: options.cardStatusFeed, lastKnown: options.lastKnown }, ledger ?? undefined),
    routes: ledger?.routes,
    context: (request) => createTransitContext(options.client, requestCallOptions(request)),
    host: options.host,
    port: options.port,
    log: options.log,
    gatewayTrust: options.gatewayTrust,
  });
  const running = await serving.catch(async (error: unknown) => {
    await ledger?.stop();
    throw error;
  });
  return { ...running, close: async () => { await running.close(); await ledger?.stop(); } };
}
