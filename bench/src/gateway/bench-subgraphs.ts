/**
 * The bench's subgraphs and the population they answer for, shared by the upstream process and
 * the per-subgraph host processes it forks.
 */
import type { BureauClients } from '@huimin/adapters';
import { startCivilAffairsSubgraph } from '@huimin/subgraph-civil-affairs';
import { startFinanceSubgraph } from '@huimin/subgraph-finance';
import type { GatewayTrust, PseudonymVault, Pseudonyms, RunningSubgraph } from '@huimin/subgraph-kit';
import { startMedicalInsuranceSubgraph } from '@huimin/subgraph-medical-insurance';
import { startTransitSubgraph } from '@huimin/subgraph-transit';

export const HOST = '127.0.0.1';
/** Every process generates the same population from this seed. */
export const POPULATION = { size: 2000, seed: 1 };

/** The subgraphs the query mix needs; any other subgraph in the schema is not started. */
export type BenchSubgraph = 'civil-affairs' | 'medical-insurance' | 'finance' | 'transit';
export const BENCH_SUBGRAPHS: readonly BenchSubgraph[] = ['civil-affairs', 'medical-insurance', 'finance', 'transit'];

export interface SubgraphDeps {
  clients: BureauClients;
  clock: () => number;
  pseudonyms: Pseudonyms;
  vault: PseudonymVault;
}

/** `gatewayTrust` undefined: an open subgraph, as contenders (a)–(d) need them. */
export async function startBenchSubgraph(name: BenchSubgraph, deps: SubgraphDeps, gatewayTrust: GatewayTrust | undefined): Promise<RunningSubgraph> {
  const { clients, clock, pseudonyms, vault } = deps;
  const common = { pseudonyms, clock, host: HOST, port: 0, gatewayTrust };
  switch (name) {
    case 'civil-affairs':
      return startCivilAffairsSubgraph({ client: clients.civilAffairs, vault, ...common });
    case 'medical-insurance':
      return startMedicalInsuranceSubgraph({ client: clients.medicalInsurance, ...common });
    case 'finance':
      return startFinanceSubgraph({ client: clients.finance, ...common });
    case 'transit':
      return startTransitSubgraph({ client: clients.transit, ...common });
  }
}
