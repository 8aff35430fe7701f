/** The civil-affairs subgraph: identity, eligibility, civil standing and transit concessions. */
import type { IncomingMessage } from 'node:http';
import type { CivilAffairsClient } from '@huimin/adapters';
import {
  callerOf, mayUnmaskIdentity, requestCallOptions, startSubgraphServer,
  type ErrorLog, type GatewayTrust, type PseudonymVault, type Pseudonyms, type RunningSubgraph,
} from '@huimin/subgraph-kit';
import { CivilReplica } from './civil-replica';
import { createPersonsLoader, type CivilContext } from './context';
import { createCivilAffairsSchema } from './schema';

export { createCivilAffairsSchema } from './schema';
export { CivilReplica } from './civil-replica';
export type { CivilContext, CivilDeps } from './context';
export { maskIdNumber, maskName, maskPhone } from './masking';

export interface CivilAffairsSubgraphOptions {
  client: CivilAffairsClient;
  pseudonyms: Pseudonyms;
  vault: PseudonymVault;
  host?: string;
  port?: number;
  clock?: () => number;
  /** Days of daily exports to replicate at start; 0 (default) answers every lookup live. */
  replicaDays?: number;
  log?: ErrorLog;
  /**
   * Whether a request may see identity unmasked. Default: the verified gateway context says so
   * and the partner holds identity:full (mayUnmaskIdentity); without gatewayTrust, never.
   */
  identityFull?: (request: IncomingMessage) => boolean;
  /** The gateway↔subgraph key: refuse requests without the gateway's signed context. Absent: open (tests, benches). */
  gatewayTrust?: GatewayTrust;
}

export interface RunningCivilAffairsSubgraph extends RunningSubgraph {
  /** Null when replicaDays is 0. */
  replica: CivilReplica | null;
}

export async function startCivilAffairsSubgraph(options: CivilAffairsSubgraphOptions): Promise<RunningCivilAffairsSubgraph> {
  const clock = options.clock ?? Date.now;
  const replicaDays = options.replicaDays ?? 0;
  const identityFull = options.identityFull ?? ((request: IncomingMessage) => mayUnmaskIdentity(callerOf(request)));
  let replica: CivilReplica | null = null;
  if (replicaDays > 0) {
    replica = new CivilReplica(options.client, options.log);
    await replica.warm(replicaDays, clock());
  }
  const schema = createCivilAffairsSchema({ pseudonyms: options.pseudonyms, vault: options.vault, clock });
  const running = await startSubgraphServer<CivilContext>({
    name: 'civil-affairs',
    schema,
    context: (request) => ({ persons: createPersonsLoader(options.client, replica, requestCallOptions(request)), identityFull: identityFull(request) }),
    host: options.host,
    port: options.port,
    log: options.log,
    gatewayTrust: options.gatewayTrust,
  });
  return { ...running, replica };
}
