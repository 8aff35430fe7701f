/**
 * The gateway over HTTPS with client certificates from the deployment CA: a partner registered
 * for mutual TLS is who its certificate's subject CN says; a certificate from another CA, or for
 * a partner not registered for it, is UNAUTHENTICATED; HMAC and bearer partners need no certificate.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDevMaterial, serverIdentity, type DevMaterial, type TlsIdentity } from '@huimin/certs';
import { DEV_PARTNERS_FILE, buildGatewayFeatures, loadGatewayConfig, startGateway, type RunningGateway } from '@huimin/gateway';
import type { Population } from '@huimin/schema';
import type { RunningStack } from './stack';
import { startFixtureStack } from './test-support/fixture-stack';
import { DEV_ANALYTICS_BEARER_KEY, devSigner, signedHeaders } from './test-support/graphql-client';

interface Answer {
  status: number;
  body: { data?: Record<string, unknown>; errors?: Array<{ message: string; extensions: { code: string } }> };
}

describe('partners over mutual TLS', () => {
  const key = randomBytes(32).toString('hex');
  let stack: RunningStack;
  let population: Population;
  let material: DevMaterial;
  let impostor: DevMaterial;
  let gateway: RunningGateway;

  beforeAll(async () => {
    [{ stack, population }, material, impostor] = await Promise.all([
      startFixtureStack(undefined, { HUIMIN_SUBGRAPH_CONTEXT_KEY: key }),
      createDevMaterial({ servers: ['gateway'], partners: ['transit-interconnect', 'demo-app'] }),
      createDevMaterial({ servers: [], partners: ['transit-interconnect'] }),
    ]);
    const dir = mkdtempSync(join(tmpdir(), 'huimin-e2e-tls-'));
    const file = (name: string, pem: string): string => {
      writeFileSync(join(dir, name), pem, { mode: 0o600 });
      return join(dir, name);
    };
    const identity = serverIdentity(material, 'gateway');
    const config = loadGatewayConfig({
      PORT: '0', HUIMIN_PARTNERS_FILE: DEV_PARTNERS_FILE, HUIMIN_SUBGRAPH_CONTEXT_KEY: key, HUIMIN_AUDIT_FILE: join(dir, 'audit.jsonl'),
      HUIMIN_TLS_CERT: file('gateway.crt.pem', identity.certPem), HUIMIN_TLS_KEY: file('gateway.key.pem', identity.keyPem), HUIMIN_TLS_CA: file('ca.crt.pem', material.caCertPem),
    });
    gateway = await startGateway(config, stack.supergraphSdl, await buildGatewayFeatures(config));
  }, 120_000);
  afterAll(async () => {
    await gateway?.close();
    await stack?.close();
  });

  function ask(query: string, options: { client?: TlsIdentity; headers?: Record<string, string> } = {}): Promise<Answer> {
    const body = JSON.stringify({ query });
    return new Promise((resolve, reject) => {
      const req = request(
        gateway.url,
        {
          method: 'POST',
          ca: material.caCertPem,
          ...(options.client ? { cert: options.client.certPem, key: options.client.keyPem } : {}),
          headers: { 'content-type': 'application/json', 'x-huimin-purpose': 'BENEFIT_SERVICE', ...options.headers },
          agent: false,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Answer['body'] }));
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  const cardQuery = (): string => `{ transitCard(cardNo: "${population.transit.cards[0]!.cardNo}") { cardNo concessions } }`;

  it('serves HTTPS and takes a certificate from the deployment CA as the partner its CN names', async () => {
    expect(gateway.url).toMatch(/^https:\/\//);
    const answer = await ask(cardQuery(), { client: material.partners['transit-interconnect'] });
    expect(answer.status).toBe(200);
    expect(answer.body.data?.transitCard).toMatchObject({ cardNo: population.transit.cards[0]!.cardNo });
    // transit-interconnect holds no identity scope: the certificate carries its scopes, not more.
    const identity = await ask(`{ citizen(idNumber: "${population.civilAffairs[0]!.idNumber}") { id identity { name } } }`, { client: material.partners['transit-interconnect'] });
    expect(identity.body.errors?.[0]?.extensions.code).toBe('FORBIDDEN');
  });

  it('refuses a certificate from another CA, or for a partner not registered for mutual TLS, and a request with no proof at all', async () => {
    for (const client of [impostor.partners['transit-interconnect'], material.partners['demo-app'], undefined]) {
      const answer = await ask(cardQuery(), client ? { client } : {});
      expect({ status: answer.status, code: answer.body.errors?.[0]?.extensions.code }).toEqual({ status: 401, code: 'UNAUTHENTICATED' });
    }
  });

  it('still takes HMAC-signed and bearer requests without a certificate', async () => {
    const query = '{ subsidyPrograms { code } }';
    const signed = signedHeaders(gateway.url, JSON.stringify({ query }), devSigner('demo-app'));
    expect((await ask(query, { headers: signed })).status).toBe(200);
    expect((await ask(query, { headers: { authorization: `Bearer ${DEV_ANALYTICS_BEARER_KEY}` } })).status).toBe(200);
  });
});
