/**
 * Partner access through the whole stack (Redis on this machine for the nonces): authentication
 * refusals, replay to a second gateway sharing Redis, purposes, each scope's fields served to
 * exactly the partners holding it, masking, and subgraphs that answer only the gateway.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEV_PARTNERS_FILE, buildGatewayFeatures, loadGatewayConfig, startGateway, type RunningGateway } from '@huimin/gateway';
import type { Population } from '@huimin/schema';
import type { RunningStack } from './stack';
import { mintIds, startFixtureStack } from './test-support/fixture-stack';
import { DEV_ANALYTICS_BEARER_KEY, devSigner, postGraphQL, signedHeaders, type GraphQLResponse } from './test-support/graphql-client';
import { expectedMaskedIdNumber, expectedMaskedName, expectedMaskedPhone, peopleOf, type Person } from './test-support/spec-oracle';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const DEV_PARTNERS = (JSON.parse(readFileSync(DEV_PARTNERS_FILE, 'utf8')) as { partners: Array<{ id: string; scopes: string[] }> }).partners;

type PartnerId = 'demo-app' | 'counter-full' | 'transit-interconnect' | 'analytics';
const PARTNERS: PartnerId[] = ['demo-app', 'counter-full', 'transit-interconnect', 'analytics'];

/** Asks as a dev partner: HMAC for three of them, the bearer key for analytics. */
function askAs(url: string, partner: PartnerId, query: string, variables: Record<string, unknown> = {}): Promise<GraphQLResponse<Record<string, unknown>>> {
  if (partner === 'analytics') {
    return postGraphQL(url, query, variables, { authorization: `Bearer ${DEV_ANALYTICS_BEARER_KEY}`, 'x-huimin-purpose': 'STATISTICS' }, null);
  }
  return postGraphQL(url, query, variables, {}, devSigner(partner));
}

async function send(url: string, body: string, headers: Record<string, string>): Promise<{ status: number; code: unknown; message: unknown; data: unknown }> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  const json = (await response.json()) as { data?: unknown; errors?: Array<{ message: string; extensions?: { code?: string } }> };
  return { status: response.status, code: json.errors?.[0]?.extensions?.code, message: json.errors?.[0]?.message, data: json.data };
}

function at(data: unknown, path: readonly string[]): unknown {
  return path.reduce<unknown>((value, key) => (value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined), data);
}

