/**
 * The gateway bench's driver: one upstream, the contenders each in a fresh process, checked to
 * answer the same data, then each query warmed up and timed in interleaved rounds. Prints the
 * table and writes bench/results/gateway-<timestamp>.json.
 *
 *   node bench/dist/gateway/run.js [--duration 5] [--rounds 3] [--warmup 3] [--connections 32]
 *     [--upstream in-process|sandbox] [--only a,b,c,d,e] [--queries Q1,Q2] [--cpu-prof b,c,d,e,upstream]
 *     [--gateway-trust mutual-tls|signed]   how (e)'s subgraphs know the gateway (gateway-trust.ts)
 */
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { benchPartnerSigner } from './access';
import { forkChild } from './children';
import { GATEWAY_TRUST_MODES, prepareGatewayTrust, type GatewayTrustMode, type PreparedGatewayTrust } from './gateway-trust';
import { checkSameData, directContestant, gatewayContestant, startGatewayProcess, type GatewayProcess, type QueryBodies } from './contestants';
import type { UpstreamReady } from './ipc';
import { QUERY_LABELS, QUERY_NAMES, requestBodies, type QueryName } from './queries';
import { formatMachine, formatRatios, formatTable, machineNow, ratiosOf, summarise, writeResults, type ContenderId, type ResultRow } from './report';
import { measureQuery, type Contestant, type RoundSettings } from './rounds';

const BENCH_DIR = join(__dirname, '..', '..');
const CONTENDER_IDS: readonly ContenderId[] = ['a', 'b', 'c', 'd', 'e'];
/** What --cpu-prof can profile: a gateway contender, or the upstream (the four subgraphs). */
type ProfiledId = ContenderId | 'upstream';
const PROFILED_IDS: readonly ProfiledId[] = [...CONTENDER_IDS, 'upstream'];

interface Settings extends RoundSettings {
  upstream: string;
  only: ContenderId[];
  queries: QueryName[];
  cpuProfile: ProfiledId[];
  gatewayTrust: GatewayTrustMode;
}

function flag(argv: readonly string[], name: string): string | undefined {
  const at = argv.indexOf(`--${name}`);
  return at >= 0 ? argv[at + 1] : undefined;
}

function listFlag<T extends string>(argv: readonly string[], name: string, allowed: readonly T[], fallback: readonly T[]): T[] {
  const raw = flag(argv, name);
  if (raw === undefined) return [...fallback];
  const values = raw.split(',').map((value) => value.trim());
  if (!values.every((value): value is T => (allowed as readonly string[]).includes(value))) throw new Error(`--${name} takes ${allowed.join(',')}; got ${raw}`);
  return values;
}

function settingsFrom(argv: readonly string[]): Settings {
  const number = (name: string, fallback: number, max: number): number => {
    const value = Number(flag(argv, name) ?? fallback);
    if (!Number.isInteger(value) || value < 1 || value > max) throw new Error(`--${name} must be an integer from 1 to ${max}`);
    return value;
  };
  return {
    durationS: number('duration', 5, 60),
    rounds: number('rounds', 3, 10),
    warmupS: number('warmup', 3, 30),
    connections: number('connections', 32, 256),
    upstream: flag(argv, 'upstream') ?? 'in-process',
    only: listFlag(argv, 'only', CONTENDER_IDS, CONTENDER_IDS),
    queries: listFlag(argv, 'queries', QUERY_NAMES, QUERY_NAMES),
    cpuProfile: listFlag(argv, 'cpu-prof', PROFILED_IDS, []),
    gatewayTrust: listFlag(argv, 'gateway-trust', GATEWAY_TRUST_MODES, ['mutual-tls'])[0] as GatewayTrustMode,
  };
}

/** Node flags that write a V8 CPU profile to bench/profiles/<name>.cpuprofile when the process exits. */
function cpuProfileArgv(name: string): string[] {
  return ['--cpu-prof', '--cpu-prof-dir', join(BENCH_DIR, 'profiles'), '--cpu-prof-name', `${name}.cpuprofile`];
}

