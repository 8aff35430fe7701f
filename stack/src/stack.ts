/**
 * The whole system on one machine: four sandbox bureaus over their encrypted protocols, the four
 * subgraphs talking to them through the adapters, and the gateway over a supergraph composed
 * with the subgraphs' real addresses. Used by `npm start`, the end-to-end tests and the benches.
 */
import { randomBytes } from 'node:crypto';
import {
  createBureauPolicies,
  createCivilAffairsClient,
  createFinanceClient,
  createMedicalInsuranceClient,
  createTransitClient,
  type BureauCallPolicy,
  type BureauPolicyOptions,
  type BureauSource,
} from '@huimin/adapters';
import { createDevMaterial, serverIdentity, BUREAU_SERVER_NAMES, SUBGRAPH_SERVER_NAMES, type DevMaterial } from '@huimin/certs';
import { DEV_PARTNERS_FILE, buildGatewayFeatures, startGateway, type GatewayConfig, type RunningGateway } from '@huimin/gateway';
import { openAuditReader } from '@huimin/gateway';
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
import { startAuditSubgraph } from '@huimin/subgraph-audit';
import { startFinanceSubgraph } from '@huimin/subgraph-finance';
import { createPseudonyms, MemoryPseudonymVault, openLastKnownStore, type RunningSubgraph } from '@huimin/subgraph-kit';
import { startMedicalInsuranceSubgraph } from '@huimin/subgraph-medical-insurance';
import { startTransitSubgraph, type TopUpLog, type TransitStoreConfig } from '@huimin/subgraph-transit';
import { startCardStatus, type RunningCardStatus } from './card-status';
import { stackSubgraphTrust } from './subgraph-trust';
import { openStackTransitLedger, type StackTransitLedger } from './transit-ledger';

export interface StackOptions {
  population: Population;
  gateway: GatewayConfig;
  pseudonymKeys?: { idKey: Buffer; refKey: Buffer };
  upstreamTimeoutMs?: number;
  /**
   * TLS identities and protocol keys (`loadDevMaterial` from @huimin/certs). Without it, throwaway
   * material is made in memory; the bureaus serve HTTPS either way, and so do the subgraphs unless
   * the gateway config has a subgraph context key (subgraph-trust.ts).
   */
  material?: DevMaterial;
  /** The partner app id the adapters present to the bureaus, when no material is given. */
  appId?: string;
  /** The card-status feed's MQTT broker; without it an embedded aedes broker is started. */
  mqttUrl?: string;
  /** The card-status topics' prefix (default `transit`); tests sharing a broker use their own. */
  mqttTopicPrefix?: string;
  /** How often the card system publishes full snapshots (default 15 minutes). */
  cardSnapshotIntervalMs?: number;
  /** Retries and circuit breakers of the bureau reads; false: deadlines only. Default: on, with their defaults. */
  resilience?: BureauPolicyOptions | false;
  /** The oldest remembered balance served stale while its bureau is unavailable (default 24 h). */
  staleMaxAgeMs?: number;
  /** The transit top-up ledger and transaction records (PostgreSQL or journal); default in memory. */
  transitStore?: TransitStoreConfig;
  /** Top-up events for the operators' log (credited, refund required); default silent. */
  transitLog?: TopUpLog;
}

export interface RunningStack {
  gatewayUrl: string;
  supergraphSdl: string;
  bureaus: Record<'civilAffairs' | 'medicalInsurance' | 'finance' | 'transit', RunningBureau>;
  subgraphs: Record<SubgraphName, RunningSubgraph>;
  gateway: RunningGateway;
  /** The gateway's configuration as started (partners file and its side of the subgraph trust filled in). */
  gatewayConfig: GatewayConfig;
  /** The card-status feed: its broker URL, the sandbox publisher and the transit subgraph's consumer. */
  cardStatus: RunningCardStatus;
  /** Each bureau's retries and circuit breaker, as its client uses them. */
  callPolicies: Record<BureauSource, BureauCallPolicy>;
  /** The transit ledger's stores and the card system's transaction pusher. */
  transitLedger: StackTransitLedger;
  close(): Promise<void>;
}

const HOST = '127.0.0.1';

// Made once per process and app id, and only what the stack uses (a CA, the bureaus' and
// subgraphs' certificates, the gateway's client certificate, the protocol keys): RSA key
// generation and forge signing take about a second, and the material is never written or changed.
const throwaway = new Map<string, Promise<DevMaterial>>();
function throwawayMaterial(appId: string): Promise<DevMaterial> {
  let material = throwaway.get(appId);
  if (material === undefined) {
    material = createDevMaterial({ servers: [...BUREAU_SERVER_NAMES, ...SUBGRAPH_SERVER_NAMES], partners: [], appId });
    throwaway.set(appId, material);
  }
  return material;
}

