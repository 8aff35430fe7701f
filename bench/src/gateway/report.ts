/** The bench's output: the machine, one row per contender and query, and our gateway's ratios. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { median } from '../stats';
import type { LoadResult } from './load';
import { QUERY_LABELS, QUERY_NAMES, type QueryName } from './queries';

export type ContenderId = 'a' | 'b' | 'c' | 'd' | 'e';

export const CONTENDER_LABELS: Record<ContenderId, string> = {
  a: '(a) direct subgraphs',
  b: '(b) @apollo/gateway, defaults',
  c: '(c) Hive Gateway, defaults',
  d: '(d) Huimin gateway',
  e: '(e) Huimin gateway, every access feature',
};

export interface ResultRow {
  contender: ContenderId;
  query: QueryName;
  /** One timed run per round. */
  rounds: LoadResult[];
  /** Gateway process CPU over all timed runs; null for (a), which has no gateway. */
  gatewayCpuMs: number | null;
  upstreamCpuMs: number;
}

/** The row's figures: the median round's rate and latencies, CPU over every round. */
export interface RowSummary {
  requestsPerSecond: number;
  minRequestsPerSecond: number;
  maxRequestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  gatewayCpuMsPerRequest: number | null;
  gatewayCoresBusy: number | null;
  upstreamCpuMsPerRequest: number | null;
  requests: number;
  failures: string;
}

export interface Machine {
  nproc: number;
  cpuModel: string;
  node: string;
  loadAverageBefore: number[];
  loadAverageAfter: number[];
}

export function machineNow(): Omit<Machine, 'loadAverageAfter'> {
  return { nproc: availableParallelism(), cpuModel: cpus()[0]?.model ?? 'unknown', node: process.version, loadAverageBefore: loadavg() };
}

const fixed = (value: number | null, digits: number): string => (value === null || Number.isNaN(value) ? '–' : value.toFixed(digits));
export function summarise(row: ResultRow): RowSummary {
  const byRate = [...row.rounds].sort((x, y) => x.requestsPerSecond - y.requestsPerSecond);
  const median = byRate[Math.floor((byRate.length - 1) / 2)];
  const total = (pick: (load: LoadResult) => number): number => row.rounds.reduce((sum, load) => sum + pick(load), 0);
  // CPU is read from idle to idle, so it covers every request sent, finished in time or not.
  const sent = total((load) => load.sent);
  const perRequest = (cpuMs: number | null): number | null => (cpuMs === null || sent === 0 ? null : cpuMs / sent);
  return {
    requestsPerSecond: median?.requestsPerSecond ?? Number.NaN,
    minRequestsPerSecond: byRate[0]?.requestsPerSecond ?? Number.NaN,
    maxRequestsPerSecond: byRate[byRate.length - 1]?.requestsPerSecond ?? Number.NaN,
    p50Ms: median?.p50Ms ?? Number.NaN,
    p99Ms: median?.p99Ms ?? Number.NaN,
    gatewayCpuMsPerRequest: perRequest(row.gatewayCpuMs),
    gatewayCoresBusy: row.gatewayCpuMs === null ? null : row.gatewayCpuMs / 1000 / total((load) => load.durationS),
    upstreamCpuMsPerRequest: perRequest(row.upstreamCpuMs),
    requests: total((load) => load.requests),
    failures: `${total((load) => load.non2xx)} / ${total((load) => load.socketErrors)} / ${total((load) => load.graphqlErrors)}`,
  };
}

export function formatTable(rows: readonly ResultRow[]): string {
  const lines = [
    '| contender | query | req/s (median) | req/s (min–max) | p50 ms | p99 ms | gateway CPU ms/req | gateway cores busy | upstream CPU ms/req | requests | non-2xx / socket err / GraphQL err |',
    '|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|',
  ];
  for (const row of rows) {
    const s = summarise(row);
    lines.push(
      `| ${CONTENDER_LABELS[row.contender]} | ${row.query} | ${fixed(s.requestsPerSecond, 0)} | ${fixed(s.minRequestsPerSecond, 0)}–${fixed(s.maxRequestsPerSecond, 0)} | ` +
        `${fixed(s.p50Ms, 1)} | ${fixed(s.p99Ms, 1)} | ${fixed(s.gatewayCpuMsPerRequest, 2)} | ${fixed(s.gatewayCoresBusy, 2)} | ` +
        `${fixed(s.upstreamCpuMsPerRequest, 2)} | ${s.requests} | ${s.failures} |`,
    );
  }
  return lines.join('\n');
}

