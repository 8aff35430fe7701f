/** The civil-affairs subgraph over HTTP, on an in-memory bureau built from population-2k. */
import { MemoryPseudonymVault, type RunningSubgraph } from '@huimin/subgraph-kit';
import { createPopulationClients, loadPopulation2k } from '../../kit/src/test-support/population-clients';
import { FIXTURE_NOW, postGraphQL, testPseudonyms } from '../../kit/src/test-support/graphql-http';
import { startCivilAffairsSubgraph } from './index';

const population = loadPopulation2k();
const pseudonyms = testPseudonyms();
const bureau = createPopulationClients(population);
const vault = new MemoryPseudonymVault();
let subgraph: RunningSubgraph;

const person = population.civilAffairs.find((r) => r.name.length === 3 && r.lifeStatus === 'ALIVE')!;
const civilIds = new Set(population.civilAffairs.map((r) => r.idNumber));
const stranger = population.medicalInsurance.find((r) => !civilIds.has(r.idNumber))!;
const key = (idNumber: string) => ({ __typename: 'Citizen', id: pseudonyms.idOf(idNumber), ref: pseudonyms.refOf(idNumber) });

beforeAll(async () => {
  subgraph = await startCivilAffairsSubgraph({ client: bureau.clients.civilAffairs, pseudonyms, vault, port: 0, clock: () => FIXTURE_NOW });
});
afterAll(() => subgraph.close());
beforeEach(() => bureau.reset());

describe('Query.citizen', () => {
  it('answers a valid ID number with id and ref, masked identity and the bureau asOf', async () => {
    const { data, errors } = await postGraphQL(subgraph.url, `query($n: String) { citizen(idNumber: $n) {
      id ref identity { name idNumber phone gender birthDate age district householdStatus lifeStatus diedOn asOf } } }`, { n: person.idNumber.toLowerCase() });
    expect(errors).toBeUndefined();
    expect(data?.citizen.id).toBe(pseudonyms.idOf(person.idNumber));
    expect(pseudonyms.openRef(data?.citizen.ref)).toBe(person.idNumber);
    const identity = data?.citizen.identity;
    expect(identity.name).toBe(`${person.name[0]}*${person.name[2]}`);
    expect(identity.idNumber).toBe(`${person.idNumber.slice(0, 6)}********${person.idNumber.slice(-4)}`);
    expect(identity.phone).toMatch(/^\d{3}\*{4}\d{4}$/);
    expect(identity.asOf).toBe(population.asOf);
    expect(identity.age).toBe(Number('2026') - Number(person.birthDate.slice(0, 4)) - (person.birthDate.slice(5) > '11-01' ? 1 : 0));
  });

  it('answers a valid ID number without a record with an id and null identity', async () => {
    const { data } = await postGraphQL(subgraph.url, `query($n: String) { citizen(idNumber: $n) { id identity { name } } }`, { n: stranger.idNumber });
    expect(data?.citizen).toEqual({ id: pseudonyms.idOf(stranger.idNumber), identity: null });
  });

  it('finds a remembered person by id and answers null for unknown ids', async () => {
    await postGraphQL(subgraph.url, `query($n: String) { citizen(idNumber: $n) { id } }`, { n: person.idNumber });
    const { data } = await postGraphQL(subgraph.url, `query($id: ID) { citizen(id: $id) { id identity { birthDate } } }`, { id: pseudonyms.idOf(person.idNumber) });
    expect(data?.citizen).toEqual({ id: pseudonyms.idOf(person.idNumber), identity: { birthDate: person.birthDate } });
    const unknown = await postGraphQL(subgraph.url, `{ citizen(id: "nobody") { id } }`);
    expect(unknown.data?.citizen).toBeNull();
  });

  it.each([
    ['both arguments', `{ citizen(idNumber: "${'1'.repeat(18)}", id: "x") { id } }`, 'BAD_USER_INPUT'],
    ['no argument', `{ citizen { id } }`, 'BAD_USER_INPUT'],
    ['a bad check digit', `{ citizen(idNumber: "110105194912310022") { id } }`, 'INVALID_ID_NUMBER'],
  ])('refuses %s', async (_, query, code) => {
    const { data, errors } = await postGraphQL(subgraph.url, query);
    expect(data?.citizen).toBeNull();
    expect(errors?.[0]?.extensions).toEqual({ code });
  });
});

