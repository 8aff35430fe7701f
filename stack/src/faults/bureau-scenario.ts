/**
 * One fault on one bureau, under bounded concurrent load: the fault is set through the bureau's
 * control endpoint, every person is asked `rounds` times (at most `concurrency` at once), each
 * answer is checked (citizen-probe.ts) and timed against the deadline; then the fault is cleared
 * and the time until answers are whole and live again is measured.
 */
import type { BureauSource } from '@huimin/adapters';
import { checkProbe, CITIZEN_PROBE, isWholeAndLive, type LiveStamps } from './citizen-probe';
import type { BureauName, FaultCommand } from './fault-control';
import { FAULT_BREAKER, FAULT_DEADLINE_MS, runBounded, type FaultStack } from './fault-stack';
import { shanghaiToday, type Person } from '../test-support/spec-oracle';

/** Loopback on a loaded two-core machine: what an answer may take beyond its deadline to arrive. */
export const DEADLINE_SLACK_MS = 500;

export interface ScenarioReport {
  answers: number;
  problems: string[];
  /** Slowest answer, ms. */
  maxElapsedMs: number;
  /** Errors naming the failing bureau, and values served stale. */
  failedFields: number;
  staleFields: number;
  /** From clearing the fault to the first whole, live answer; null if it never came. */
  recoveryMs: number | null;
}

export const BUREAU_NAMES: Record<BureauSource, BureauName> = {
  CIVIL_AFFAIRS: 'civilAffairs',
  MEDICAL_INSURANCE: 'medicalInsurance',
  FINANCE: 'finance',
  TRANSIT: 'transit',
};

async function ask(stack: FaultStack, p: Person, on: string) {
  return stack.post<Record<string, Record<string, unknown> | null>>(CITIZEN_PROBE, { idNumber: p.idNumber, on });
}

/**
 * Asks every 100 ms until an answer is whole and live (the breaker half-opens within its open
 * period and one successful probe closes it); the time that took, or null.
 */
export async function untilWholeAndLive(stack: FaultStack, withinMs = FAULT_BREAKER.openMs + 5000): Promise<number | null> {
  const on = shanghaiToday();
  const started = performance.now();
  for (let i = 0; performance.now() - started < withinMs; i += 1) {
    if (isWholeAndLive(await ask(stack, stack.people[i % stack.people.length]!, on))) return performance.now() - started;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return null;
}

/**
 * Everyone whole and live with no fault set. A person whose answer is not is asked again (twice
 * at most): on a shared two-core machine a healthy call now and then outlasts its timeout, and
 * that is the system working, not damage left behind. Only what stays wrong is reported.
 */
export async function everyoneWhole(stack: FaultStack, live: LiveStamps): Promise<string[]> {
  const on = shanghaiToday();
  const problems: string[] = [];
  await runBounded(stack.people, 4, async (p) => {
    let found: string[] = [];
    for (let attempt = 0; attempt < 3; attempt += 1) {
      found = [];
      checkProbe(p, on, await ask(stack, p, on), [], live, found);
      if (found.length === 0) return;
    }
    problems.push(...found);
  });
  return problems;
}

/** Fills the last known values and the live stamps; the first answer pays for TLS handshakes and cold code. */
export async function warmUp(stack: FaultStack, live: LiveStamps): Promise<string[]> {
  await ask(stack, stack.people[0]!, shanghaiToday());
  return everyoneWhole(stack, live);
}

export async function runBureauFault(
  stack: FaultStack,
  source: BureauSource,
  command: FaultCommand,
  live: LiveStamps,
  options: { rounds?: number; concurrency?: number } = {},
): Promise<ScenarioReport> {
  const bureau = BUREAU_NAMES[source];
  const on = shanghaiToday();
  const problems: string[] = [];
  const report: ScenarioReport = { answers: 0, problems, maxElapsedMs: 0, failedFields: 0, staleFields: 0, recoveryMs: null };
  await stack.control.set(bureau, command);
  try {
    const asks = Array.from({ length: options.rounds ?? 1 }, () => stack.people).flat();
    await runBounded(asks, options.concurrency ?? 4, async (p) => {
      const answer = await ask(stack, p, on);
      report.answers += 1;
      report.maxElapsedMs = Math.max(report.maxElapsedMs, answer.elapsedMs);
      report.failedFields += answer.errors?.length ?? 0;
      report.staleFields += JSON.stringify(answer.data ?? {}).split('"stale":true').length - 1;
      if (answer.elapsedMs > FAULT_DEADLINE_MS + DEADLINE_SLACK_MS) problems.push(`answer after ${Math.round(answer.elapsedMs)} ms, past the ${FAULT_DEADLINE_MS} ms deadline`);
      checkProbe(p, on, answer, [source], live, problems);
    });
  } finally {
    await stack.control.clear(bureau);
  }
  report.recoveryMs = await untilWholeAndLive(stack);
  // And then everyone whole again: nothing of the fault lingers.
  problems.push(...(await everyoneWhole(stack, live)));
  return report;
}
