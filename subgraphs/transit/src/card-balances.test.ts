/** Balances' transit part served stale from the last known cards while the card system is down. */
import { MemoryLastKnownStore, type RunningSubgraph } from '@huimin/subgraph-kit';
import { createPopulationClients, loadPopulation2k } from '../../kit/src/test-support/population-clients';
import { FIXTURE_NOW, postGraphQL, testPseudonyms } from '../../kit/src/test-support/graphql-http';
import { startTransitSubgraph } from './index';

const population = loadPopulation2k();
const pseudonyms = testPseudonyms();
const bureau = createPopulationClients(population);
const owners = new Map<string, typeof population.transit.cards>();
for (const card of population.transit.cards) owners.set(card.idNumber, [...(owners.get(card.idNumber) ?? []), card]);
const [ownerId, cards] = [...owners].find(([, list]) => list.length >= 2 && list.some((c) => c.status === 'CANCELLED')) ?? [...owners][0]!;
const BALANCES = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Balances { transitCards { cardNo status amountFen asOf stale } transitTotalFen } } }`;
let subgraph: RunningSubgraph;

beforeAll(async () => {
  subgraph = await startTransitSubgraph({
    client: bureau.clients.transit, pseudonyms, port: 0, clock: () => FIXTURE_NOW,
    lastKnown: { store: new MemoryLastKnownStore(), maxAgeMs: 24 * 3_600_000, clock: () => FIXTURE_NOW },
  });
});
afterAll(() => subgraph.close());
beforeEach(() => bureau.reset());

it('asks the card system once per person, and serves the last known cards stale while it is down', async () => {
  const variables = { r: [{ __typename: 'Balances', ref: pseudonyms.refOf(ownerId) }] };
  const expected = (stale: boolean) => ({
    transitCards: expect.arrayContaining(cards.map((c) => ({ cardNo: c.cardNo, status: c.status, amountFen: c.balanceFen, asOf: population.asOf, stale }))),
    transitTotalFen: cards.filter((c) => c.status !== 'CANCELLED').reduce((sum, c) => sum + c.balanceFen, 0),
  });
  const live = await postGraphQL(subgraph.url, BALANCES, variables);
  expect(live.errors).toBeUndefined();
  expect(live.data?._entities[0]).toEqual(expected(false));
  expect(bureau.count('cardsByOwner')).toBe(1);
  bureau.fail('TRANSIT', 'UNAVAILABLE');
  const down = await postGraphQL(subgraph.url, BALANCES, variables);
  expect(down.errors).toBeUndefined();
  expect(down.data?._entities[0]).toEqual(expected(true));
});

it('fails as the outage for a person never seen', async () => {
  const stranger = [...owners.keys()].find((id) => id !== ownerId)!;
  bureau.fail('TRANSIT', 'UNAVAILABLE');
  const { errors } = await postGraphQL(subgraph.url, BALANCES, { r: [{ __typename: 'Balances', ref: pseudonyms.refOf(stranger) }] });
  expect(errors?.[0]?.extensions).toEqual({ code: 'UPSTREAM_UNAVAILABLE', source: 'TRANSIT' });
});
