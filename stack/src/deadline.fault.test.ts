/**
 * Deadlines: every request has one by its partner's class, and nothing outlives it — not a bureau
 * slower than every timeout (the subgraph cuts its call and still answers, with the last known
 * balance), not a subgraph that never answers (the gateway cuts its fetch and names the bureau).
 * A subgraph that refuses connections is named the same way, at once.
 */
import { createServer, type Server, type Socket } from 'node:net';
import type { RunningGateway } from '@huimin/gateway';
import { checkProbe, CITIZEN_PROBE, type LiveStamps } from './faults/citizen-probe';
import { DEADLINE_SLACK_MS, untilWholeAndLive, warmUp } from './faults/bureau-scenario';
import { runBounded, startFaultStack, type FaultStack } from './faults/fault-stack';
import { startSecondGateway } from './test-support/access-stack';
import { devSigner, postGraphQL } from './test-support/graphql-client';
import { shanghaiToday } from './test-support/spec-oracle';

const COUNTER_MS = 2000;
const STANDARD_MS = 3000;

describe('deadlines', () => {
  let stack: FaultStack;
  const live: LiveStamps = new Map();
  const on = shanghaiToday();

  beforeAll(async () => {
    // Bureau calls may take 10 s: only the deadline can cut them.
    stack = await startFaultStack({ upstreamTimeoutMs: 10_000, gatewayEnv: { HUIMIN_DEADLINE_MS_COUNTER: String(COUNTER_MS), HUIMIN_DEADLINE_MS_STANDARD: String(STANDARD_MS) } });
    expect(await warmUp(stack, live)).toEqual([]);
  }, 120_000);
  afterAll(() => stack?.close());

  it('a bureau slower than every timeout: each class answered by its deadline, the rest of the data intact', async () => {
    await stack.control.set('medicalInsurance', { latencyMs: 8000 });
    try {
      const problems: string[] = [];
      const asks = stack.people.slice(0, 12).flatMap((p) => [{ p, partner: 'counter-full' as const, deadline: COUNTER_MS }, { p, partner: 'demo-app' as const, deadline: STANDARD_MS }]);
      const answers = await runBounded(asks, 4, async ({ p, partner, deadline }) => {
        const answer = await stack.post(CITIZEN_PROBE, { idNumber: p.idNumber, on }, {}, devSigner(partner));
        if (answer.elapsedMs > deadline + DEADLINE_SLACK_MS) problems.push(`${partner}: ${Math.round(answer.elapsedMs)} ms past its ${deadline} ms deadline`);
        checkProbe(p, on, answer, ['MEDICAL_INSURANCE'], live, problems);
        return answer;
      });
      expect(problems).toEqual([]);
      // The subgraph cut its own bureau call and answered: the balance came stale rather than the fetch failing.
      const codes = answers.flatMap((a) => (a.errors ?? []).map((e) => `${String(e.extensions?.code)} ${String(e.extensions?.source)} ${e.path?.[0]}`));
      expect(new Set(codes)).toEqual(new Set(['UPSTREAM_TIMEOUT MEDICAL_INSURANCE insurance', 'UPSTREAM_UNAVAILABLE MEDICAL_INSURANCE insurance'].filter((c) => codes.includes(c))));
      expect(codes).toContain('UPSTREAM_TIMEOUT MEDICAL_INSURANCE insurance');
      expect(answers.every((a) => JSON.stringify(a.data).includes('"stale":true'))).toBe(true);
    } finally {
      await stack.control.clear('medicalInsurance');
      expect(await untilWholeAndLive(stack)).not.toBeNull();
    }
  }, 60_000);

  describe('a subgraph that accepts the request and never answers', () => {
    let silent: Server;
    const sockets = new Set<Socket>();
    let gateway: RunningGateway;

    beforeAll(async () => {
      silent = createServer((socket) => {
        sockets.add(socket);
        socket.on('close', () => sockets.delete(socket));
        socket.resume();
      });
      await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
      const port = (silent.address() as { port: number }).port;
      gateway = await startSecondGateway(stack.stack, { subgraphUrls: { finance: `http://127.0.0.1:${port}/graphql` } });
    });
    afterAll(async () => {
      await gateway?.close();
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    });

    it('is cut at the deadline and named by its bureau; the others are served', async () => {
      const p = stack.people[0]!;
      const started = performance.now();
      const answer = await postGraphQL<Record<string, unknown>>(gateway.url, CITIZEN_PROBE, { idNumber: p.idNumber, on });
      const elapsed = performance.now() - started;
      expect(answer.status).toBe(200);
      expect(elapsed).toBeLessThan(COUNTER_MS + DEADLINE_SLACK_MS);
      expect(elapsed).toBeGreaterThan(COUNTER_MS - 300);
      const problems: string[] = [];
      checkProbe(p, on, answer, ['FINANCE'], live, problems);
      expect(problems).toEqual([]);
      expect(answer.errors?.length).toBeGreaterThan(0);
      for (const error of answer.errors ?? []) expect(error.extensions).toEqual({ code: 'UPSTREAM_TIMEOUT', source: 'FINANCE' });
      // Each at a field the cut fetch left empty, all under the alias that asked finance.
      for (const error of answer.errors ?? []) expect(error.path?.[0]).toBe('subsidies');
      expect(answer.errors?.map((error) => error.path?.join('.'))).toContain('subsidies.subsidies');
    }, 30_000);
  });

  describe('a subgraph that refuses connections', () => {
    let gateway: RunningGateway;

    beforeAll(async () => {
      // A port that was just free: nothing listens there.
      const probe = createServer();
      await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
      const port = (probe.address() as { port: number }).port;
      await new Promise((resolve) => probe.close(resolve));
      gateway = await startSecondGateway(stack.stack, { subgraphUrls: { 'medical-insurance': `http://127.0.0.1:${port}/graphql` } });
    });
    afterAll(() => gateway?.close());

    it('is named by its bureau at each field it left empty, once without a path for what it cannot name, and costs no other bureau\'s fields', async () => {
      const p = stack.people[0]!;
      const answer = await postGraphQL<Record<string, unknown>>(gateway.url, CITIZEN_PROBE, { idNumber: p.idNumber, on });
      expect(answer.status).toBe(200);
      for (const error of answer.errors ?? []) expect(error.extensions).toEqual({ code: 'UPSTREAM_UNAVAILABLE', source: 'MEDICAL_INSURANCE' });
      const placed = (answer.errors ?? []).flatMap((error) => (error.path ? [error.path.join('.')] : []));
      expect(placed.sort()).toEqual(['account.balances', 'insurance.medicalInsurance']);
      // Eligibility and subsidies need the insurance standing this bureau's fetch would have
      // brought: not a field the partner asked for, so that failure comes without a path. They
      // are still answered, the standing unavailable: SOURCE_UNAVAILABLE where it matters.
      expect(answer.errors?.some((error) => error.path === undefined)).toBe(true);
      const problems: string[] = [];
      // No live stamps: with its subgraph gone there is nowhere a last known balance could be served from.
      checkProbe(p, on, answer, ['MEDICAL_INSURANCE'], new Map(), problems);
      expect(problems).toEqual([]);
      const data = answer.data as Record<string, unknown>;
      for (const alias of ['identity', 'eligibility', 'cards', 'subsidies', 'transit']) expect(data[alias]).not.toBeNull();
      expect(JSON.stringify(data.eligibility)).toContain('SOURCE_UNAVAILABLE');
    }, 30_000);
  });
});
