/**
 * The fault suite's body for one bureau (one *.fault.test.ts per bureau runs it): one stack,
 * warmed so last known values exist, then each fault in turn with its expectations.
 */
import type { BureauSource } from '@huimin/adapters';
import type { LiveStamps } from './citizen-probe';
import { runBureauFault, warmUp, type ScenarioReport } from './bureau-scenario';
import type { FaultCommand } from './fault-control';
import { FAULT_BREAKER, FAULT_UPSTREAM_TIMEOUT_MS, startFaultStack, type FaultStack } from './fault-stack';

export interface BureauFault {
  name: string;
  command: FaultCommand;
  /** Whether every call fails (so each answer shows the fault), or only some. */
  total: boolean;
}

export const BUREAU_FAULTS: BureauFault[] = [
  { name: 'added latency past the call timeout', command: { latencyMs: FAULT_UPSTREAM_TIMEOUT_MS * 2 }, total: true },
  { name: 'an error rate of 40 %', command: { errorRate: 0.4, seed: 42 }, total: false },
  { name: 'down', command: { down: true }, total: true },
  { name: 'corrupted answers', command: { corruptRate: 1, seed: 42 }, total: true },
  { name: 'a clock skewed by ten minutes', command: { clockSkewMs: 600_000 }, total: true },
];

/** `more` adds tests of the bureau's own faults over the same stack. */
export function describeBureauFaults(source: BureauSource, more?: (stack: () => FaultStack) => void): void {
  describe(`${source} under faults`, () => {
    let stack: FaultStack;
    const live: LiveStamps = new Map();

    beforeAll(async () => {
      stack = await startFaultStack();
      expect(await warmUp(stack, live)).toEqual([]);
    }, 120_000);
    afterAll(() => stack?.close());

    it.each(BUREAU_FAULTS)('$name', async ({ command, total }) => {
      const report: ScenarioReport = await runBureauFault(stack, source, command, live, { rounds: 2, concurrency: 4 });
      expect(report.problems.slice(0, 20)).toEqual([]);
      expect(report.answers).toBe(2 * stack.people.length);
      // The fault showed: failed fields or stale values in the answers (only some under an error rate).
      if (total) expect(report.failedFields + report.staleFields).toBeGreaterThanOrEqual(report.answers);
      expect(report.recoveryMs).not.toBeNull();
      expect(report.recoveryMs!).toBeLessThan(FAULT_BREAKER.openMs + 1500);
    }, 120_000);

    more?.(() => stack);
  });
}
