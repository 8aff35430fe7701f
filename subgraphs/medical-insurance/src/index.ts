/** The medical-insurance subgraph: insurance records, insurance standing, medical account balance. */
import type { GraphQLSchema } from 'graphql';
import type { MedicalInsuranceClient } from '@huimin/adapters';
import {
  createSubgraphSchema, requestCallOptions, startSubgraphServer,
  type ErrorLog, type LastKnownOptions, type GatewayTrust, type Pseudonyms, type RunningSubgraph, type SubgraphResolvers,
} from '@huimin/subgraph-kit';
import { createBalanceResolvers } from './balance-resolvers';
import { createCitizenResolvers } from './citizen-resolvers';
import { createMedicalContext, type MedicalContext, type MedicalDeps } from './context';

export type { MedicalContext, MedicalDeps } from './context';

export function createMedicalInsuranceSchema(deps: MedicalDeps): GraphQLSchema {
  const resolvers: SubgraphResolvers<MedicalContext> = {
    ...createCitizenResolvers(deps),
    ...createBalanceResolvers(deps),
  };
  return createSubgraphSchema('medical-insurance', resolvers);
}

export interface MedicalInsuranceSubgraphOptions {
  client: MedicalInsuranceClient;
  pseudonyms: Pseudonyms;
  host?: string;
  port?: number;
  /** Unused so far (no date logic here); accepted so all four subgraphs take the same options. */
  clock?: () => number;
  log?: ErrorLog;
  /** The gateway↔subgraph key: refuse requests without the gateway's signed context. Absent: open (tests, benches). */
  gatewayTrust?: GatewayTrust;
  /** Remembered account balances, served stale while the bureau is unavailable; without it, live only. */
  lastKnown?: LastKnownOptions;
}

export async function startMedicalInsuranceSubgraph(options: MedicalInsuranceSubgraphOptions): Promise<RunningSubgraph> {
  return startSubgraphServer<MedicalContext>({
    name: 'medical-insurance',
    schema: createMedicalInsuranceSchema({ pseudonyms: options.pseudonyms, lastKnown: options.lastKnown }),
    context: (request) => createMedicalContext(options.client, requestCallOptions(request)),
    host: options.host,
    port: options.port,
    log: options.log,
    gatewayTrust: options.gatewayTrust,
  });
}