describe('Query.citizens', () => {
  it('answers in order with null for unknown ids', async () => {
    const people = population.civilAffairs.slice(0, 3);
    for (const p of people) await vault.remember(pseudonyms.idOf(p.idNumber), pseudonyms.refOf(p.idNumber));
    const ids = [pseudonyms.idOf(people[2]!.idNumber), 'unknown', pseudonyms.idOf(people[0]!.idNumber)];
    const { data } = await postGraphQL(subgraph.url, `query($ids: [ID!]!) { citizens(ids: $ids) { id identity { birthDate } } }`, { ids });
    expect(data?.citizens).toEqual([
      { id: ids[0], identity: { birthDate: people[2]!.birthDate } },
      null,
      { id: ids[2], identity: { birthDate: people[0]!.birthDate } },
    ]);
    expect(bureau.count('getPersons')).toBe(1);
  });

  it('refuses more than 500 ids', async () => {
    const ids = Array.from({ length: 501 }, (_, i) => `id${i}`);
    const { errors } = await postGraphQL(subgraph.url, `query($ids: [ID!]!) { citizens(ids: $ids) { id } }`, { ids });
    expect(errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT' });
  });
});

describe('_entities', () => {
  const entities = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Citizen { id identity { name } civilStanding { available known birthDate } } } }`;

  it('resolves 100 citizens with exactly one batch call to the bureau', async () => {
    const representations = population.civilAffairs.slice(0, 100).map((r) => key(r.idNumber));
    const { data, errors } = await postGraphQL(subgraph.url, entities, { r: representations });
    expect(errors).toBeUndefined();
    expect(data?._entities).toHaveLength(100);
    expect(data?._entities[99].civilStanding).toEqual({ available: true, known: true, birthDate: population.civilAffairs[99]!.birthDate });
    expect(bureau.count('getPersons')).toBe(1);
    expect(bureau.calls[0]?.keys).toHaveLength(100);
  });

  it('refuses a representation whose id does not match its ref', async () => {
    const forged = { ...key(person.idNumber), id: pseudonyms.idOf(stranger.idNumber) };
    const { errors } = await postGraphQL(subgraph.url, entities, { r: [forged] });
    expect(errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT' });
  });

  it('evaluates eligibility with the insurance standing medical insurance supplied', async () => {
    const poor = population.civilAffairs.find((r) => r.householdStatus === 'LOW_INCOME' && r.lifeStatus === 'ALIVE')!;
    const representation = { ...key(poor.idNumber), insuranceStanding: { available: true, known: true, asOf: population.asOf, status: 'ACTIVE' } };
    const { data } = await postGraphQL(subgraph.url, `query($r: [_Any!]!) { _entities(representations: $r) { ... on Citizen {
      eligibility(on: "2026-11-01") { program eligible reasons sources { source available asOf } } } } }`, { r: [representation] });
    const eligibility = data?._entities[0].eligibility;
    expect(eligibility.map((e: { program: string }) => e.program)).toEqual([
      'ELDERLY_TRANSIT', 'DISABILITY_TRANSIT', 'MINIMUM_LIVING_ALLOWANCE', 'EXTREME_POVERTY_SUPPORT',
      'ELDERLY_CARE_SUBSIDY', 'DISABILITY_LIVING_SUBSIDY', 'MEDICAL_ASSISTANCE',
    ]);
    expect(eligibility[2]).toEqual({ program: 'MINIMUM_LIVING_ALLOWANCE', eligible: true, reasons: ['ELIGIBLE'], sources: [{ source: 'CIVIL_AFFAIRS', available: true, asOf: population.asOf }] });
    expect(eligibility[6]).toMatchObject({ eligible: true, sources: [{ source: 'CIVIL_AFFAIRS' }, { source: 'MEDICAL_INSURANCE', available: true }] });
  });

  it('answers the programmes asked for, in that order', async () => {
    const { data } = await postGraphQL(subgraph.url, `query($r: [_Any!]!) { _entities(representations: $r) { ... on Citizen {
      eligibility(programs: [MEDICAL_ASSISTANCE, ELDERLY_TRANSIT]) { program eligible reasons } } } }`, { r: [key(stranger.idNumber)] });
    expect(data?._entities[0].eligibility).toEqual([
      { program: 'MEDICAL_ASSISTANCE', eligible: null, reasons: ['NO_CIVIL_AFFAIRS_RECORD', 'SOURCE_UNAVAILABLE'] },
      { program: 'ELDERLY_TRANSIT', eligible: false, reasons: ['NO_CIVIL_AFFAIRS_RECORD'] },
    ]);
  });

  it('answers transit concessions for a card owner, [] without an owner', async () => {
    const elder = population.civilAffairs.find((r) => [1, 2].includes(r.disabilityLevel) && r.birthDate < '1950-01-01' && r.lifeStatus === 'ALIVE')!;
    const cards = [
      { __typename: 'TransitCard', cardNo: '1', owner: { id: pseudonyms.idOf(elder.idNumber), ref: pseudonyms.refOf(elder.idNumber) } },
      { __typename: 'TransitCard', cardNo: '2', owner: null },
    ];
    const { data } = await postGraphQL(subgraph.url, `query($r: [_Any!]!) { _entities(representations: $r) { ... on TransitCard { concessions } } }`, { r: cards });
    expect(data?._entities).toEqual([{ concessions: ['ELDERLY_TRANSIT', 'DISABILITY_TRANSIT'] }, { concessions: [] }]);
  });
});

describe('civil-affairs outage', () => {
  it('fails identity with UPSTREAM_UNAVAILABLE but answers standing and eligibility as unavailable', async () => {
    bureau.fail('CIVIL_AFFAIRS', 'UNAVAILABLE');
    const { data, errors } = await postGraphQL(subgraph.url, `query($r: [_Any!]!) { _entities(representations: $r) { ... on Citizen {
      id identity { name } civilStanding { available known } eligibility(programs: [ELDERLY_TRANSIT]) { eligible reasons sources { available asOf } } } } }`, { r: [key(person.idNumber)] });
    expect(errors).toHaveLength(1);
    expect(errors?.[0]).toMatchObject({ path: ['_entities', 0, 'identity'], extensions: { code: 'UPSTREAM_UNAVAILABLE', source: 'CIVIL_AFFAIRS' } });
    expect(data?._entities[0]).toMatchObject({
      id: pseudonyms.idOf(person.idNumber),
      identity: null,
      civilStanding: { available: false, known: false },
      eligibility: [{ eligible: null, reasons: ['SOURCE_UNAVAILABLE'], sources: [{ available: false, asOf: null }] }],
    });
  });

  it('reports a timeout as UPSTREAM_TIMEOUT', async () => {
    bureau.fail('CIVIL_AFFAIRS', 'TIMEOUT');
    const { errors } = await postGraphQL(subgraph.url, `query($n: String) { citizen(idNumber: $n) { id identity { name } } }`, { n: person.idNumber });
    expect(errors?.[0]?.extensions).toEqual({ code: 'UPSTREAM_TIMEOUT', source: 'CIVIL_AFFAIRS' });
  });
});

describe('replica', () => {
  it('answers replicated people from the daily exports and the rest with one batch call', async () => {
    const replicated = await startCivilAffairsSubgraph({
      client: bureau.clients.civilAffairs, pseudonyms, vault: new MemoryPseudonymVault(), port: 0, clock: () => FIXTURE_NOW, replicaDays: 60,
    });
    try {
      expect(bureau.count('dailyExport')).toBe(60);
      const inReplica = population.civilAffairs.filter((r) => replicated.replica?.get(r.idNumber)).slice(0, 5);
      const notInReplica = population.civilAffairs.filter((r) => !replicated.replica?.get(r.idNumber)).slice(0, 5);
      expect(inReplica).toHaveLength(5);
      const { data } = await postGraphQL(replicated.url, `query($r: [_Any!]!) { _entities(representations: $r) { ... on Citizen { identity { birthDate } } } }`,
        { r: [...inReplica, ...notInReplica].map((r) => key(r.idNumber)) });
      expect(data?._entities.map((e: { identity: { birthDate: string } }) => e.identity.birthDate)).toEqual([...inReplica, ...notInReplica].map((r) => r.birthDate));
      expect(bureau.calls.filter((c) => c.name === 'getPersons').map((c) => c.keys)).toEqual([notInReplica.map((r) => r.idNumber)]);
    } finally {
      await replicated.close();
    }
  });
});

it('answers GET /health', async () => {
  const response = await fetch(subgraph.url.replace('/graphql', '/health'));
  expect(await response.json()).toEqual({ status: 'ok' });
});