/** Contender (e): the subgraphs that trust only the gateway, and the gateway's side of that trust. */
function accessSetup(upstream: UpstreamReady, trust: PreparedGatewayTrust | null): { supergraphFile: string; env: Record<string, string> } {
  if (!upstream.trustedSupergraphFile || !trust) throw new Error('contender (e) needs the upstream started with a gateway trust');
  return { supergraphFile: upstream.trustedSupergraphFile, env: trust.gatewayEnv };
}

async function main(): Promise<void> {
  const settings = settingsFrom(process.argv.slice(2));
  const log = (line: string): void => console.log(line);
  const machine = machineNow();
  log(
    `gateway bench: ${settings.rounds} rounds × ${settings.durationS} s per contender and query after ${settings.warmupS} s warm-up, ` +
      `${settings.connections} connections, upstream ${settings.upstream}` +
      (settings.only.includes('e') ? `, (e)'s subgraphs trust the gateway by ${settings.gatewayTrust}` : ''),
  );
  // (e) and the subgraphs it calls share a gateway ↔ subgraph trust made for this run.
  const trust = settings.only.includes('e') ? await prepareGatewayTrust(settings.gatewayTrust) : null;
  const upstream = await forkChild<UpstreamReady>('upstream', join(__dirname, 'upstream.js'), 'upstream-ready', {
    args: ['--upstream', settings.upstream],
    // The subgraphs run as deployed: NODE_ENV=production also takes graphql-js's development-only
    // checks out of their execution (about a fifth of their CPU, bench/RESULTS.md).
    env: { NODE_ENV: 'production', ...trust?.upstreamEnv },
    execArgv: settings.cpuProfile.includes('upstream') ? cpuProfileArgv(`upstream-${Date.now()}`) : [],
    readyTimeoutMs: 120_000,
  });
  const gateways: GatewayProcess[] = [];
  const rows: ResultRow[] = [];
  try {
    const { ids } = upstream.ready;
    const bodies: QueryBodies = { Q1: requestBodies('Q1', ids), Q2: requestBodies('Q2', ids) };
    log(`upstream ready: ${ids.length} citizens; Q1 rotates ${bodies.Q1.length} bodies, Q2 ${bodies.Q2.length}`);

    const contestants: Contestant[] = [];
    if (settings.only.includes('a')) contestants.push(await directContestant(upstream.ready, bodies, log));
    for (const id of (['b', 'c', 'd', 'e'] as const).filter((c) => settings.only.includes(c))) {
      const profileDir = settings.cpuProfile.includes(id) ? join(BENCH_DIR, 'profiles') : null;
      const access = id === 'e' ? accessSetup(upstream.ready, trust) : null;
      const child = await startGatewayProcess(id, access?.supergraphFile ?? upstream.ready.supergraphFile, profileDir, access?.env ?? {});
      const gateway: GatewayProcess = { id, child, sign: access ? benchPartnerSigner() : null };
      gateways.push(gateway);
      contestants.push(gatewayContestant(gateway, bodies));
    }
    await checkSameData(gateways, bodies);
    log(`same data: ${gateways.map((g) => g.id).join(', ') || 'no gateways'} agree on the sampled requests`);

    for (const query of settings.queries) {
      log(`${query}: ${QUERY_LABELS[query]}`);
      rows.push(...(await measureQuery(query, contestants, upstream, settings, log)));
    }
  } finally {
    for (const { child } of gateways) await child.stop();
    await upstream.stop();
    trust?.close();
  }

  const finished = { ...machine, loadAverageAfter: loadavg() };
  const ratios = ratiosOf(rows);
  log(`\n${formatMachine(finished)}\n\n${formatTable(rows)}\n\n${formatRatios(ratios)}`);
  const file = writeResults(BENCH_DIR, { machine: finished, settings, rows: rows.map((row) => ({ ...row, summary: summarise(row) })), ratios });
  log(`\nwritten: ${file}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
