/** The finance subgraph: disbursements with anomalies, pending subsidies, the programme list. */
import type { GraphQLSchema } from 'graphql';
import type { FinanceClient } from '@huimin/adapters';
import {
  createSubgraphSchema, requestCallOptions, startSubgraphServer,
  type ErrorLog, type GatewayTrust, type Pseudonyms, type RunningSubgraph, type SubgraphResolvers,
} from '@huimin/subgraph-kit';
import { createBalanceResolvers } from './balance-resolvers';
import { createFinanceContext, type FinanceContext, type FinanceDeps } from './context';
import { createSubsidyResolvers } from './subsidy-resolvers';

export type { FinanceContext, FinanceDeps } from './context';
export { decodeCursor, encodeCursor, MAX_PAGE_SIZE } from './paging';

export function createFinanceSchema(deps: FinanceDeps): GraphQLSchema {
  const resolvers: SubgraphResolvers<FinanceContext> = {
    ...createSubsidyResolvers(deps),
    ...createBalanceResolvers(deps),
  };
  return createSubgraphSchema('finance', resolvers);
}

export interface FinanceSubgraphOptions {
  client: FinanceClient;
  pseudonyms: Pseudonyms;
  host?: string;
  port?: number;
  /** Unused so far (anomaly dates come from the periods); accepted for uniform options. */
  clock?: () => number;
  log?: ErrorLog;
  /** The gateway↔subgraph key: refuse requests without the gateway's signed context. Absent: open (tests, benches). */
  gatewayTrust?: GatewayTrust;
}

export async function startFinanceSubgraph(options: FinanceSubgraphOptions): Promise<RunningSubgraph> {
  return startSubgraphServer<FinanceContext>({
    name: 'finance',
    schema: createFinanceSchema({ pseudonyms: options.pseudonyms, client: options.client }),
    context: (request) => createFinanceContext(options.client, requestCallOptions(request)),
    host: options.host,
    port: options.port,
    log: options.log,
    gatewayTrust: options.gatewayTrust,
  });
}
