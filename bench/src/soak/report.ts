/** The soak's figures and its markdown report (bench/results/soak.md). */
import { availableParallelism, cpus, loadavg } from 'node:os';
import { percentile } from '../stats';
import { slopePerMinute } from './memory';
import type { SoakResult } from './soak';
import type { Sample } from './soak-load';

export interface LatencySummary {
  phase: string;
  requests: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
  /** Answers with an error (any code), and answers with a value served stale. */
  withErrors: number;
  withStale: number;
  non200: number;
}

export function summariseLatency(phase: string, samples: readonly Sample[]): LatencySummary {
  const sorted = samples.map((s) => s.latencyMs).sort((a, b) => a - b);
  return {
    phase,
    requests: samples.length,
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    p999: percentile(sorted, 99.9),
    max: sorted[sorted.length - 1] ?? Number.NaN,
    withErrors: samples.filter((s) => s.codes.length > 0).length,
    withStale: samples.filter((s) => s.stale > 0).length,
    non200: samples.filter((s) => s.status !== 200).length,
  };
}

export interface SoakFigures {
  latency: LatencySummary[];
  codes: Map<string, number>;
  statuses: Map<number, number>;
  pastDeadline: number;
  /** Memory after warm-up: trend and range. */
  heapSlopeMbPerMin: number;
  rssSlopeMbPerMin: number;
  /** The same over the last half of the run: what is left once windows and caches are full. */
  heapSlopeLastHalfMbPerMin: number;
  rssSlopeLastHalfMbPerMin: number;
  heapRangeMb: [number, number];
  rssRangeMb: [number, number];
}

export function soakFigures(result: SoakResult): SoakFigures {
  const phases = ['start-up', 'steady', 'bureau down', 'recovering'];
  const after = result.samples.filter((s) => s.phase !== 'start-up');
  const codes = new Map<string, number>();
  const statuses = new Map<number, number>();
  for (const sample of result.samples) {
    statuses.set(sample.status, (statuses.get(sample.status) ?? 0) + 1);
    for (const code of new Set(sample.codes)) codes.set(code, (codes.get(code) ?? 0) + 1);
  }
  const memory = result.memory.filter((m) => m.at >= result.options.memoryWarmUpMs);
  const lastHalf = memory.filter((m) => m.at >= (result.options.memoryWarmUpMs + result.options.durationMs) / 2);
  const range = (pick: (m: (typeof memory)[number]) => number): [number, number] =>
    memory.length === 0 ? [Number.NaN, Number.NaN] : [Math.min(...memory.map(pick)), Math.max(...memory.map(pick))];
  return {
    latency: [...phases.map((phase) => summariseLatency(phase, result.samples.filter((s) => s.phase === phase))), summariseLatency('all after start-up', after)],
    codes,
    statuses,
    pastDeadline: result.samples.filter((s) => s.latencyMs > result.deadlineMs).length,
    heapSlopeMbPerMin: slopePerMinute(memory, (m) => m.heapUsedMb),
    rssSlopeMbPerMin: slopePerMinute(memory, (m) => m.rssMb),
    heapSlopeLastHalfMbPerMin: slopePerMinute(lastHalf, (m) => m.heapUsedMb),
    rssSlopeLastHalfMbPerMin: slopePerMinute(lastHalf, (m) => m.rssMb),
    heapRangeMb: range((m) => m.heapUsedMb),
    rssRangeMb: range((m) => m.rssMb),
  };
}

const ms = (value: number): string => (Number.isNaN(value) ? '–' : value.toFixed(value < 10 ? 1 : 0));
const mb = (value: number): string => (Number.isNaN(value) ? '–' : value.toFixed(1));