export async function startStack(options: StackOptions): Promise<RunningStack> {
  const appId = options.appId ?? 'HUIMIN-GATEWAY-DEV-0001';
  const timeoutMs = options.upstreamTimeoutMs ?? 3000;
  const stores = createSandboxStores(options.population);
  const material = options.material ?? (await throwawayMaterial(appId));
  const { keys } = material;
  // The adapters trust the development CA only: a bureau certificate from anywhere else fails.
  const trust = { ca: material.caCertPem };
  const callPolicies = createBureauPolicies(options.resilience === false ? { retry: false, breaker: false } : options.resilience);
  const closers: Array<() => Promise<void>> = [];
  try {
    const transitLedger = await openStackTransitLedger({ store: options.transitStore, keys: keys.server.transit, appId: keys.client.transit.appId });
    closers.push(() => transitLedger.close());
    const bureaus = {
      civilAffairs: await startCivilAffairsBureau({ store: stores.civilAffairs, keys: keys.server.civilAffairs, tls: serverIdentity(material, 'bureau-civil-affairs'), host: HOST }),
      medicalInsurance: await startMedicalInsuranceBureau({ store: stores.medicalInsurance, keys: keys.server.medicalInsurance, tls: serverIdentity(material, 'bureau-medical-insurance'), host: HOST }),
      finance: await startFinanceBureau({ store: stores.finance, keys: keys.server.finance, tls: serverIdentity(material, 'bureau-finance'), host: HOST }),
      transit: await startTransitBureau({ store: stores.transit, keys: keys.server.transit, tls: serverIdentity(material, 'bureau-transit'), host: HOST,
        onTopUpCredited: (state) => transitLedger.onTopUpCredited(state) }),
    };
    for (const bureau of Object.values(bureaus)) closers.push(() => bureau.close());
    const cardStatus = await startCardStatus({
      mqttUrl: options.mqttUrl,
      topicPrefix: options.mqttTopicPrefix,
      snapshotIntervalMs: options.cardSnapshotIntervalMs,
      store: stores.transit,
      keys: { publisher: keys.server.cardStatus, consumer: keys.client.cardStatus },
      host: HOST,
    });
    closers.push(() => cardStatus.close());
    // The transit bureau's fault control can then drop card-status messages.
    bureaus.transit.faults.attachCardStatus(cardStatus.publisher.faults);

    // Subgraphs answer only the gateway (its client certificate, or its signed context when a key
    // is configured); the dev partners unless a file is named.
    const subgraphTrust = stackSubgraphTrust(withAccessDefaults(options.gateway), material);
    const { gatewayConfig, trustFor } = subgraphTrust;
    const pseudonyms = createPseudonyms(options.pseudonymKeys ?? { idKey: randomBytes(32), refKey: randomBytes(16) });
    const vault = new MemoryPseudonymVault();
    const auditTrail = await openAuditReader(gatewayConfig);
    closers.push(() => auditTrail.close());
    // Balances remembered for outages: in Redis when the deployment has one, else in process.
    const staleMaxAgeMs = options.staleMaxAgeMs ?? 24 * 3_600_000;
    const lastKnownStore = await openLastKnownStore({ redisUrl: gatewayConfig.redisUrl, keyPrefix: gatewayConfig.redisKeyPrefix, maxAgeMs: staleMaxAgeMs });
    closers.push(() => lastKnownStore.close());
    const lastKnown = { store: lastKnownStore, maxAgeMs: staleMaxAgeMs };
    const transitClient = createTransitClient({ baseUrl: bureaus.transit.url, keys: keys.client.transit, tls: trust, timeoutMs, callPolicy: callPolicies.TRANSIT });
    const subgraphs: Record<SubgraphName, RunningSubgraph> = {
      'civil-affairs': await startCivilAffairsSubgraph({
        client: createCivilAffairsClient({ baseUrl: bureaus.civilAffairs.url, keys: keys.client.civilAffairs, tls: trust, timeoutMs, callPolicy: callPolicies.CIVIL_AFFAIRS }),
        pseudonyms,
        vault,
        host: HOST,
        gatewayTrust: trustFor('civil-affairs'),
      }),
      'medical-insurance': await startMedicalInsuranceSubgraph({
        client: createMedicalInsuranceClient({ baseUrl: bureaus.medicalInsurance.url, keys: keys.client.medicalInsurance, tls: trust, timeoutMs, callPolicy: callPolicies.MEDICAL_INSURANCE }),
        pseudonyms,
        lastKnown,
        host: HOST,
        gatewayTrust: trustFor('medical-insurance'),
      }),
      finance: await startFinanceSubgraph({
        client: createFinanceClient({ baseUrl: bureaus.finance.url, keys: keys.client.finance, tls: trust, timeoutMs, callPolicy: callPolicies.FINANCE }),
        pseudonyms,
        host: HOST,
        gatewayTrust: trustFor('finance'),
      }),
      transit: await startTransitSubgraph({
        client: transitClient,
        pseudonyms,
        cardStatusFeed: cardStatus.feed,
        lastKnown,
        ledger: { stores: transitLedger.stores, cardSystem: transitClient, webhookKeys: keys.client.transit, log: options.transitLog },
        host: HOST,
        gatewayTrust: trustFor('transit'),
      }),
      // Reads the trail the gateway's audit feature writes (same DATABASE_URL or audit file).
      audit: await startAuditSubgraph({ reader: auditTrail, host: HOST, gatewayTrust: trustFor('audit') }),
    };
    for (const subgraph of Object.values(subgraphs)) closers.push(() => subgraph.close());
    transitLedger.startPushing(subgraphs.transit.url, subgraphTrust.subgraphCaPem);

    const supergraphSdl = composeSupergraph((name) => subgraphs[name].url);
    const gateway = await startGateway(gatewayConfig, supergraphSdl, await buildGatewayFeatures(gatewayConfig));
    closers.push(() => gateway.close());
    return {
      gatewayUrl: gateway.url,
      supergraphSdl,
      bureaus,
      subgraphs,
      gateway,
      gatewayConfig,
      cardStatus,
      callPolicies,
      transitLedger,
      close: () => closeAll(closers),
    };
  } catch (error) {
    await closeAll(closers);
    throw error;
  }
}

/** Access on by default: the development partners (outside production). */
function withAccessDefaults(config: GatewayConfig): GatewayConfig {
  return { ...config, partnersFile: config.partnersFile ?? (config.production ? null : DEV_PARTNERS_FILE) };
}

/** Closes in reverse order of start: the gateway first, the bureaus last. */
async function closeAll(closers: Array<() => Promise<void>>): Promise<void> {
  for (const close of closers.reverse()) await close().catch(() => undefined);
}
