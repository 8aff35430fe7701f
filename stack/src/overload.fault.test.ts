/**
 * Overload: with two requests served at once and six waiting, a burst from every class is shed
 * by class — analytics first, counters last — each refusal an immediate 503 OVERLOADED with
 * Retry-After; every request let in is answered whole, and nobody is left to time out.
 */
import { DEADLINE_SLACK_MS } from './faults/bureau-scenario';
import { FAULT_DEADLINE_MS, startFaultStack, type FaultStack, type TimedAnswer } from './faults/fault-stack';
import { signedPost } from './test-support/access-stack';
import { DEV_ANALYTICS_BEARER_KEY } from './test-support/graphql-client';

const ACCOUNT = 'query($idNumber: String!) { citizen(idNumber: $idNumber) { balances { medicalAccount { amountFen stale } } } }';
type Kind = 'analytics' | 'standard' | 'counter';

describe('overload', () => {
  let stack: FaultStack;

  beforeAll(async () => {
    stack = await startFaultStack({ gatewayEnv: { HUIMIN_MAX_CONCURRENT: '2', HUIMIN_MAX_QUEUE: '6', HUIMIN_MAX_QUEUE_WAIT_MS: '4000' } });
    await stack.post(ACCOUNT, { idNumber: stack.people[0]!.idNumber });
  }, 120_000);
  afterAll(() => stack?.close());

  type Sent = TimedAnswer<Record<string, unknown>> & { kind: Kind; retryAfter: string | null };

  async function send(kind: Kind, i: number): Promise<Sent> {
    const variables = { idNumber: stack.people[i % stack.people.length]!.idNumber };
    if (kind === 'analytics') {
      const answer = await stack.post(ACCOUNT, variables, { authorization: `Bearer ${DEV_ANALYTICS_BEARER_KEY}`, 'x-huimin-purpose': 'STATISTICS' }, null);
      return { ...answer, kind, retryAfter: null };
    }
    const started = performance.now();
    const answer = await signedPost(stack.stack.gatewayUrl, { query: ACCOUNT, variables }, kind === 'counter' ? 'counter-full' : 'demo-app');
    return { ...answer, elapsedMs: performance.now() - started, kind, retryAfter: answer.headers.get('retry-after') };
  }

  it('sheds analytics first and counters last, at once, with 503 OVERLOADED and Retry-After', async () => {
    // Each request holds its slot for the bureau's half second.
    await stack.control.set('medicalInsurance', { latencyMs: 500 });
    const sent: Array<Promise<Sent>> = [];
    const pause = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 150));
    try {
      for (let i = 0; i < 8; i += 1) sent.push(send('analytics', i));
      await pause();
      for (let i = 0; i < 4; i += 1) sent.push(send('counter', i));
      await pause();
      for (let i = 0; i < 4; i += 1) sent.push(send('standard', i));
      const answers = await Promise.all(sent);

      const shed = (kind: Kind) => answers.filter((a) => a.kind === kind && a.status === 503);
      const served = (kind: Kind) => answers.filter((a) => a.kind === kind && a.status === 200);
      for (const answer of answers) {
        expect([200, 503]).toContain(answer.status);
        if (answer.status === 503) {
          // Retry-After (the header says the same): lower classes are asked to wait longer.
          const seconds = { counter: 1, standard: 2, analytics: 5 }[answer.kind];
          expect(answer.errors).toEqual([{ message: `The gateway is overloaded; retry after ${seconds} s`, extensions: { code: 'OVERLOADED' } }]);
          if (answer.kind !== 'analytics') expect(answer.retryAfter).toBe(String(seconds));
          // Shed at once, not after waiting out a timeout.
          expect(answer.elapsedMs).toBeLessThan(1000);
        } else {
          expect(answer.errors).toBeUndefined();
          expect(answer.elapsedMs).toBeLessThan(FAULT_DEADLINE_MS + 2500 + DEADLINE_SLACK_MS);
        }
      }
      expect(served('counter')).toHaveLength(4);
      expect(shed('analytics').length).toBeGreaterThanOrEqual(4);
      expect(shed('analytics').length / 8).toBeGreaterThan(shed('standard').length / 4);
      expect(served('analytics').length + served('standard').length).toBeGreaterThan(0);
    } finally {
      await stack.control.clear('medicalInsurance');
    }
  }, 60_000);
});
