/**
 * The gateway bench's driver: one upstream, then each contender in a fresh process, checked to
 * answer the same data, warmed up and timed on the same query mix. Prints the table and writes
 * bench/results/gateway-<timestamp>.json.
 *
 *   node bench/dist/gateway/run.js [--duration 10] [--warmup 3] [--connections 32]
 *     [--upstream in-process|sandbox] [--only a,b,c,d] [--cpu-prof b,c,d]
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { forkChild, type BenchChild } from './children';
import { checkReplay, runReplay } from './direct-replay';
import type { ServerReady, UpstreamReady } from './ipc';
import { runAutocannon, type LoadOptions, type LoadResult } from './load';
import { QUERY_LABELS, QUERY_NAMES, requestBodies, type QueryName } from './queries';
import { CONTENDER_LABELS, formatMachine, formatRatios, formatTable, machineNow, ratiosOf, writeResults, type ContenderId, type ResultRow } from './report';
import { assertSameData, postGraphQL, sampleAnswers, sampleOf, type SampledAnswers } from './same-data';
import { startSubgraphRecorder, type RecordedQuery } from './subgraph-recorder';

const BENCH_DIR = join(__dirname, '..', '..');
const GATEWAY_SCRIPTS: Record<Exclude<ContenderId, 'a'>, string> = {
  b: join(__dirname, 'contenders', 'apollo-gateway.js'),
  c: join(__dirname, 'contenders', 'hive-gateway.js'),
  d: join(__dirname, 'contenders', 'huimin-gateway.js'),
};
/** Requests compared between contenders per query before timing. */
const SAME_DATA_SAMPLE: Record<QueryName, number> = { Q1: 20, Q2: 4 };
const SETTLE_POLL_MS = 200;
/** Q1 queries recorded for the direct replay (Q2 records every batch). */
const RECORDED_Q1 = 200;

interface Settings extends LoadOptions {
  warmupS: number;
  upstream: string;
  only: ContenderId[];
  cpuProfile: ContenderId[];
}

function flag(argv: readonly string[], name: string): string | undefined {
  const at = argv.indexOf(`--${name}`);
  return at >= 0 ? argv[at + 1] : undefined;
}

function contenderList(raw: string | undefined, fallback: ContenderId[]): ContenderId[] {
  if (raw === undefined) return fallback;
  const ids = raw.split(',').map((id) => id.trim());
  if (!ids.every((id): id is ContenderId => id === 'a' || id === 'b' || id === 'c' || id === 'd')) throw new Error(`contenders are a,b,c,d; got ${raw}`);
  return ids;
}

function settingsFrom(argv: readonly string[]): Settings {
  const number = (name: string, fallback: number, max: number): number => {
    const value = Number(flag(argv, name) ?? fallback);
    if (!Number.isInteger(value) || value < 1 || value > max) throw new Error(`--${name} must be an integer from 1 to ${max}`);
    return value;
  };
  return {
    durationS: number('duration', 10, 60),
    warmupS: number('warmup', 3, 30),
    connections: number('connections', 32, 256),
    upstream: flag(argv, 'upstream') ?? 'in-process',
    only: contenderList(flag(argv, 'only'), ['a', 'b', 'c', 'd']),
    cpuProfile: contenderList(flag(argv, 'cpu-prof'), []),
  };
}

/**
 * Waits until the processes are idle (requests a finished run left in flight are done), so a CPU
 * reading covers exactly the runs between readings. Gives up after 15 s.
 */
async function settled(children: ReadonlyArray<BenchChild<unknown>>): Promise<number[]> {
  let last = await Promise.all(children.map((child) => child.cpuMs()));
  for (let waited = 0; waited < 15_000; waited += SETTLE_POLL_MS) {
    await new Promise((resolve) => setTimeout(resolve, SETTLE_POLL_MS));
    const now = await Promise.all(children.map((child) => child.cpuMs()));
    const idle = now.every((value, i) => value - (last[i] ?? 0) < SETTLE_POLL_MS * 0.05);
    last = now;
    if (idle) break;
  }
  return last;
}

/** Warm up, then time one query; each process's CPU is read idle before and idle after the timed run. */
async function timed(
  run: (options: LoadOptions) => Promise<LoadResult>,
  settings: Settings,
  upstream: BenchChild<UpstreamReady>,
  gateway: BenchChild<ServerReady> | null,
): Promise<{ load: LoadResult; gatewayCpuMs: number | null; upstreamCpuMs: number }> {
  const children: Array<BenchChild<unknown>> = gateway ? [upstream, gateway] : [upstream];
  await run({ ...settings, durationS: settings.warmupS });
  const before = await settled(children);
  const load = await run(settings);
  const after = await settled(children);
  const used = (i: number): number => (after[i] ?? 0) - (before[i] ?? 0);
  return { load, gatewayCpuMs: gateway ? used(1) : null, upstreamCpuMs: used(0) };
}

