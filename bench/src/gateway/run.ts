/**
 * The gateway bench's driver: one upstream, the contenders each in a fresh process, checked to
 * answer the same data, then each query warmed up and timed in interleaved rounds. Prints the
 * table and writes bench/results/gateway-<timestamp>.json.
 *
 *   node bench/dist/gateway/run.js [--duration 5] [--rounds 3] [--warmup 3] [--connections 32]
 *     [--upstream in-process|sandbox] [--only a,b,c,d] [--queries Q1,Q2] [--cpu-prof b,c,d,upstream]
 */
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { forkChild, type BenchChild } from './children';
import { checkSameData, directContestant, gatewayContestant, startGatewayProcess, type GatewayId, type QueryBodies } from './contestants';
import type { ServerReady, UpstreamReady } from './ipc';
import { QUERY_LABELS, QUERY_NAMES, requestBodies, type QueryName } from './queries';
import { formatMachine, formatRatios, formatTable, machineNow, ratiosOf, summarise, writeResults, type ContenderId, type ResultRow } from './report';
import { measureQuery, type Contestant, type RoundSettings } from './rounds';

const BENCH_DIR = join(__dirname, '..', '..');
const CONTENDER_IDS: readonly ContenderId[] = ['a', 'b', 'c', 'd'];
/** What --cpu-prof can profile: a gateway contender, or the upstream (the four subgraphs). */
type ProfiledId = ContenderId | 'upstream';
const PROFILED_IDS: readonly ProfiledId[] = [...CONTENDER_IDS, 'upstream'];

interface Settings extends RoundSettings {
  upstream: string;
  only: ContenderId[];
  queries: QueryName[];
  cpuProfile: ProfiledId[];
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
  };
}

/** Node flags that write a V8 CPU profile to bench/profiles/<name>.cpuprofile when the process exits. */
function cpuProfileArgv(name: string): string[] {
  return ['--cpu-prof', '--cpu-prof-dir', join(BENCH_DIR, 'profiles'), '--cpu-prof-name', `${name}.cpuprofile`];
}

async function main(): Promise<void> {
  const settings = settingsFrom(process.argv.slice(2));
  const log = (line: string): void => console.log(line);
  const machine = machineNow();
  log(
    `gateway bench: ${settings.rounds} rounds × ${settings.durationS} s per contender and query after ${settings.warmupS} s warm-up, ` +
      `${settings.connections} connections, upstream ${settings.upstream}`,
  );
  const upstream = await forkChild<UpstreamReady>('upstream', join(__dirname, 'upstream.js'), 'upstream-ready', {
    args: ['--upstream', settings.upstream],
    execArgv: settings.cpuProfile.includes('upstream') ? cpuProfileArgv(`upstream-${Date.now()}`) : [],
    readyTimeoutMs: 120_000,
  });
  const gateways: Array<{ id: GatewayId; child: BenchChild<ServerReady> }> = [];
  const rows: ResultRow[] = [];
  try {
    const { ids } = upstream.ready;
    const bodies: QueryBodies = { Q1: requestBodies('Q1', ids), Q2: requestBodies('Q2', ids) };
    log(`upstream ready: ${ids.length} citizens; Q1 rotates ${bodies.Q1.length} bodies, Q2 ${bodies.Q2.length}`);

    const contestants: Contestant[] = [];
    if (settings.only.includes('a')) contestants.push(await directContestant(upstream.ready, bodies, log));
    for (const id of (['b', 'c', 'd'] as const).filter((c) => settings.only.includes(c))) {
      const profileDir = settings.cpuProfile.includes(id) ? join(BENCH_DIR, 'profiles') : null;
      const child = await startGatewayProcess(id, upstream.ready.supergraphFile, profileDir);
      gateways.push({ id, child });
      contestants.push(gatewayContestant(id, child, bodies));
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
