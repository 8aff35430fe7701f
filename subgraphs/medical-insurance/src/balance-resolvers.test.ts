/** Balances.medicalAccount served stale from the last known value while the bureau is unavailable. */
import { MemoryLastKnownStore, type RunningSubgraph } from '@huimin/subgraph-kit';
import { createPopulationClients, loadPopulation2k } from '../../kit/src/test-support/population-clients';
import { FIXTURE_NOW, postGraphQL, testPseudonyms } from '../../kit/src/test-support/graphql-http';
import { startMedicalInsuranceSubgraph } from './index';

const population = loadPopulation2k();
const pseudonyms = testPseudonyms();
const bureau = createPopulationClients(population);
const [insured, other] = population.medicalInsurance;
const uninsured = population.civilAffairs.find((r) => !population.medicalInsurance.some((m) => m.idNumber === r.idNumber))!;
const ACCOUNT = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Balances { medicalAccount { amountFen source asOf stale } } } }`;
const balances = (...idNumbers: string[]) => ({ r: idNumbers.map((id) => ({ __typename: 'Balances', ref: pseudonyms.refOf(id) })) });
let subgraph: RunningSubgraph;
let now = FIXTURE_NOW;

beforeAll(async () => {
  subgraph = await startMedicalInsuranceSubgraph({
    client: bureau.clients.medicalInsurance, pseudonyms, port: 0,
    lastKnown: { store: new MemoryLastKnownStore(), maxAgeMs: 24 * 3_600_000, clock: () => now },
  });
});
afterAll(() => subgraph.close());
beforeEach(() => bureau.reset());

it('serves the last known balance, stale with its asOf, while the bureau is down; fails without one', async () => {
  const live = await postGraphQL(subgraph.url, ACCOUNT, balances(insured!.idNumber, uninsured.idNumber));
  expect(live.data?._entities[0].medicalAccount).toEqual({ amountFen: insured!.personalAccountBalanceFen, source: 'MEDICAL_INSURANCE', asOf: population.asOf, stale: false });
  bureau.fail('MEDICAL_INSURANCE', 'UNAVAILABLE');
  const { data, errors } = await postGraphQL(subgraph.url, ACCOUNT, balances(insured!.idNumber, other!.idNumber, uninsured.idNumber));
  expect(data?._entities[0].medicalAccount).toEqual({ amountFen: insured!.personalAccountBalanceFen, source: 'MEDICAL_INSURANCE', asOf: population.asOf, stale: true });
  // Never asked before, and "no record" is never served from the cache: both fail with the outage.
  expect(data?._entities[1].medicalAccount).toBeNull();
  expect(data?._entities[2].medicalAccount).toBeNull();
  expect(errors?.map((e) => e.extensions)).toEqual([
    { code: 'UPSTREAM_UNAVAILABLE', source: 'MEDICAL_INSURANCE' },
    { code: 'UPSTREAM_UNAVAILABLE', source: 'MEDICAL_INSURANCE' },
  ]);
});

it('does not serve a value older than the maximum age', async () => {
  await postGraphQL(subgraph.url, ACCOUNT, balances(insured!.idNumber));
  now += 25 * 3_600_000;
  bureau.fail('MEDICAL_INSURANCE', 'TIMEOUT');
  const { data, errors } = await postGraphQL(subgraph.url, ACCOUNT, balances(insured!.idNumber));
  expect(data?._entities[0].medicalAccount).toBeNull();
  expect(errors?.[0]?.extensions).toEqual({ code: 'UPSTREAM_TIMEOUT', source: 'MEDICAL_INSURANCE' });
});
