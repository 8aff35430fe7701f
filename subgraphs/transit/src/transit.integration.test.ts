/** The transit subgraph over HTTP, on an in-memory bureau built from population-2k. */
import { luhnCheckDigit } from '@huimin/schema';
import type { RunningSubgraph } from '@huimin/subgraph-kit';
import { createPopulationClients, loadPopulation2k } from '../../kit/src/test-support/population-clients';
import { FIXTURE_NOW, postGraphQL, testPseudonyms } from '../../kit/src/test-support/graphql-http';
import { startTransitSubgraph } from './index';

const population = loadPopulation2k();
const pseudonyms = testPseudonyms();
const bureau = createPopulationClients(population);
let subgraph: RunningSubgraph;

const card = population.transit.cards[0]!;
const CARD = `cardNo cardType status statusAsOf balanceFen balanceAsOf owner { id ref }`;
const key = (idNumber: string) => ({ __typename: 'Citizen', id: pseudonyms.idOf(idNumber), ref: pseudonyms.refOf(idNumber) });

beforeAll(async () => {
  subgraph = await startTransitSubgraph({ client: bureau.clients.transit, pseudonyms, port: 0, clock: () => FIXTURE_NOW });
});
afterAll(() => subgraph.close());
beforeEach(() => bureau.reset());

describe('Query.transitCard', () => {
  it('answers a card with its asOf and owner key', async () => {
    const { data, errors } = await postGraphQL(subgraph.url, `query($c: String!) { transitCard(cardNo: $c) { ${CARD} } }`, { c: card.cardNo });
    expect(errors).toBeUndefined();
    expect(data?.transitCard).toEqual({
      cardNo: card.cardNo, cardType: card.cardType, status: card.status, statusAsOf: population.asOf,
      balanceFen: card.balanceFen, balanceAsOf: population.asOf,
      owner: { id: pseudonyms.idOf(card.idNumber), ref: pseudonyms.refOf(card.idNumber) },
    });
  });

  it('answers null for an unknown valid card and INVALID_CARD_NUMBER for a bad check digit', async () => {
    const unknown = `9999000000000${'12'}`;
    const valid = unknown + luhnCheckDigit(unknown);
    expect((await postGraphQL(subgraph.url, `{ transitCard(cardNo: "${valid}") { cardNo } }`)).data?.transitCard).toBeNull();
    const bad = valid.slice(0, -1) + String((Number(valid.slice(-1)) + 1) % 10);
    const { errors } = await postGraphQL(subgraph.url, `{ transitCard(cardNo: "${bad}") { cardNo } }`);
    expect(errors?.[0]?.extensions).toEqual({ code: 'INVALID_CARD_NUMBER' });
  });

  it('fails with the bureau named in an outage', async () => {
    bureau.fail('TRANSIT', 'TIMEOUT');
    const { errors } = await postGraphQL(subgraph.url, `{ transitCard(cardNo: "${card.cardNo}") { cardNo } }`);
    expect(errors?.[0]?.extensions).toEqual({ code: 'UPSTREAM_TIMEOUT', source: 'TRANSIT' });
  });
});

describe('_entities', () => {
  it('resolves 100 cards with exactly one batch call', async () => {
    const r = population.transit.cards.slice(0, 100).map((c) => ({ __typename: 'TransitCard', cardNo: c.cardNo }));
    const { data } = await postGraphQL(subgraph.url, `query($r: [_Any!]!) { _entities(representations: $r) { ... on TransitCard { cardNo balanceFen } } }`, { r });
    expect(data?._entities.map((c: { cardNo: string }) => c.cardNo)).toEqual(r.map((c) => c.cardNo));
    expect(bureau.count('queryCards')).toBe(1);
  });

  it('resolves 100 citizens\' cards and balances with exactly one cardsByOwner call', async () => {
    const owners = [...new Set(population.transit.cards.map((c) => c.idNumber))].slice(0, 100);
    const { data, errors } = await postGraphQL(subgraph.url, `query($r: [_Any!]!) { _entities(representations: $r) { ... on Citizen {
      transitCards { cardNo statusAsOf } balances { ref } } } }`, { r: owners.map(key) });
    expect(errors).toBeUndefined();
    expect(data?._entities[0].transitCards.map((c: { cardNo: string }) => c.cardNo))
      .toEqual(population.transit.cards.filter((c) => c.idNumber === owners[0]).map((c) => c.cardNo));
    expect(bureau.count('cardsByOwner')).toBe(1);
  });

  it('answers Balances with every card listed and cancelled cards left out of the total', async () => {
    const owner = population.transit.cards.find((c) => c.status === 'CANCELLED')!.idNumber;
    const cards = population.transit.cards.filter((c) => c.idNumber === owner);
    const { data } = await postGraphQL(subgraph.url, `query($r: [_Any!]!) { _entities(representations: $r) { ... on Balances {
      transitCards { cardNo status amountFen asOf stale } transitTotalFen } } }`, { r: [{ __typename: 'Balances', ref: pseudonyms.refOf(owner) }] });
    expect(data?._entities[0]).toEqual({
      transitCards: cards.map((c) => ({ cardNo: c.cardNo, status: c.status, amountFen: c.balanceFen, asOf: population.asOf, stale: false })),
      transitTotalFen: cards.filter((c) => c.status !== 'CANCELLED').reduce((s, c) => s + c.balanceFen, 0),
    });
  });
});
