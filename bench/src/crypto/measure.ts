/** Timing for the crypto bench: operations a second of one function on this (single) thread. */

export interface Rate {
  ops: number;
  seconds: number;
  perSecond: number;
  /** Operations per second of this process's CPU time: the one-core rate, whatever else the machine runs. */
  perCpuSecond: number;
  /** Process CPU over wall time while timing: ~1.0 when the run had a core to itself. */
  coreShare: number;
}

export interface MeasureOptions {
  /** Timed wall-clock budget. */
  budgetMs: number;
  /** Untimed warm-up (JIT, caches such as SM2's per-key tables) before the budget starts. */
  warmupMs: number;
  /** At least this many timed operations, even past the budget (slow reference primitives). */
  minOps: number;
}

/** Runs `op` back to back (awaiting it when it is async) and counts completions. */
export async function opsPerSecond(op: () => unknown, options: MeasureOptions): Promise<Rate> {
  const warmEnd = performance.now() + options.warmupMs;
  do await op();
  while (performance.now() < warmEnd);

  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  let ops = 0;
  let now = started;
  while (now - started < options.budgetMs || ops < options.minOps) {
    await op();
    ops++;
    now = performance.now();
  }
  const cpu = process.cpuUsage(cpuBefore);
  const seconds = (now - started) / 1000;
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  return { ops, seconds, perSecond: ops / seconds, perCpuSecond: ops / cpuSeconds, coreShare: cpuSeconds / seconds };
}
