/**
 * Lifecycle: a gateway starts and serves what it can with a subgraph or a bureau down (the
 * supergraph is static: @apollo/gateway contacts no subgraph to start), and on shutdown /ready
 * turns false first, requests in flight drain, then it closes.
 */
import { createServer } from 'node:net';
import { loadGatewayConfig, type RunningGateway } from '@huimin/gateway';
import { untilWholeAndLive } from './faults/bureau-scenario';
import { checkProbe, CITIZEN_PROBE } from './faults/citizen-probe';
import { startFaultStack, type FaultStack } from './faults/fault-stack';
import { startSecondGateway } from './test-support/access-stack';
import { postGraphQL } from './test-support/graphql-client';
import { shanghaiToday } from './test-support/spec-oracle';

/** A loopback port nothing listens on. */
async function deadPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const readyOf = async (gateway: RunningGateway) => {
  const response = await fetch(gateway.url.replace(/\/graphql$/, '/ready'));
  return { status: response.status, body: (await response.json()) as { ready: boolean; subgraphs?: Array<{ name: string; reachable: boolean }>; reason?: string } };
};

describe('lifecycle', () => {
  let stack: FaultStack;
  const on = shanghaiToday();

  beforeAll(async () => {
    // Slow in-flight requests, not failing ones: a bureau timeout well above the added latency.
    stack = await startFaultStack({ upstreamTimeoutMs: 4000 });
    await stack.post(CITIZEN_PROBE, { idNumber: stack.people[0]!.idNumber, on });
  }, 120_000);
  afterAll(() => stack?.close());

  it('starts with a subgraph and a bureau down, is not ready, and serves the rest', async () => {
    await stack.control.set('civilAffairs', { down: true });
    const gateway = await startSecondGateway(stack.stack, { subgraphUrls: { finance: `http://127.0.0.1:${await deadPort()}/graphql` } });
    try {
      const ready = await readyOf(gateway);
      expect(ready.status).toBe(503);
      expect(ready.body.subgraphs?.filter((s) => !s.reachable).map((s) => s.name)).toEqual(['finance']);
      const p = stack.people[1]!;
      const answer = await postGraphQL<Record<string, unknown>>(gateway.url, CITIZEN_PROBE, { idNumber: p.idNumber, on });
      expect(answer.status).toBe(200);
      const errors = (answer.errors ?? []).map((e) => `${String(e.extensions?.code)} ${String(e.extensions?.source)}`);
      expect(new Set(errors)).toEqual(new Set(['UPSTREAM_UNAVAILABLE CIVIL_AFFAIRS', 'UPSTREAM_UNAVAILABLE FINANCE']));
      // Medical insurance and transit, whose subgraphs and bureaus are up, answer in full;
      // eligibility says SOURCE_UNAVAILABLE for civil affairs.
      const problems: string[] = [];
      checkProbe(p, on, answer, ['CIVIL_AFFAIRS', 'FINANCE'], new Map(), problems);
      expect(problems).toEqual([]);
    } finally {
      await gateway.close();
      await stack.control.clear('civilAffairs');
    }
    expect(await untilWholeAndLive(stack)).not.toBeNull();
  }, 60_000);

  it('on shutdown: /ready false at once, every request in flight answered, then closed', async () => {
    const gateway = await startSecondGateway(stack.stack, { shutdownGraceMs: 400 });
    expect((await readyOf(gateway)).status).toBe(200);
    await stack.control.set('medicalInsurance', { latencyMs: 500 });
    try {
      const inFlight = stack.people.slice(0, 4).map((p) => postGraphQL<Record<string, unknown>>(gateway.url, CITIZEN_PROBE, { idNumber: p.idNumber, on }));
      await new Promise((resolve) => setTimeout(resolve, 150));
      const closing = gateway.close();
      const ready = await readyOf(gateway);
      expect(ready).toEqual({ status: 503, body: { ready: false, reason: 'shutting down' } });
      const answers = await Promise.all(inFlight);
      for (const [i, answer] of answers.entries()) {
        const problems: string[] = [];
        checkProbe(stack.people[i]!, on, answer, [], new Map(), problems);
        expect(problems).toEqual([]);
      }
      await closing;
      await expect(fetch(gateway.url.replace(/\/graphql$/, '/health'))).rejects.toThrow();
    } finally {
      await stack.control.clear('medicalInsurance');
    }
  }, 60_000);

  it('the shutdown grace is 5 s in production, none elsewhere', () => {
    expect(loadGatewayConfig({ NODE_ENV: 'production', HUIMIN_PARTNERS_FILE: 'x' }).shutdownGraceMs).toBe(5000);
    expect(loadGatewayConfig({}).shutdownGraceMs).toBe(0);
  });
});
