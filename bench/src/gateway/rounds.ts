/**
 * How one query is measured across contenders: each warmed up once, then timed in interleaved
 * rounds (a b c d, a b c d, …) so that load from elsewhere on the machine drifts over all of them
 * alike. CPU is read with the processes idle before and after each timed run.
 */
import type { BenchChild } from './children';
import type { LoadOptions, LoadResult } from './load';
import type { QueryName } from './queries';
import type { ContenderId, ResultRow } from './report';

export interface Contestant {
  id: ContenderId;
  /** The gateway's process; null for the direct replay, which has none. */
  gateway: BenchChild<unknown> | null;
  run(query: QueryName, options: LoadOptions): Promise<LoadResult>;
}

export interface RoundSettings extends LoadOptions {
  warmupS: number;
  rounds: number;
}

const SETTLE_POLL_MS = 200;
/** Busy below this share of one core counts as idle. */
const IDLE_SHARE = 0.05;

/**
 * Waits until every process is idle (requests a finished run left in flight are done), so a CPU
 * reading covers exactly the runs between readings. Gives up after 15 s.
 */
async function settled(children: ReadonlyArray<BenchChild<unknown>>): Promise<number[]> {
  let last = await Promise.all(children.map((child) => child.cpuMs()));
  for (let waited = 0; waited < 15_000; waited += SETTLE_POLL_MS) {
    await new Promise((resolve) => setTimeout(resolve, SETTLE_POLL_MS));
    const now = await Promise.all(children.map((child) => child.cpuMs()));
    const idle = now.every((value, i) => value - (last[i] ?? 0) < SETTLE_POLL_MS * IDLE_SHARE);
    last = now;
    if (idle) break;
  }
  return last;
}

export async function measureQuery(
  query: QueryName,
  contestants: readonly Contestant[],
  upstream: BenchChild<unknown>,
  settings: RoundSettings,
  log: (line: string) => void,
): Promise<ResultRow[]> {
  const rows = contestants.map((c): ResultRow => ({ contender: c.id, query, rounds: [], gatewayCpuMs: c.gateway ? 0 : null, upstreamCpuMs: 0 }));
  for (const contestant of contestants) await contestant.run(query, { ...settings, durationS: settings.warmupS });
  for (let round = 1; round <= settings.rounds; round += 1) {
    for (const [index, contestant] of contestants.entries()) {
      const row = rows[index] as ResultRow;
      const children = contestant.gateway ? [upstream, contestant.gateway] : [upstream];
      const before = await settled(children);
      const load = await contestant.run(query, settings);
      const after = await settled(children);
      row.rounds.push(load);
      row.upstreamCpuMs += (after[0] ?? 0) - (before[0] ?? 0);
      if (row.gatewayCpuMs !== null) row.gatewayCpuMs += (after[1] ?? 0) - (before[1] ?? 0);
      const signedLate = load.signedDuringRun > 0 ? ` (${load.signedDuringRun} requests signed during the run: the presigned ones ran out)` : '';
      log(`  ${query} round ${round} (${contestant.id}): ${load.requestsPerSecond.toFixed(0)} req/s, p50 ${load.p50Ms.toFixed(1)} ms${signedLate}`);
    }
  }
  return rows;
}