export function soakMarkdown(result: SoakResult, context: { command: string; loadBefore: number[]; gcExposed: boolean; note?: string }): string {
  const f = soakFigures(result);
  const o = result.options;
  const lines = [
    '# Soak: the whole stack for ' + `${(o.durationMs / 60_000).toFixed(1)} minutes while a bureau flaps`,
    '',
    `Run with \`${context.command}\` on ${new Date().toISOString().slice(0, 10)}: ${availableParallelism()} × ${cpus()[0]?.model ?? 'CPU'}, Node ${process.version}, load average before ${context.loadBefore.map((l) => l.toFixed(2)).join(' / ')}, after ${loadavg().map((l) => l.toFixed(2)).join(' / ')} (the machine is shared).`,
    ...(context.note ? ['', context.note] : []),
    '',
    `Everything in one process on loopback, as \`npm start\` runs it (sandbox bureaus over their real protocols, four subgraphs, the gateway with every feature on), over a generated population of ${o.populationSize}. Open-loop load: ${o.ratePerSecond} requests a second whatever the answers (at most ${o.maxInFlight} in flight; ${result.skipped} not sent for that), each a signed \`counter-full\` query touching all four bureaus for the next person of the population in a shuffled order (so every person's caches are filled in the first pass). The soak's record of the answers is allocated up front, so it does not add to the heap it measures. After a ${o.startUpMs / 1000} s start-up, the ${o.flapping} bureau flaps until the end: down ${o.flapDownMs / 1000} s of every ${o.flapPeriodMs / 1000} s (fault injection: connections dropped); "recovering" is the ${o.recoveringMs / 1000} s after it comes back. The counter deadline is ${result.deadlineMs} ms.`,
    '',
    '## Latency (ms, client side)',
    '',
    '| phase | requests | p50 | p90 | p99 | p99.9 | max | with errors | with stale values | non-200 |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...f.latency.map((l) => `| ${l.phase} | ${l.requests} | ${ms(l.p50)} | ${ms(l.p90)} | ${ms(l.p99)} | ${ms(l.p999)} | ${ms(l.max)} | ${l.withErrors} | ${l.withStale} | ${l.non200} |`),
    '',
    `Answers past the ${result.deadlineMs} ms deadline: ${f.pastDeadline}. HTTP statuses: ${[...f.statuses].map(([s, n]) => `${s} × ${n}`).join(', ')}. Error codes (answers carrying each): ${f.codes.size === 0 ? 'none' : [...f.codes].map(([c, n]) => `${c} × ${n}`).join(', ')}.`,
    '',
    `## Memory after warm-up (from minute ${(o.memoryWarmUpMs / 60_000).toFixed(0)})`,
    '',
    `Sampled every ${o.memoryEveryMs / 1000} s${context.gcExposed ? ' after a full collection (`--expose-gc`)' : ' (no forced collection: run node with --expose-gc for steadier figures)'}; the whole process — bureaus, subgraphs, gateway and the load generator.`,
    '',
    '| | min MB | max MB | trend MB/min | trend over the last half, MB/min |',
    '| --- | ---: | ---: | ---: | ---: |',
    `| heap used | ${mb(f.heapRangeMb[0])} | ${mb(f.heapRangeMb[1])} | ${f.heapSlopeMbPerMin.toFixed(2)} | ${f.heapSlopeLastHalfMbPerMin.toFixed(2)} |`,
    `| RSS | ${mb(f.rssRangeMb[0])} | ${mb(f.rssRangeMb[1])} | ${f.rssSlopeMbPerMin.toFixed(2)} | ${f.rssSlopeLastHalfMbPerMin.toFixed(2)} |`,
    '',
    'The warm-up is long on purpose: every protocol keeps each nonce it has seen for twice its 300 s replay window (both sides of every bureau call, and the gateway its partners\' nonces), so under steady load memory climbs for the first ten minutes by design — about fifteen nonces a request — and the last-known balances fill during the first pass over the population. Connection pools also grow to the most connections a bureau or subgraph has needed at once (at most 64 each) and stay there.',
    '',
    '| minute | heap used MB | RSS MB |',
    '| ---: | ---: | ---: |',
    ...result.memory.filter((m, i) => i % Math.max(1, Math.round(60_000 / o.memoryEveryMs)) === 0 || i === result.memory.length - 1)
      .map((m) => `| ${(m.at / 60_000).toFixed(1)} | ${mb(m.heapUsedMb)} | ${mb(m.rssMb)} |`),
    '',
  ];
  return lines.join('\n');
}
