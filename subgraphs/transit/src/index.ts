/** The transit subgraph: cards, their owners, and transit balances. */
import type { GraphQLSchema } from 'graphql';
import type { TransitClient } from '@huimin/adapters';
import {
  createSubgraphSchema, startSubgraphServer,
  type ErrorLog, type GatewayTrust, type Pseudonyms, type RunningSubgraph, type SubgraphResolvers,
} from '@huimin/subgraph-kit';
import { createCardResolvers } from './card-resolvers';
import { createCitizenResolvers } from './citizen-resolvers';
import type { CardStatusView } from './card-status-feed';
import { createTransitContext, type TransitContext, type TransitDeps } from './context';

export type { CardView, TransitContext, TransitDeps } from './context';
export * from './card-status-feed';

export function createTransitSchema(deps: TransitDeps): GraphQLSchema {
  const cards = createCardResolvers(deps);
  const citizens = createCitizenResolvers(deps);
  const resolvers: SubgraphResolvers<TransitContext> = {
    Query: cards.Query,
    TransitCard: cards.TransitCard,
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
  /** Unused so far; accepted for uniform options. */
  clock?: () => number;
  log?: ErrorLog;
  /** The card-status feed (MQTT); without it card statuses come from the card system's answers. */
  cardStatusFeed?: CardStatusView;
  /** The gateway↔subgraph key: refuse requests without the gateway's signed context. Absent: open (tests, benches). */
  gatewayTrust?: GatewayTrust;
}

export async function startTransitSubgraph(options: TransitSubgraphOptions): Promise<RunningSubgraph> {
  return startSubgraphServer<TransitContext>({
    name: 'transit',
    schema: createTransitSchema({ pseudonyms: options.pseudonyms, cardStatusFeed: options.cardStatusFeed }),
    context: () => createTransitContext(options.client),
    host: options.host,
    port: options.port,
    log: options.log,
    gatewayTrust: options.gatewayTrust,
  });
}
