/**
 * The stack's default subgraph trust, mutual TLS: every subgraph serves HTTPS and answers /graphql
 * only to the gateway's client certificate. Partners get their data through the gateway; a caller
 * without a certificate, with a partner's certificate from the same CA, or with the gateway's
 * certificate but no context, is refused by every subgraph.
 */
import { randomBytes } from 'node:crypto';
import { createDevMaterial, gatewayClientIdentity, type DevMaterial, type TlsIdentity } from '@huimin/certs';
import { loadGatewayConfig } from '@huimin/gateway';
import { generatePopulation } from '@huimin/sandbox';
import type { Population } from '@huimin/schema';
import { Agent, request } from 'undici';
import { startStack, type RunningStack } from './stack';
import { signedPost, tempAuditFile } from './test-support/access-stack';
import { peopleOf } from './test-support/spec-oracle';

describe('subgraphs over mutual TLS (the stack default)', () => {
  let stack: RunningStack;
  let material: DevMaterial;
  let population: Population;

  beforeAll(async () => {
    population = generatePopulation({ size: 30, seed: 23 });
    material = await createDevMaterial();
    stack = await startStack({
      population,
      material,
      gateway: loadGatewayConfig({ PORT: '0', HUIMIN_AUDIT_FILE: tempAuditFile() }),
      mqttUrl: process.env.MQTT_URL ?? 'mqtt://127.0.0.1:1883',
      mqttTopicPrefix: `huimin-e2e-${randomBytes(6).toString('hex')}/transit`,
    });
  }, 120_000);
  afterAll(() => stack?.close());

  /** One POST to a subgraph on its own connection, as `client` (or with no certificate). */
  async function direct(url: string, client: TlsIdentity | undefined, headers: Record<string, string> = {}): Promise<{ status: number; code?: string }> {
    const dispatcher = new Agent({ connect: { ca: material.caCertPem, ...(client ? { cert: client.certPem, key: client.keyPem } : {}) } });
    try {
      const answer = await request(url, { method: 'POST', dispatcher, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query: '{ __typename }' }) });
      const body = (await answer.body.json()) as { errors?: Array<{ extensions?: { code?: string } }> };
      return { status: answer.statusCode, code: body.errors?.[0]?.extensions?.code };
    } finally {
      await dispatcher.close();
    }
  }

  it('serves partners through the gateway, with every subgraph on HTTPS', async () => {
    for (const subgraph of Object.values(stack.subgraphs)) expect(subgraph.url).toMatch(/^https:\/\//);
    expect(stack.gatewayConfig.subgraphTls).not.toBeNull();
    const person = peopleOf(population).find((p) => p.civil !== null && p.cards.length > 0);
    if (!person) throw new Error('the population has no one with a civil record and a card');
    const answer = await signedPost<{ citizen: { identity: { name: string }; transitCards: unknown[] } }>(stack.gatewayUrl, {
      query: 'query($n: String!) { citizen(idNumber: $n) { identity { name } transitCards { cardNo } } }',
      variables: { n: person.idNumber },
    });
    expect(answer.errors).toBeUndefined();
    expect(answer.data?.citizen.transitCards.length).toBe(person.cards.length);
  });

  it('has every subgraph refuse callers without the gateway\'s certificate, or without a context', async () => {
    const partner = material.partners['counter-full'];
    const context = {
      'x-huimin-context': Buffer.from(JSON.stringify({ v: 4, partner: 'counter-full', purpose: 'BENEFIT_SERVICE', scopes: ['identity:full'], identity: 'full' })).toString('base64url'),
      'x-huimin-request-id': 'e2e-1',
    };
    for (const subgraph of Object.values(stack.subgraphs)) {
      const refused = [
        await direct(subgraph.url, undefined, context),
        await direct(subgraph.url, partner, context),
        await direct(subgraph.url, gatewayClientIdentity(material)),
      ];
      expect({ subgraph: subgraph.name, refused }).toEqual({ subgraph: subgraph.name, refused: Array(3).fill({ status: 401, code: 'UNAUTHENTICATED' }) });
      // The gateway's certificate with a context is served: what the refusals above differ by.
      expect(await direct(subgraph.url, gatewayClientIdentity(material), context)).toEqual({ status: 200, code: undefined });
    }
  });
});