function startGatewayProcess(id: Exclude<ContenderId, 'a'>, supergraphFile: string, settings: Settings): Promise<BenchChild<ServerReady>> {
  const execArgv = settings.cpuProfile.includes(id) ? ['--cpu-prof', '--cpu-prof-dir', join(BENCH_DIR, 'profiles'), '--cpu-prof-name', `gateway-${id}-${Date.now()}.cpuprofile`] : [];
  return forkChild<ServerReady>(CONTENDER_LABELS[id], GATEWAY_SCRIPTS[id], 'ready', { args: [supergraphFile], execArgv, env: { APOLLO_TELEMETRY_DISABLED: 'true' } });
}

/** Records the subgraph calls our gateway makes for each body, through a recording proxy. */
async function recordSubgraphCalls(upstream: UpstreamReady, bodies: Record<QueryName, string[]>, settings: Settings): Promise<Record<QueryName, RecordedQuery[]>> {
  const recorder = await startSubgraphRecorder(readFileSync(upstream.supergraphFile, 'utf8'), upstream.subgraphUrls);
  const file = join(mkdtempSync(join(tmpdir(), 'huimin-bench-rec-')), 'supergraph.graphql');
  writeFileSync(file, recorder.recordingSupergraph);
  const gateway = await startGatewayProcess('d', file, { ...settings, cpuProfile: [] });
  try {
    const recorded: Record<QueryName, RecordedQuery[]> = { Q1: [], Q2: [] };
    for (const query of QUERY_NAMES) {
      for (const body of query === 'Q1' ? bodies.Q1.slice(0, RECORDED_Q1) : bodies.Q2) {
        recorder.begin();
        await postGraphQL(gateway.ready.url, body);
        recorded[query].push(recorder.finish());
      }
    }
    return recorded;
  } finally {
    await gateway.stop();
    await recorder.close();
  }
}

async function main(): Promise<void> {
  const settings = settingsFrom(process.argv.slice(2));
  const machine = machineNow();
  console.log(`gateway bench: ${settings.durationS} s per query after ${settings.warmupS} s warm-up, ${settings.connections} connections, upstream ${settings.upstream}`);
  const upstream = await forkChild<UpstreamReady>('upstream', join(__dirname, 'upstream.js'), 'upstream-ready', { args: ['--upstream', settings.upstream], readyTimeoutMs: 120_000 });
  const rows: ResultRow[] = [];
  try {
    const { ids } = upstream.ready;
    const bodies: Record<QueryName, string[]> = { Q1: requestBodies('Q1', ids), Q2: requestBodies('Q2', ids) };
    console.log(`upstream ready: ${ids.length} citizens; Q1 rotates ${bodies.Q1.length} bodies, Q2 ${bodies.Q2.length}`);

    if (settings.only.includes('a')) {
      const recorded = await recordSubgraphCalls(upstream.ready, bodies, settings);
      await Promise.all(QUERY_NAMES.map((query) => checkReplay(recorded[query])));
      for (const query of QUERY_NAMES) {
        const calls = recorded[query][0]?.calls.length ?? 0;
        console.log(`${CONTENDER_LABELS.a} ${query}: replaying ${recorded[query].length} recorded queries (${calls} subgraph calls each)`);
        const result = await timed((options) => runReplay(recorded[query], options), settings, upstream, null);
        rows.push({ contender: 'a', query, ...result });
      }
    }

    let reference: { contender: ContenderId; answers: Record<QueryName, SampledAnswers> } | null = null;
    for (const id of (['b', 'c', 'd'] as const).filter((c) => settings.only.includes(c))) {
      const gateway = await startGatewayProcess(id, upstream.ready.supergraphFile, settings);
      try {
        const answers = {} as Record<QueryName, SampledAnswers>;
        for (const query of QUERY_NAMES) answers[query] = await sampleAnswers(gateway.ready.url, sampleOf(bodies[query], SAME_DATA_SAMPLE[query]));
        if (reference === null) reference = { contender: id, answers };
        else for (const query of QUERY_NAMES) assertSameData(reference.answers[query], answers[query], `${CONTENDER_LABELS[id]} ${query} vs ${CONTENDER_LABELS[reference.contender]}`);
        for (const query of QUERY_NAMES) {
          console.log(`${CONTENDER_LABELS[id]} ${query}: ${QUERY_LABELS[query]}`);
          const result = await timed((options) => runAutocannon(gateway.ready.url, bodies[query], options), settings, upstream, gateway);
          rows.push({ contender: id, query, ...result });
        }
      } finally {
        await gateway.stop();
      }
    }
  } finally {
    await upstream.stop();
  }

  const finished = { ...machine, loadAverageAfter: loadavg() };
  const ratios = ratiosOf(rows);
  console.log(`\n${formatMachine(finished)}\n\n${formatTable(rows)}\n\n${formatRatios(ratios)}`);
  const file = writeResults(BENCH_DIR, { machine: finished, settings, rows, ratios });
  console.log(`\nwritten: ${file}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
