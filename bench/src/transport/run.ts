/**
 * What it costs a subgraph and the gateway to trust each other, per call: today's HMAC-SM3 signed
 * context on plain HTTP against mutual TLS on kept-alive connections (the spec's other way, "or
 * client certificate"), both over plain HTTP with no check. The servers run in a child process
 * (transport-servers.ts) whose CPU is read before and after each run; the client side is this
 * process's CPU. The three are measured in interleaved rounds and compared round by round.
 *
 *   node bench/dist/transport/run.js [--rounds 9] [--calls 5000] [--connections 16]
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { createDevMaterial, serverIdentity } from '@huimin/certs';
import {
  SUBGRAPH_CONTEXT_HEADER,
  SUBGRAPH_CONTEXT_SIGNATURE_HEADER,
  SUBGRAPH_REQUEST_ID_HEADER,
  SubgraphContextKey,
  encodeSubgraphContext,
  signSubgraphCall,
} from '@huimin/schema';
import { Pool } from 'undici';
import { forkChild } from '../gateway/children';
import type { TransportServersReady } from '../gateway/ipc';
import { median } from '../stats';
import { TRANSPORT_SUBGRAPH, transportRequestBody } from './transport-payloads';

type Mode = 'plain' | 'signed' | 'mutualTls';
const MODES: readonly Mode[] = ['plain', 'signed', 'mutualTls'];

function numberFlag(argv: readonly string[], name: string, fallback: number): number {
  const at = argv.indexOf(`--${name}`);
  const value = at >= 0 ? Number(argv[at + 1]) : fallback;
  if (!Number.isInteger(value) || value <= 0) throw new Error(`--${name} must be a positive integer`);
  return value;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const rounds = numberFlag(argv, 'rounds', 9);
  const calls = numberFlag(argv, 'calls', 5000);
  const connections = numberFlag(argv, 'connections', 16);
  const contextKey = randomBytes(32);
  // Throwaway material: a CA, a subgraph's server certificate, and a client certificate for the caller.
  const material = await createDevMaterial({ servers: ['subgraph-finance'], partners: ['demo-app'] });
  const server = serverIdentity(material, 'subgraph-finance');
  const client = material.partners['demo-app'];
  if (!client) throw new Error('the bench material has no client certificate');
  const ca = { certPem: material.caCertPem };
  const child = await forkChild<TransportServersReady>('transport servers', join(__dirname, 'transport-servers.js'), 'transport-ready', {
    env: {
      TRANSPORT_CONTEXT_KEY: contextKey.toString('hex'),
      TRANSPORT_TLS: JSON.stringify({ ca: ca.certPem, cert: server.certPem, key: server.keyPem }),
    },
  });
  const pools: Record<Mode, { pool: Pool; path: string }> = {
    plain: poolFor(child.ready.plain, connections),
    signed: poolFor(child.ready.signed, connections),
    mutualTls: poolFor(child.ready.mutualTls, connections, { ca: ca.certPem, cert: client.certPem, key: client.keyPem }),
  };
  const body = transportRequestBody();
  const key = new SubgraphContextKey(contextKey);
  // A partner holding every scope: the longest context header a call carries.
  const context = encodeSubgraphContext({
    v: 4, partner: 'bench-every-scope', purpose: 'BENEFIT_SERVICE', identity: 'full',
    scopes: ['identity:read', 'identity:full', 'eligibility:read', 'balance:read', 'medical:read', 'subsidy:read', 'transit:read', 'transit:topup', 'analytics:read', 'audit:read'],
  });
  const headersFor = (mode: Mode): Record<string, string> => {
    if (mode !== 'signed') return { 'content-type': 'application/json' };
    const requestId = randomUUID();
    return {
      'content-type': 'application/json',
      [SUBGRAPH_CONTEXT_HEADER]: context.header,
      [SUBGRAPH_REQUEST_ID_HEADER]: requestId,
      [SUBGRAPH_CONTEXT_SIGNATURE_HEADER]: signSubgraphCall(key, TRANSPORT_SUBGRAPH, Date.now(), requestId, context, body),
    };
  };
  const run = async (mode: Mode, count: number): Promise<{ server: number; client: number }> => {
    const { pool, path } = pools[mode];
    let started = 0;
    const serverBefore = await child.cpuMs();
    const clientBefore = process.cpuUsage();
    await Promise.all(
      Array.from({ length: connections }, async () => {
        while (started < count) {
          started += 1;
          const answer = await pool.request({ path, method: 'POST', headers: headersFor(mode), body });
          await answer.body.text();
          if (answer.statusCode !== 200) throw new Error(`${mode}: HTTP ${answer.statusCode}`);
        }
      }),
    );
    const clientCpu = process.cpuUsage(clientBefore);
    const serverMs = (await child.cpuMs()) - serverBefore;
    return { server: (serverMs * 1000) / count, client: (clientCpu.user + clientCpu.system) / count };
  };

  console.log(`transport bench: ${rounds} rounds × ${calls} calls per mode, ${connections} connections, body ${body.length} bytes`);
  for (const mode of MODES) await run(mode, Math.min(calls, 3000)); // warm-up, TLS handshakes included
  const results: Record<Mode, Array<{ server: number; client: number }>> = { plain: [], signed: [], mutualTls: [] };
  for (let round = 1; round <= rounds; round += 1) {
    for (const mode of MODES) results[mode].push(await run(mode, calls));
    console.log(`  round ${round}: ${MODES.map((mode) => `${mode} ${results[mode][round - 1]!.server.toFixed(1)} + ${results[mode][round - 1]!.client.toFixed(1)} µs`).join(', ')}`);
  }
  console.log('\n| mode | server CPU µs/call | client CPU µs/call | server over plain (round by round) | client over plain |');
  console.log('|---|--:|--:|--:|--:|');
  for (const mode of MODES) {
    const over = (side: 'server' | 'client'): number => median(results[mode].map((result, i) => result[side] - results.plain[i]![side]));
    const serverMedian = median(results[mode].map((result) => result.server));
    const clientMedian = median(results[mode].map((result) => result.client));
    console.log(`| ${mode} | ${serverMedian.toFixed(1)} | ${clientMedian.toFixed(1)} | ${over('server').toFixed(1)} | ${over('client').toFixed(1)} |`);
  }
  await Promise.all(Object.values(pools).map(({ pool }) => pool.close()));
  await child.stop();
}

function poolFor(url: string, connections: number, tls?: { ca: string; cert: string; key: string }): { pool: Pool; path: string } {
  const { origin, pathname } = new URL(url);
  return { pool: new Pool(origin, { connections, ...(tls ? { connect: { ca: tls.ca, cert: tls.cert, key: tls.key } } : {}) }), path: pathname };
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