export interface Ratios {
  query: QueryName;
  /** Our req/s over plain @apollo/gateway's. */
  dOverB: number | null;
  dOverC: number | null;
  /** Plain @apollo/gateway's CPU per request over ours (how much cheaper ours is). */
  cpuBOverD: number | null;
  /** The access layer's cost: req/s, gateway CPU and upstream CPU per request, with every feature on over none. */
  eOverD: number | null;
  /**
   * The median over rounds of (e)'s req/s over (d)'s in the same round. Rounds interleave, so
   * each pair ran seconds apart: drift in the machine's speed over the run (which moved (d)
   * alone by ±25% between rounds of one run) cancels within a pair, not between two medians.
   */
  eOverDPaired: number | null;
  cpuEOverD: number | null;
  upstreamCpuEOverD: number | null;
  /**
   * (d)'s gateway + upstream CPU per request over (e)'s: the req/s ratio the CPU alone predicts,
   * since every process shares the same cores. Steadier than the req/s ratios on a machine whose
   * speed drifts, because each side's CPU per request moves less with load than its req/s does.
   */
  cpuPredictedEOverD: number | null;
}

/** Median of top's req/s over bottom's, round by round (null without rounds on both sides). */
export function pairedRatio(top: ResultRow | undefined, bottom: ResultRow | undefined): number | null {
  if (!top || !bottom) return null;
  const count = Math.min(top.rounds.length, bottom.rounds.length);
  const ratios: number[] = [];
  for (let i = 0; i < count; i += 1) {
    const under = bottom.rounds[i]!.requestsPerSecond;
    if (under > 0) ratios.push(top.rounds[i]!.requestsPerSecond / under);
  }
  return ratios.length === 0 ? null : median(ratios);
}

export function ratiosOf(rows: readonly ResultRow[]): Ratios[] {
  const find = (contender: ContenderId, query: QueryName) => rows.find((row) => row.contender === contender && row.query === query);
  return QUERY_NAMES.map((query) => {
    const [b, c, d, e] = (['b', 'c', 'd', 'e'] as const).map((id) => find(id, query));
    const rps = (x: ResultRow | undefined): number | null => (x ? summarise(x).requestsPerSecond : null);
    const cpu = (x: ResultRow | undefined): number | null => (x ? summarise(x).gatewayCpuMsPerRequest : null);
    const upstreamCpu = (x: ResultRow | undefined): number | null => (x ? summarise(x).upstreamCpuMsPerRequest : null);
    const over = (top: number | null, bottom: number | null): number | null => (top === null || bottom === null || bottom === 0 ? null : top / bottom);
    const totalCpu = (x: ResultRow | undefined): number | null => {
      const [own, upstream] = [cpu(x), upstreamCpu(x)];
      return own === null || upstream === null ? null : own + upstream;
    };
    return {
      query,
      dOverB: over(rps(d), rps(b)),
      dOverC: over(rps(d), rps(c)),
      cpuBOverD: over(cpu(b), cpu(d)),
      eOverD: over(rps(e), rps(d)),
      eOverDPaired: pairedRatio(e, d),
      cpuEOverD: over(cpu(e), cpu(d)),
      upstreamCpuEOverD: over(upstreamCpu(e), upstreamCpu(d)),
      cpuPredictedEOverD: over(totalCpu(d), totalCpu(e)),
    };
  });
}

export function formatRatios(ratios: readonly Ratios[]): string {
  const lines = ratios
    .filter((r) => r.dOverB !== null || r.dOverC !== null)
    .map((r) => `${r.query} (${QUERY_LABELS[r.query]}): req/s (d)/(b) = ${fixed(r.dOverB, 2)}×, (d)/(c) = ${fixed(r.dOverC, 2)}×; gateway CPU/req (b)/(d) = ${fixed(r.cpuBOverD, 2)}×`);
  for (const r of ratios.filter((x) => x.eOverD !== null)) {
    const loss = (1 - (r.eOverD ?? Number.NaN)) * 100;
    const pairedLoss = (1 - (r.eOverDPaired ?? Number.NaN)) * 100;
    lines.push(
      `${r.query} access layer: req/s (e)/(d) = ${fixed(r.eOverD, 2)}× (${fixed(loss, 1)}% throughput loss; target ≤ 15%), ` +
        `round by round ${fixed(r.eOverDPaired, 2)}× (${fixed(pairedLoss, 1)}%), ` +
        `gateway CPU/req (e)/(d) = ${fixed(r.cpuEOverD, 2)}×, upstream CPU/req (e)/(d) = ${fixed(r.upstreamCpuEOverD, 2)}×, ` +
        `req/s the CPU predicts (d's gateway + upstream CPU/req over (e)'s) ${fixed(r.cpuPredictedEOverD, 2)}×`,
    );
  }
  return lines.join('\n');
}

export function formatMachine(machine: Machine): string {
  const load = (values: number[]): string => values.map((v) => v.toFixed(2)).join(' ');
  return `nproc ${machine.nproc} (${machine.cpuModel}), node ${machine.node}, load average before ${load(machine.loadAverageBefore)}, after ${load(machine.loadAverageAfter)}`;
}

/** Writes bench/results/gateway-<timestamp>.json and returns its path. */
export function writeResults(
  benchDir: string,
  document: { machine: Machine; settings: object; rows: ReadonlyArray<ResultRow & { summary: RowSummary }>; ratios: readonly Ratios[] },
): string {
  const dir = join(benchDir, 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `gateway-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify(document, null, 2)}\n`);
  return file;
}
