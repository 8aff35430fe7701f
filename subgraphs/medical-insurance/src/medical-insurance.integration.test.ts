/** The medical-insurance subgraph over HTTP, on an in-memory bureau built from population-2k. */
import type { RunningSubgraph } from '@huimin/subgraph-kit';
import { createPopulationClients, loadPopulation2k } from '../../kit/src/test-support/population-clients';
import { FIXTURE_NOW, postGraphQL, testPseudonyms } from '../../kit/src/test-support/graphql-http';
import { startMedicalInsuranceSubgraph } from './index';

const population = loadPopulation2k();
const pseudonyms = testPseudonyms();
const bureau = createPopulationClients(population);
let subgraph: RunningSubgraph;

const insured = population.medicalInsurance[0]!;
const insuredIds = new Set(population.medicalInsurance.map((r) => r.idNumber));
const uninsured = population.civilAffairs.find((r) => !insuredIds.has(r.idNumber))!;
const key = (idNumber: string) => ({ __typename: 'Citizen', id: pseudonyms.idOf(idNumber), ref: pseudonyms.refOf(idNumber) });
const CITIZEN = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Citizen {
  medicalInsurance { insuranceType status enrolledOn personalAccountBalanceFen annualOutOfPocketFen asOf }
  insuranceStanding { available known asOf status } balances { ref } } } }`;

beforeAll(async () => {
  subgraph = await startMedicalInsuranceSubgraph({ client: bureau.clients.medicalInsurance, pseudonyms, port: 0, clock: () => FIXTURE_NOW });
});
afterAll(() => subgraph.close());
beforeEach(() => bureau.reset());

it('answers the insurance record, its standing and the balances key', async () => {
  const { data, errors } = await postGraphQL(subgraph.url, CITIZEN, { r: [key(insured.idNumber), key(uninsured.idNumber)] });
  expect(errors).toBeUndefined();
  expect(data?._entities[0]).toEqual({
    medicalInsurance: {
      insuranceType: insured.insuranceType, status: insured.status, enrolledOn: insured.enrolledOn,
      personalAccountBalanceFen: insured.personalAccountBalanceFen, annualOutOfPocketFen: insured.annualOutOfPocketFen, asOf: population.asOf,
    },
    insuranceStanding: { available: true, known: true, asOf: population.asOf, status: insured.status },
    balances: { ref: pseudonyms.refOf(insured.idNumber) },
  });
  expect(data?._entities[1]).toMatchObject({ medicalInsurance: null, insuranceStanding: { available: true, known: false, status: null } });
  expect(bureau.count('getInsuredPersons')).toBe(1);
});

it('resolves 100 citizens with exactly one batch call to the bureau', async () => {
  const { data } = await postGraphQL(subgraph.url, CITIZEN, { r: population.medicalInsurance.slice(0, 100).map((r) => key(r.idNumber)) });
  expect(data?._entities).toHaveLength(100);
  expect(bureau.count('getInsuredPersons')).toBe(1);
});

it('answers Balances.medicalAccount, null without a record', async () => {
  const { data } = await postGraphQL(subgraph.url, `query($r: [_Any!]!) { _entities(representations: $r) { ... on Balances { medicalAccount { amountFen source asOf stale } } } }`,
    { r: [insured, uninsured].map((p) => ({ __typename: 'Balances', ref: pseudonyms.refOf(p.idNumber) })) });
  expect(data?._entities).toEqual([
    { medicalAccount: { amountFen: insured.personalAccountBalanceFen, source: 'MEDICAL_INSURANCE', asOf: population.asOf, stale: false } },
    { medicalAccount: null },
  ]);
});

it('refuses a forged ref', async () => {
  const { errors } = await postGraphQL(subgraph.url, `query($r: [_Any!]!) { _entities(representations: $r) { ... on Balances { medicalAccount { amountFen } } } }`,
    { r: [{ __typename: 'Balances', ref: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' }] });
  expect(errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT' });
});

it('in an outage fails the record fields but reports the standing as unavailable', async () => {
  bureau.fail('MEDICAL_INSURANCE', 'UNAVAILABLE');
  const { data, errors } = await postGraphQL(subgraph.url, CITIZEN, { r: [key(insured.idNumber)] });
  expect(errors?.map((e) => e.extensions)).toEqual([{ code: 'UPSTREAM_UNAVAILABLE', source: 'MEDICAL_INSURANCE' }]);
  expect(data?._entities[0]).toEqual({
    medicalInsurance: null,
    insuranceStanding: { available: false, known: false, asOf: null, status: null },
    balances: { ref: pseudonyms.refOf(insured.idNumber) },
  });
});
