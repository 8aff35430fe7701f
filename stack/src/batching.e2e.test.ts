/**
 * A query for 100 citizens makes at most one batch call per bureau per query-plan fetch, counted
 * at the sandbox bureaus; and the contract's input errors come back with their codes.
 */
import { ALL_PROGRAMS, peopleOf, type Person } from './test-support/spec-oracle';
import type { RunningStack } from './stack';
import { mintIds, startFixtureStack } from './test-support/fixture-stack';
import { postGraphQL } from './test-support/graphql-client';
import { fetchesPerSubgraph } from './test-support/query-plan';

const PROFILE_QUERY = `
query Profile($ids: [ID!]!) {
  citizens(ids: $ids) {
    id
    identity { name birthDate householdStatus }
    eligibility { program eligible reasons }
    balances { medicalAccount { amountFen } transitTotalFen pendingSubsidiesFen }
    medicalInsurance { status }
    subsidies(first: 5) { totalCount edges { node { id anomalies } } }
    transitCards { cardNo status concessions }
  }
}`;

const SUBGRAPH_OF_BUREAU = {
  civilAffairs: 'civil-affairs',
  medicalInsurance: 'medical-insurance',
  finance: 'finance',
  transit: 'transit',
} as const;

describe('batching and input errors through the gateway', () => {
  let stack: RunningStack;
  let ids: string[];
  let people: Person[];

  beforeAll(async () => {
    const started = await startFixtureStack();
    stack = started.stack;
    people = peopleOf(started.population);
    const idNumbers = people.slice(0, 100).map((p) => p.idNumber);
    ids = [...(await mintIds(stack.gatewayUrl, idNumbers)).values()];
  }, 120_000);
  afterAll(() => stack?.close());

  it('makes at most one batch call per bureau per query-plan fetch for 100 citizens', async () => {
    for (const bureau of Object.values(stack.bureaus)) bureau.resetStats();
    const response = await postGraphQL<{ citizens: unknown[] }>(stack.gatewayUrl, PROFILE_QUERY, { ids });
    expect(response.errors).toBeUndefined();
    expect(response.data!.citizens).toHaveLength(100);
    const plannedFetches = fetchesPerSubgraph(stack.supergraphSdl, PROFILE_QUERY);
    for (const [bureau, subgraph] of Object.entries(SUBGRAPH_OF_BUREAU)) {
      const stats = stack.bureaus[bureau as keyof typeof SUBGRAPH_OF_BUREAU].stats();
      const calls = Object.values(stats).reduce((n, s) => n + s.calls, 0);
      expect({ bureau, calls: calls <= (plannedFetches[subgraph] ?? 0) }).toEqual({ bureau, calls: true });
      expect(calls).toBeGreaterThan(0);
      for (const s of Object.values(stats)) expect(s.keys).toBeLessThanOrEqual(200 * s.calls);
    }
  });

  it('rejects an ID number with a bad check digit or date as INVALID_ID_NUMBER', async () => {
    for (const bad of ['110105194912310021', '110105194902300029', '12345', '']) {
      const response = await postGraphQL(stack.gatewayUrl, 'query($n: String) { citizen(idNumber: $n) { id } }', { n: bad });
      expect(response.errors?.[0]?.extensions?.code).toBe('INVALID_ID_NUMBER');
    }
  });

  it('asks for exactly one of idNumber or id', async () => {
    const both = await postGraphQL(stack.gatewayUrl, '{ citizen(idNumber: "11010519491231002X", id: "x") { id } }');
    expect(both.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const neither = await postGraphQL(stack.gatewayUrl, '{ citizen { id } }');
    expect(neither.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('answers unknown pseudonymous IDs with null, in order', async () => {
    const response = await postGraphQL<{ citizens: Array<{ id: string } | null> }>(stack.gatewayUrl, 'query($ids: [ID!]!) { citizens(ids: $ids) { id } }', {
      ids: [ids[0], 'not-a-known-id', ids[1]],
    });
    expect(response.data!.citizens).toEqual([{ id: ids[0] }, null, { id: ids[1] }]);
  });

  it('gives a person known to no bureau empty answers, not errors', async () => {
    const response = await postGraphQL<{ citizen: { identity: null; eligibility: Array<{ eligible: boolean; reasons: string[] }>; medicalInsurance: null; transitCards: [] } }>(
      stack.gatewayUrl,
      '{ citizen(idNumber: "11010519491231002X") { identity { name } eligibility { eligible reasons } medicalInsurance { status } transitCards { cardNo } } }',
    );
    expect(response.errors).toBeUndefined();
    expect(response.data!.citizen.identity).toBeNull();
    expect(response.data!.citizen.eligibility).toHaveLength(ALL_PROGRAMS.length);
    expect(response.data!.citizen.eligibility.every((e) => e.eligible === false && e.reasons.includes('NO_CIVIL_AFFAIRS_RECORD'))).toBe(true);
  });

  it("follows a card to its owner and back to the owner's cards within the transit subgraph", async () => {
    const owner = people.find((p) => p.cards.length > 1)!;
    const card = owner.cards[0]!;
    const response = await postGraphQL<{ transitCard: { owner: { transitCards: Array<{ cardNo: string }> } } }>(
      stack.gatewayUrl,
      `{ transitCard(cardNo: "${card.cardNo}") { cardNo owner { id transitCards { cardNo status } } } }`,
    );
    expect(response.errors).toBeUndefined();
    expect(response.data!.transitCard.owner.transitCards.map((c) => c.cardNo).sort()).toEqual(owner.cards.map((c) => c.cardNo).sort());
  });

  it('rejects a transit card number failing its Luhn check', async () => {
    const response = await postGraphQL(stack.gatewayUrl, '{ transitCard(cardNo: "3101000000000011") { cardNo } }');
    expect(response.errors?.[0]?.extensions?.code).toBe('INVALID_CARD_NUMBER');
  });

  it('answers malformed requests with a code and no internals', async () => {
    const broken = await fetch(stack.gatewayUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query": ' });
    expect(broken.status).toBe(400);
    const body = (await broken.json()) as { errors: Array<{ extensions: { code: string } }> };
    expect(body.errors[0]!.extensions.code).toBe('BAD_REQUEST');
    const syntax = await postGraphQL(stack.gatewayUrl, '{ citizen(');
    expect(syntax.errors?.[0]?.extensions?.code).toBe('GRAPHQL_PARSE_FAILED');
    expect(JSON.stringify(syntax)).not.toMatch(/at .*\.(js|ts):\d+/);
  });

  it('serves /health and /ready', async () => {
    const base = stack.gatewayUrl.replace(/\/graphql$/, '');
    expect((await fetch(`${base}/health`)).status).toBe(200);
    const ready = await fetch(`${base}/ready`);
    expect(ready.status).toBe(200);
    expect(((await ready.json()) as { ready: boolean }).ready).toBe(true);
  });
});