describe('partner access through the stack', () => {
  const key = randomBytes(32).toString('hex');
  const gatewayEnv = { REDIS_URL, HUIMIN_REDIS_PREFIX: `huimin-e2e-${randomBytes(6).toString('hex')}:`, HUIMIN_SUBGRAPH_CONTEXT_KEY: key };
  let stack: RunningStack;
  let population: Population;
  let person: Person;
  let id: string;
  let cardNo: string;

  beforeAll(async () => {
    ({ stack, population } = await startFixtureStack(undefined, gatewayEnv));
    person = peopleOf(population).find((p) => p.civil?.phone && p.medical && p.cards.length > 0 && p.disbursements.length > 0)!;
    id = (await mintIds(stack.gatewayUrl, [person.idNumber])).get(person.idNumber)!;
    cardNo = person.cards[0]!.cardNo;
  }, 120_000);
  afterAll(() => stack?.close());

  const body = JSON.stringify({ query: '{ subsidyPrograms { code } }' });

  it('refuses unsigned, badly signed, stale, replayed and unknown-partner requests with UNAUTHENTICATED', async () => {
    const url = stack.gatewayUrl;
    const good = signedHeaders(url, body, devSigner('demo-app'));
    const refused = {
      unsigned: await send(url, body, { 'x-huimin-purpose': 'BENEFIT_SERVICE' }),
      badlySigned: await send(url, body, signedHeaders(url, body, { ...devSigner('demo-app'), secret: 'counter-full-dev-secret' })),
      otherBody: await send(url, JSON.stringify({ query: '{ citizens(ids: []) { id } }' }), signedHeaders(url, body, devSigner('demo-app'))),
      stale: await send(url, body, { ...good, 'x-huimin-timestamp': String(Date.now() - 301_000) }),
      unknownPartner: await send(url, body, signedHeaders(url, body, { partner: 'nobody', secret: 'nobody-dev-secret', purpose: 'BENEFIT_SERVICE' })),
      first: await send(url, body, good),
      replayed: await send(url, body, good),
    };
    expect(refused.first).toMatchObject({ status: 200, data: { subsidyPrograms: expect.any(Array) } });
    const { first: _first, ...rest } = refused;
    for (const [name, answer] of Object.entries(rest)) expect({ name, status: answer.status, code: answer.code }).toEqual({ name, status: 401, code: 'UNAUTHENTICATED' });
    expect(refused.stale.message).toMatch(/300 s/);
    expect(refused.replayed.message).toMatch(/replayed/);
  });

  it('refuses a request replayed to a second gateway (its own Redis connection) sharing the Redis nonces', async () => {
    const config = loadGatewayConfig({
      ...gatewayEnv, PORT: '0', HUIMIN_PARTNERS_FILE: DEV_PARTNERS_FILE,
      HUIMIN_AUDIT_FILE: join(mkdtempSync(join(tmpdir(), 'huimin-e2e-audit-')), 'audit.jsonl'),
    });
    let second: RunningGateway | undefined;
    try {
      second = await startGateway(config, stack.supergraphSdl, await buildGatewayFeatures(config));
      const headers = signedHeaders(stack.gatewayUrl, body, devSigner('counter-full'));
      expect((await send(stack.gatewayUrl, body, headers)).status).toBe(200);
      const replay = await send(second.url, body, { ...headers });
      expect(replay).toMatchObject({ status: 401, code: 'UNAUTHENTICATED', message: expect.stringMatching(/replayed/) });
      const fresh = await send(second.url, body, signedHeaders(second.url, body, devSigner('counter-full')));
      expect(fresh.status).toBe(200);
    } finally {
      await second?.close();
    }
  });

  it('requires a purpose registered for the partner', async () => {
    const url = stack.gatewayUrl;
    const missing = signedHeaders(url, body, devSigner('demo-app'));
    delete missing['x-huimin-purpose'];
    expect(await send(url, body, missing)).toMatchObject({ status: 400, code: 'BAD_REQUEST', message: expect.stringMatching(/X-Huimin-Purpose/) });
    expect(await send(url, body, signedHeaders(url, body, devSigner('demo-app', 'STATISTICS')))).toMatchObject({ status: 403, code: 'FORBIDDEN' });
    expect(await send(url, body, signedHeaders(url, body, devSigner('demo-app', 'MARKETING')))).toMatchObject({ status: 403, code: 'FORBIDDEN' });
    const analytics = await send(url, body, { authorization: `Bearer ${DEV_ANALYTICS_BEARER_KEY}`, 'x-huimin-purpose': 'STATISTICS' });
    expect(analytics.status).toBe(200);
  });

  // Each probe selects one scoped field beside something every partner may see, so a partner
  // without the scope gets the rest with a FORBIDDEN error for the field (or its nullable parent).
  const PROBES: Array<{ field: string; anyOf: string[][]; query: string; errorPath: string[]; valuePath: string[] }> = [
    { field: 'Citizen.identity', anyOf: [['identity:read'], ['identity:full']], query: 'query($id: ID!) { citizen(id: $id) { id identity { district } } }', errorPath: ['citizen', 'identity'], valuePath: ['citizen', 'identity', 'district'] },
    { field: 'Citizen.eligibility', anyOf: [['eligibility:read']], query: 'query($id: ID!) { citizen(id: $id) { id eligibility { program } } }', errorPath: ['citizen', 'eligibility'], valuePath: ['citizen', 'eligibility'] },
    { field: 'Citizen.balances', anyOf: [['balance:read']], query: 'query($id: ID!) { citizen(id: $id) { id balances { transitTotalFen medicalAccount { amountFen } } } }', errorPath: ['citizen', 'balances'], valuePath: ['citizen', 'balances', 'transitTotalFen'] },
    { field: 'Citizen.medicalInsurance', anyOf: [['medical:read']], query: 'query($id: ID!) { citizen(id: $id) { id medicalInsurance { status } } }', errorPath: ['citizen', 'medicalInsurance'], valuePath: ['citizen', 'medicalInsurance', 'status'] },
    { field: 'Citizen.subsidies', anyOf: [['subsidy:read']], query: 'query($id: ID!) { citizen(id: $id) { id subsidies { totalCount } } }', errorPath: ['citizen', 'subsidies'], valuePath: ['citizen', 'subsidies', 'totalCount'] },
    { field: 'Citizen.transitCards', anyOf: [['transit:read']], query: 'query($id: ID!) { citizen(id: $id) { id transitCards { cardNo } } }', errorPath: ['citizen', 'transitCards'], valuePath: ['citizen', 'transitCards'] },
    { field: 'Query.transitCard', anyOf: [['transit:read']], query: 'query($card: String!) { subsidyPrograms { code } transitCard(cardNo: $card) { cardNo } }', errorPath: ['transitCard'], valuePath: ['transitCard', 'cardNo'] },
    { field: 'TransitCard.concessions', anyOf: [['transit:read', 'eligibility:read']], query: 'query($id: ID!) { citizen(id: $id) { id transitCards { cardNo concessions } } }', errorPath: ['citizen', 'transitCards'], valuePath: ['citizen', 'transitCards'] },
    { field: 'Query.citizens', anyOf: [['analytics:read']], query: 'query($id: ID!) { subsidyPrograms { code } citizens(ids: [$id]) { id } }', errorPath: ['citizens'], valuePath: ['citizens'] },
  ];

  it("serves each scope's fields to exactly the partners that hold it", async () => {
    const outcomes: string[] = [];
    const expected: string[] = [];
    for (const probe of PROBES) {
      for (const partner of PARTNERS) {
        const scopes = new Set(DEV_PARTNERS.find((p) => p.id === partner)!.scopes);
        const holds = probe.anyOf.some((group) => group.every((scope) => scopes.has(scope)));
        const response = await askAs(stack.gatewayUrl, partner, probe.query, { id, card: cardNo });
        const forbidden = response.errors?.filter((e) => e.extensions?.code === 'FORBIDDEN') ?? [];
        const served = at(response.data, probe.valuePath);
        const other = response.errors?.filter((e) => e.extensions?.code !== 'FORBIDDEN') ?? [];
        const refusedPaths = forbidden.map((e) => (e.extensions?.path as string[]).join('.'));
        outcomes.push(`${probe.field} ${partner}: ${served !== undefined && served !== null ? 'served' : 'refused'} ${refusedPaths.join(',')} ${other.map((e) => e.extensions?.code).join(',')}`);
        expected.push(`${probe.field} ${partner}: ${holds ? 'served ' : `refused ${probe.errorPath.join('.')}`} `);
        expect(response.status).toBe(200);
      }
    }
    expect(outcomes).toEqual(expected);
  });

  it('refuses an operation with nothing permitted, and never asks a subgraph for a refused field', async () => {
    // analytics' development rate limit is 5/s with a burst of 10, and the scope test above spent
    // about that: 1.2 s refill the 6 requests this test makes as analytics, however fast it ran.
    await new Promise((resolve) => setTimeout(resolve, 1200));
    const nothing = await askAs(stack.gatewayUrl, 'analytics', 'query($id: ID!) { citizen(id: $id) { identity { name } } }', { id });
    expect(nothing).toMatchObject({ status: 403, errors: [{ extensions: { code: 'FORBIDDEN', path: ['citizen', 'identity'] } }] });
    expect(nothing.data).toBeUndefined();

    // A variable only the cut field used is left unused: the planner must not mind.
    const unusedVariable = await askAs(stack.gatewayUrl, 'analytics', 'query($id: ID!, $on: Date) { citizen(id: $id) { id identity { age(on: $on) } } }', { id, on: '2026-01-01' });
    expect(unusedVariable.data).toEqual({ citizen: { id, identity: null } });
    expect(unusedVariable.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);

    const medicalCalls = (): number => Object.values(stack.bureaus.medicalInsurance.stats()).reduce((n, s) => n + s.calls, 0);
    const query = 'query($id: ID!) { citizen(id: $id) { id medicalInsurance { status } } }';
    stack.bureaus.medicalInsurance.resetStats();
    const refused = await askAs(stack.gatewayUrl, 'analytics', query, { id });
    expect(refused.data).toEqual({ citizen: { id, medicalInsurance: null } });
    expect(medicalCalls()).toBe(0);
    await askAs(stack.gatewayUrl, 'demo-app', query, { id });
    expect(medicalCalls()).toBeGreaterThan(0);
  });

  it('masks name, ID number and phone unless identity:full, and always through the analytics batch', async () => {
    const civil = person.civil!;
    const masked = { name: expectedMaskedName(civil.name), idNumber: expectedMaskedIdNumber(civil.idNumber), phone: expectedMaskedPhone(civil.phone!) };
    const single = 'query($id: ID!) { citizen(id: $id) { identity { name idNumber phone } } }';
    const batch = 'query($id: ID!) { citizens(ids: [$id]) { identity { name idNumber phone } } }';
    expect((await askAs(stack.gatewayUrl, 'demo-app', single, { id })).data).toEqual({ citizen: { identity: masked } });
    expect((await askAs(stack.gatewayUrl, 'counter-full', single, { id })).data).toEqual({ citizen: { identity: { name: civil.name, idNumber: civil.idNumber, phone: civil.phone } } });
    expect((await askAs(stack.gatewayUrl, 'counter-full', batch, { id })).data).toEqual({ citizens: [{ identity: masked }] });
    const aliased = await askAs(stack.gatewayUrl, 'demo-app', 'query($id: ID!) { c: citizen(id: $id) { i: identity { n: name ...P } } } fragment P on CitizenIdentity { p: phone }', { id });
    expect(aliased.data).toEqual({ c: { i: { n: masked.name, p: masked.phone } } });
  });

  it('has subgraphs refuse anyone but the gateway', async () => {
    for (const subgraph of Object.values(stack.subgraphs)) {
      for (const query of ['{ __typename }', '{ _service { sdl } }']) {
        const answer = await send(subgraph.url, JSON.stringify({ query }), {});
        expect({ subgraph: subgraph.name, status: answer.status, code: answer.code }).toEqual({ subgraph: subgraph.name, status: 401, code: 'UNAUTHENTICATED' });
      }
    }
    const forged = await send(stack.subgraphs['civil-affairs'].url, JSON.stringify({ query: '{ __typename }' }), {
      'x-huimin-context': Buffer.from(JSON.stringify({ v: 1, sub: 'civil-affairs', partner: 'counter-full', scopes: ['identity:full'] })).toString('base64url'),
      'x-huimin-context-signature': '0'.repeat(64),
    });
    expect(forged.status).toBe(401);
  });
});
