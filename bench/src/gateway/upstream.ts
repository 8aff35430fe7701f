/**
 * The bench's upstream (a child process): a generated population, the four subgraphs on
 * ephemeral ports answering from in-process bureau clients (or, with `--upstream sandbox`, the
 * sandbox bureaus over their protocols), the supergraph composed with their real URLs, and a
 * list of pseudonymous citizen ids minted through civil affairs.
 *
 * The clock is frozen at start so every `asOf` is the same for every contender: the driver
 * compares their answers byte for byte.
 *
 * With `--gateway-trust`, a second set of the four subgraphs starts beside the first, verifying
 * the gateway-signed context under HUIMIN_SUBGRAPH_CONTEXT_KEY (contender (e)), with its own
 * supergraph. Both sets share the clients, clock, pseudonym keys and vault, so they give the same
 * answers for the same ids; the open set keeps serving the contenders without a signed context.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BureauClients } from '@huimin/adapters';
import { createInProcessClients, createSandboxStores, generatePopulation } from '@huimin/sandbox';
import { composeSupergraph, type SubgraphName } from '@huimin/schema';
import { startCivilAffairsSubgraph } from '@huimin/subgraph-civil-affairs';
import { startFinanceSubgraph } from '@huimin/subgraph-finance';
import { createPseudonyms, MemoryPseudonymVault, type GatewayTrust, type PseudonymVault, type Pseudonyms, type RunningSubgraph } from '@huimin/subgraph-kit';
import { startMedicalInsuranceSubgraph } from '@huimin/subgraph-medical-insurance';
import { startTransitSubgraph } from '@huimin/subgraph-transit';
import { answerDriver, runChild, send, type UpstreamKind } from './ipc';
import { startSandboxBureauClients } from './sandbox-bureaus';

const HOST = '127.0.0.1';
/** The subgraphs the query mix needs; any other subgraph in the schema is not started. */
type BenchSubgraph = 'civil-affairs' | 'medical-insurance' | 'finance' | 'transit';
/** Where a subgraph that is not started is routed: the discard port, so a call to it fails loudly. */
const NOT_STARTED_URL = 'http://127.0.0.1:9/graphql';
const POPULATION = { size: 2000, seed: 1 };
/** Citizens minted per civil-affairs request (aliases in one operation). */
const MINT_BATCH = 100;

interface SubgraphDeps {
  clients: BureauClients;
  clock: () => number;
  pseudonyms: Pseudonyms;
  vault: PseudonymVault;
}

/** `gatewayTrust` undefined: open subgraphs, as contenders (a)–(d) need them. */
async function startSubgraphs(deps: SubgraphDeps, gatewayTrust: GatewayTrust | undefined): Promise<Record<BenchSubgraph, RunningSubgraph>> {
  const { clients, clock, pseudonyms, vault } = deps;
  const common = { pseudonyms, clock, host: HOST, port: 0, gatewayTrust };
  return {
    'civil-affairs': await startCivilAffairsSubgraph({ client: clients.civilAffairs, vault, ...common }),
    'medical-insurance': await startMedicalInsuranceSubgraph({ client: clients.medicalInsurance, ...common }),
    finance: await startFinanceSubgraph({ client: clients.finance, ...common }),
    transit: await startTransitSubgraph({ client: clients.transit, ...common }),
  };
}

/** The supergraph composed with these subgraphs' addresses, in a new temporary file. */
function writeSupergraph(subgraphs: Partial<Record<SubgraphName, RunningSubgraph>>): string {
  const file = join(mkdtempSync(join(tmpdir(), 'huimin-bench-')), 'supergraph.graphql');
  writeFileSync(file, composeSupergraph((name) => subgraphs[name]?.url ?? NOT_STARTED_URL));
  return file;
}

/** `--gateway-trust`: the key from HUIMIN_SUBGRAPH_CONTEXT_KEY (hex), as the gateway reads it. */
function gatewayTrustKey(argv: readonly string[]): Buffer | null {
  if (!argv.includes('--gateway-trust')) return null;
  const hex = process.env.HUIMIN_SUBGRAPH_CONTEXT_KEY ?? '';
  if (!/^(?:[0-9a-fA-F]{2}){16,64}$/.test(hex)) throw new Error('--gateway-trust needs HUIMIN_SUBGRAPH_CONTEXT_KEY: 32–128 hex characters');
  return Buffer.from(hex, 'hex');
}

/** Asks civil affairs for each person's pseudonymous id, which also makes it remember them. */
async function mintIds(civilAffairsUrl: string, idNumbers: readonly string[]): Promise<string[]> {
  const ids: string[] = [];
  for (let start = 0; start < idNumbers.length; start += MINT_BATCH) {
    const batch = idNumbers.slice(start, start + MINT_BATCH);
    const fields = batch.map((idNumber, i) => `c${i}: citizen(idNumber: ${JSON.stringify(idNumber)}) { id }`);
    const response = await fetch(civilAffairsUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: `{ ${fields.join(' ')} }` }),
    });
    const body = (await response.json()) as { data?: Record<string, { id: string } | null>; errors?: unknown[] };
    if (!response.ok || body.errors || !body.data) throw new Error(`minting ids failed: ${response.status} ${JSON.stringify(body).slice(0, 500)}`);
    batch.forEach((idNumber, i) => {
      const citizen = body.data?.[`c${i}`];
      if (!citizen) throw new Error(`civil affairs minted no id for ${idNumber}`);
      ids.push(citizen.id);
    });
  }
  return ids;
}

function upstreamKind(argv: readonly string[]): UpstreamKind {
  const at = argv.indexOf('--upstream');
  const value = at >= 0 ? argv[at + 1] : 'in-process';
  if (value !== 'in-process' && value !== 'sandbox') throw new Error(`--upstream must be in-process or sandbox, got ${value}`);
  return value;
}

async function main(): Promise<void> {
  const kind = upstreamKind(process.argv.slice(2));
  const trustKey = gatewayTrustKey(process.argv.slice(2));
  const frozenNow = Date.now();
  const clock = (): number => frozenNow;
  const population = generatePopulation(POPULATION);
  const stores = createSandboxStores(population);
  const bureaus = kind === 'sandbox' ? await startSandboxBureauClients(stores, clock) : null;
  const clients = bureaus?.clients ?? createInProcessClients(stores, clock);
  const deps: SubgraphDeps = { clients, clock, pseudonyms: createPseudonyms({ idKey: randomBytes(32), refKey: randomBytes(16) }), vault: new MemoryPseudonymVault() };
  const subgraphs = await startSubgraphs(deps, undefined);
  const trusted = trustKey ? await startSubgraphs(deps, { key: trustKey }) : null;

  const subgraphUrls = Object.fromEntries(Object.values(subgraphs).map((subgraph) => [subgraph.name, subgraph.url]));
  const supergraphFile = writeSupergraph(subgraphs);
  const trustedSupergraphFile = trusted ? writeSupergraph(trusted) : null;
  // Minted through the open set; the trusted set finds them in the shared vault.
  const ids = await mintIds(subgraphs['civil-affairs'].url, population.civilAffairs.map((person) => person.idNumber));

  answerDriver(async () => {
    for (const subgraph of [...Object.values(subgraphs), ...(trusted ? Object.values(trusted) : [])]) await subgraph.close().catch(() => undefined);
    await bureaus?.close();
  });
  send({ type: 'upstream-ready', supergraphFile, trustedSupergraphFile, subgraphUrls, ids, upstream: kind });
}

runChild(main);
