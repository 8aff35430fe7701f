/**
 * The whole system on one machine: four sandbox bureaus over their encrypted protocols, the four
 * subgraphs talking to them through the adapters, and the gateway over a supergraph composed
 * with the subgraphs' real addresses. Used by `npm start`, the end-to-end tests and the benches.
 */
import { randomBytes } from 'node:crypto';
import {
  createCivilAffairsClient,
  createFinanceClient,
  createMedicalInsuranceClient,
  createTransitClient,
  generateCivilKeyMaterial,
  generateFinanceKeyMaterial,
  generateMedicalKeyMaterial,
  generateTransitKeyMaterial,
} from '@huimin/adapters';
import { startGateway, type GatewayConfig, type RunningGateway } from '@huimin/gateway';
import {
  createSandboxStores,
  startCivilAffairsBureau,
  startFinanceBureau,
  startMedicalInsuranceBureau,
  startTransitBureau,
  type RunningBureau,
} from '@huimin/sandbox';
import { composeSupergraph, type Population, type SubgraphName } from '@huimin/schema';
import { startCivilAffairsSubgraph } from '@huimin/subgraph-civil-affairs';
import { startFinanceSubgraph } from '@huimin/subgraph-finance';
import { createPseudonyms, MemoryPseudonymVault, type RunningSubgraph } from '@huimin/subgraph-kit';
import { startMedicalInsuranceSubgraph } from '@huimin/subgraph-medical-insurance';
import { startTransitSubgraph } from '@huimin/subgraph-transit';

export interface StackOptions {
  population: Population;
  gateway: GatewayConfig;
  pseudonymKeys?: { idKey: Buffer; refKey: Buffer };
  upstreamTimeoutMs?: number;
  /** The partner app id the adapters present to the bureaus. */
  appId?: string;
}

export interface RunningStack {
  gatewayUrl: string;
  supergraphSdl: string;
  bureaus: Record<'civilAffairs' | 'medicalInsurance' | 'finance' | 'transit', RunningBureau>;
  subgraphs: Record<SubgraphName, RunningSubgraph>;
  gateway: RunningGateway;
  close(): Promise<void>;
}

const HOST = '127.0.0.1';

export async function startStack(options: StackOptions): Promise<RunningStack> {
  const appId = options.appId ?? 'HUIMIN-GATEWAY-DEV-0001';
  const timeoutMs = options.upstreamTimeoutMs ?? 3000;
  const stores = createSandboxStores(options.population);
  const keys = {
    civil: generateCivilKeyMaterial(appId),
    medical: generateMedicalKeyMaterial(appId),
    finance: generateFinanceKeyMaterial(appId),
    transit: generateTransitKeyMaterial(appId),
  };
  const closers: Array<() => Promise<void>> = [];
  try {
    const bureaus = {
      civilAffairs: await startCivilAffairsBureau({ store: stores.civilAffairs, keys: keys.civil.server, host: HOST }),
      medicalInsurance: await startMedicalInsuranceBureau({ store: stores.medicalInsurance, keys: keys.medical.server, host: HOST }),
      finance: await startFinanceBureau({ store: stores.finance, keys: keys.finance.server, host: HOST }),
      transit: await startTransitBureau({ store: stores.transit, keys: keys.transit.server, host: HOST }),
    };
    for (const bureau of Object.values(bureaus)) closers.push(() => bureau.close());

    const pseudonyms = createPseudonyms(options.pseudonymKeys ?? { idKey: randomBytes(32), refKey: randomBytes(16) });
    const vault = new MemoryPseudonymVault();
    const subgraphs: Record<SubgraphName, RunningSubgraph> = {
      'civil-affairs': await startCivilAffairsSubgraph({
        client: createCivilAffairsClient({ baseUrl: bureaus.civilAffairs.url, keys: keys.civil.client, timeoutMs }),
        pseudonyms,
        vault,
        host: HOST,
      }),
      'medical-insurance': await startMedicalInsuranceSubgraph({
        client: createMedicalInsuranceClient({ baseUrl: bureaus.medicalInsurance.url, keys: keys.medical.client, timeoutMs }),
        pseudonyms,
        host: HOST,
      }),
      finance: await startFinanceSubgraph({
        client: createFinanceClient({ baseUrl: bureaus.finance.url, keys: keys.finance.client, timeoutMs }),
        pseudonyms,
        host: HOST,
      }),
      transit: await startTransitSubgraph({
        client: createTransitClient({ baseUrl: bureaus.transit.url, keys: keys.transit.client, timeoutMs }),
        pseudonyms,
        host: HOST,
      }),
    };
    for (const subgraph of Object.values(subgraphs)) closers.push(() => subgraph.close());

    const supergraphSdl = composeSupergraph((name) => subgraphs[name].url);
    const gateway = await startGateway(options.gateway, supergraphSdl);
    closers.push(() => gateway.close());
    return {
      gatewayUrl: gateway.url,
      supergraphSdl,
      bureaus,
      subgraphs,
      gateway,
      close: () => closeAll(closers),
    };
  } catch (error) {
    await closeAll(closers);
    throw error;
  }
}

/** Closes in reverse order of start: the gateway first, the bureaus last. */
async function closeAll(closers: Array<() => Promise<void>>): Promise<void> {
  for (const close of closers.reverse()) await close().catch(() => undefined);
}
