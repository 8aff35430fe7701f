/**
 * One bench subgraph in its own process, as it would be deployed (the upstream forks one per
 * subgraph, so the four share the cores the way separate deployments would, instead of queueing
 * on one event loop). It builds the same population and in-process bureau clients as every
 * other host, from the same seed, frozen clock and pseudonym keys, so the answers do not depend
 * on which process gives them.
 *
 * Arguments: <subgraph> <frozen epoch ms>. Environment: BENCH_PSEUDONYM_ID_KEY and
 * BENCH_PSEUDONYM_REF_KEY (hex); BENCH_GATEWAY_TRUST (gateway-trust.ts) also starts the
 * gateway-trusting twin.
 */
import { createInProcessClients, createSandboxStores, generatePopulation } from '@huimin/sandbox';
import { createPseudonyms, MemoryPseudonymVault } from '@huimin/subgraph-kit';
import { BENCH_SUBGRAPHS, POPULATION, startBenchSubgraph, type BenchSubgraph } from './bench-subgraphs';
import { subgraphTrustFromEnv } from './gateway-trust';
import { answerDriver, runChild, send } from './ipc';

function hexFromEnv(name: string): Buffer {
  const hex = process.env[name] ?? '';
  if (!/^(?:[0-9a-fA-F]{2})+$/.test(hex)) throw new Error(`${name} must be hex`);
  return Buffer.from(hex, 'hex');
}

async function main(): Promise<void> {
  const [name, now] = process.argv.slice(2);
  if (!BENCH_SUBGRAPHS.includes(name as BenchSubgraph)) throw new Error(`unknown subgraph ${name}`);
  const frozenNow = Number(now);
  if (!Number.isSafeInteger(frozenNow)) throw new Error(`frozen time must be epoch ms, got ${now}`);
  const clock = (): number => frozenNow;
  const stores = createSandboxStores(generatePopulation(POPULATION));
  const deps = {
    clients: createInProcessClients(stores, clock),
    clock,
    pseudonyms: createPseudonyms({ idKey: hexFromEnv('BENCH_PSEUDONYM_ID_KEY'), refKey: hexFromEnv('BENCH_PSEUDONYM_REF_KEY') }),
    vault: new MemoryPseudonymVault(),
  };
  const subgraph = name as BenchSubgraph;
  const open = await startBenchSubgraph(subgraph, deps, undefined);
  const trust = subgraphTrustFromEnv(subgraph);
  const trusted = trust ? await startBenchSubgraph(subgraph, deps, trust) : null;
  answerDriver(async () => {
    await open.close();
    await trusted?.close();
  });
  send({ type: 'subgraph-ready', open: open.url, trusted: trusted?.url ?? null });
}

runChild(main);
