/**
 * The bench's upstream (a child process): a generated population, the four subgraphs on
 * ephemeral ports answering from in-process bureau clients (or, with `--upstream sandbox`, the
 * sandbox bureaus over their protocols), the supergraph composed with their real URLs, and a
 * list of pseudonymous citizen ids minted through civil affairs.
 *
 * The clock is frozen at start so every `asOf` is the same for every contender: the driver
 * compares their answers byte for byte.
 *
 * With the in-process bureaus, each subgraph runs in its own process (subgraph-host.ts), as
 * separate deployments would; this process then only mints the ids and sums the hosts' CPU. With
 * `--upstream sandbox` the four subgraphs and the bureaus share this process.
 *
 * With BENCH_GATEWAY_TRUST set (gateway-trust.ts), a second set of the four subgraphs starts
 * beside the first, trusting only the gateway — by its client certificate or its signed context —
 * for contender (e), with its own supergraph. Both sets share the clients, clock, pseudonym keys
 * and vault, so they give the same answers for the same ids; the open set keeps serving the
 * contenders that do not prove they are the gateway.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSandboxStores, generatePopulation } from '@huimin/sandbox';
import { composeSupergraph, type SubgraphName } from '@huimin/schema';
import { createPseudonyms, MemoryPseudonymVault, type RunningSubgraph } from '@huimin/subgraph-kit';
import { BENCH_SUBGRAPHS, POPULATION, startBenchSubgraph, type BenchSubgraph, type SubgraphDeps } from './bench-subgraphs';
import { forkChild, type BenchChild } from './children';
import { subgraphTrustFromEnv } from './gateway-trust';
import { answerDriver, runChild, send, type SubgraphHostReady, type UpstreamKind } from './ipc';
import { startSandboxBureauClients } from './sandbox-bureaus';

/** Where a subgraph that is not started is routed: the discard port, so a call to it fails loudly. */
const NOT_STARTED_URL = 'http://127.0.0.1:9/graphql';
/** Citizens minted per civil-affairs request (aliases in one operation). */
const MINT_BATCH = 100;

type SubgraphUrls = Record<BenchSubgraph, string>;

interface StartedSubgraphs {
  open: SubgraphUrls;
  trusted: SubgraphUrls | null;
  /** CPU of the processes the subgraphs run in, beyond this one. */
  hostsCpuMs?: () => Promise<number>;
  close(): Promise<void>;
}

/** The supergraph composed with these subgraphs' addresses, in a new temporary file. */
function writeSupergraph(urls: Partial<Record<SubgraphName, string>>): string {
  const file = join(mkdtempSync(join(tmpdir(), 'huimin-bench-')), 'supergraph.graphql');
  writeFileSync(file, composeSupergraph((name) => urls[name] ?? NOT_STARTED_URL));
  return file;
}

/** One process per subgraph, over the in-process bureau clients. */
async function startSubgraphHosts(frozenNow: number, keys: { idKey: Buffer; refKey: Buffer }, withTrusted: boolean): Promise<StartedSubgraphs> {
  // The hosts inherit this process's environment, the gateway trust (BENCH_GATEWAY_TRUST…) included.
  const env: Record<string, string> = { BENCH_PSEUDONYM_ID_KEY: keys.idKey.toString('hex'), BENCH_PSEUDONYM_REF_KEY: keys.refKey.toString('hex') };
  const hosts: Array<BenchChild<SubgraphHostReady>> = [];
  // --cpu-prof upstream: every host writes its own profile beside this process's.
  const profileDirAt = process.execArgv.indexOf('--cpu-prof-dir');
  const profileDir = profileDirAt >= 0 ? process.execArgv[profileDirAt + 1] : undefined;
  try {
    for (const name of BENCH_SUBGRAPHS) {
      const execArgv = profileDir ? ['--cpu-prof', '--cpu-prof-dir', profileDir, '--cpu-prof-name', `upstream-${name}-${Date.now()}.cpuprofile`] : [];
      hosts.push(await forkChild<SubgraphHostReady>(name, join(__dirname, 'subgraph-host.js'), 'subgraph-ready', { args: [name, String(frozenNow)], env, execArgv, readyTimeoutMs: 120_000 }));
    }
  } catch (error) {
    await Promise.all(hosts.map((host) => host.stop()));
    throw error;
  }
  const urls = (pick: (ready: SubgraphHostReady) => string | null): SubgraphUrls =>
    Object.fromEntries(BENCH_SUBGRAPHS.map((name, index) => [name, pick((hosts[index] as BenchChild<SubgraphHostReady>).ready) ?? NOT_STARTED_URL])) as SubgraphUrls;
  return {
    open: urls((ready) => ready.open),
    trusted: withTrusted ? urls((ready) => ready.trusted) : null,
    hostsCpuMs: async () => (await Promise.all(hosts.map((host) => host.cpuMs()))).reduce((sum, ms) => sum + ms, 0),
    close: async () => {
      await Promise.all(hosts.map((host) => host.stop()));
    },
  };
}

/** The four subgraphs in this process, over the sandbox bureaus and their protocols. */
async function startSubgraphsHere(frozenNow: number, keys: { idKey: Buffer; refKey: Buffer }, withTrusted: boolean): Promise<StartedSubgraphs> {
  const clock = (): number => frozenNow;
  const bureaus = await startSandboxBureauClients(createSandboxStores(generatePopulation(POPULATION)), clock);
  const deps: SubgraphDeps = { clients: bureaus.clients, clock, pseudonyms: createPseudonyms(keys), vault: new MemoryPseudonymVault() };
  const running: RunningSubgraph[] = [];
  const start = async (trusted: boolean): Promise<SubgraphUrls> => {
    const urls: Partial<SubgraphUrls> = {};
    for (const name of BENCH_SUBGRAPHS) {
      const subgraph = await startBenchSubgraph(name, deps, trusted ? (subgraphTrustFromEnv(name) ?? undefined) : undefined);
      running.push(subgraph);
      urls[name] = subgraph.url;
    }
    return urls as SubgraphUrls;
  };
  const open = await start(false);
  const trusted = withTrusted ? await start(true) : null;
  return {
    open,
    trusted,
    close: async () => {
      for (const subgraph of running) await subgraph.close().catch(() => undefined);
      await bureaus.close();
    },
  };
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
  // Checked here, before any host starts: a bad trust setting fails once, not in four children.
  const withTrusted = subgraphTrustFromEnv('civil-affairs') !== null;
  const frozenNow = Date.now();
  const population = generatePopulation(POPULATION);
  const keys = { idKey: randomBytes(32), refKey: randomBytes(16) };
  const subgraphs = kind === 'sandbox' ? await startSubgraphsHere(frozenNow, keys, withTrusted) : await startSubgraphHosts(frozenNow, keys, withTrusted);

  const supergraphFile = writeSupergraph(subgraphs.open);
  const trustedSupergraphFile = subgraphs.trusted ? writeSupergraph(subgraphs.trusted) : null;
  // Minted through the open set; the trusted set finds them in the shared vault.
  const ids = await mintIds(subgraphs.open['civil-affairs'], population.civilAffairs.map((person) => person.idNumber));

  answerDriver(() => subgraphs.close(), subgraphs.hostsCpuMs);
  send({ type: 'upstream-ready', supergraphFile, trustedSupergraphFile, subgraphUrls: subgraphs.open, ids, upstream: kind });
}

runChild(main);
