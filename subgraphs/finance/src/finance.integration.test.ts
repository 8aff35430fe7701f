/** The finance subgraph over HTTP, on an in-memory bureau built from population-2k. */
import type { CivilAffairsRecord } from '@huimin/schema';
import type { RunningSubgraph } from '@huimin/subgraph-kit';
import { createPopulationClients, loadPopulation2k, TEST_PROGRAMS } from '../../kit/src/test-support/population-clients';
import { FIXTURE_NOW, postGraphQL, testPseudonyms } from '../../kit/src/test-support/graphql-http';
import { startFinanceSubgraph } from './index';

const population = loadPopulation2k();
const pseudonyms = testPseudonyms();
const bureau = createPopulationClients(population);
let subgraph: RunningSubgraph;

const civil = new Map(population.civilAffairs.map((r) => [r.idNumber, r]));
const disbursementsOf = (idNumber: string) => population.finance.disbursements.filter((d) => d.idNumber === idNumber);
const INSURED = { available: true, known: true, asOf: population.asOf, status: 'ACTIVE' };
function standing(record: CivilAffairsRecord | undefined) {
  if (!record) return { available: true, known: false, asOf: population.asOf, birthDate: null, disabilityLevel: null, householdStatus: null, diedOn: null };
  const { birthDate, disabilityLevel, householdStatus, diedOn } = record;
  return { available: true, known: true, asOf: population.asOf, birthDate, disabilityLevel, householdStatus, diedOn };
}
const representation = (idNumber: string) => ({
  __typename: 'Citizen', id: pseudonyms.idOf(idNumber), ref: pseudonyms.refOf(idNumber),
  civilStanding: standing(civil.get(idNumber)), insuranceStanding: INSURED,
});
const SUBSIDIES = `query($r: [_Any!]!, $first: Int, $after: String, $status: [DisbursementStatus!], $period: String) {
  _entities(representations: $r) { ... on Citizen { subsidies(first: $first, after: $after, status: $status, period: $period) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { cursor node { id programCode period amountFen status history { status at reason } bankAccountMasked anomalies } } } } } }`;

beforeAll(async () => {
  subgraph = await startFinanceSubgraph({ client: bureau.clients.finance, pseudonyms, port: 0, clock: () => FIXTURE_NOW });
});
afterAll(() => subgraph.close());
beforeEach(() => bureau.reset());

describe('Citizen.subsidies', () => {
  const busiest = [...new Set(population.finance.disbursements.map((d) => d.idNumber))]
    .sort((a, b) => disbursementsOf(b).length - disbursementsOf(a).length)[0]!;

  it('pages newest period first with opaque cursors and counts after filters', async () => {
    const all = disbursementsOf(busiest);
    const expected = [...all].sort((a, b) => (a.period === b.period ? (a.disbursementId < b.disbursementId ? -1 : 1) : a.period < b.period ? 1 : -1));
    const first = await postGraphQL(subgraph.url, SUBSIDIES, { r: [representation(busiest)], first: 5 });
    expect(first.errors).toBeUndefined();
    const page = first.data?._entities[0].subsidies;
    expect(page.totalCount).toBe(all.length);
    expect(page.pageInfo.hasNextPage).toBe(true);
    expect(page.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual(expected.slice(0, 5).map((d) => d.disbursementId));
    const second = await postGraphQL(subgraph.url, SUBSIDIES, { r: [representation(busiest)], first: 100, after: page.pageInfo.endCursor });
    expect(second.data?._entities[0].subsidies.edges.map((e: { node: { id: string } }) => e.node.id))
      .toEqual(expected.slice(5).map((d) => d.disbursementId));
  });

  it('returns the history with its failure reason', async () => {
    const failed = population.finance.disbursements.find((d) => d.status === 'FAILED')!;
    const { data } = await postGraphQL(subgraph.url, SUBSIDIES, { r: [representation(failed.idNumber)], status: ['FAILED'], period: failed.period });
    const node = data?._entities[0].subsidies.edges.find((e: { node: { id: string } }) => e.node.id === failed.disbursementId).node;
    expect(node.history).toEqual(failed.statusHistory.map((h) => ({ status: h.status, at: h.at, reason: h.reason ?? null })));
  });

  it('flags duplicates across pages and payments after death', async () => {
    const counts = new Map<string, number>();
    for (const d of population.finance.disbursements.filter((x) => x.status === 'DISBURSED')) {
      const k = `${d.idNumber}|${d.programCode}|${d.period}`;
      counts.set(k, (counts.get(k) ?? 0) + 1);
    }
    const [dupKey] = [...counts].find(([, n]) => n >= 2)!;
    const [idNumber, programCode, period] = dupKey.split('|');
    const { data } = await postGraphQL(subgraph.url, SUBSIDIES, { r: [representation(idNumber!)], first: 1, period });
    const duplicates = disbursementsOf(idNumber!).filter((d) => d.programCode === programCode && d.period === period && d.status === 'DISBURSED');
    const shown = data?._entities[0].subsidies.edges[0].node;
    expect(duplicates.map((d) => d.disbursementId)).toContain(shown.id);
    expect(shown.anomalies).toContain('DUPLICATE_PAYMENT');

    const late = population.finance.disbursements.find((d) => d.status === 'DISBURSED' && civil.get(d.idNumber)?.diedOn && `${d.period}-01` > civil.get(d.idNumber)!.diedOn!)!;
    const after = await postGraphQL(subgraph.url, SUBSIDIES, { r: [representation(late.idNumber)], first: 100 });
    const lateNode = after.data?._entities[0].subsidies.edges.find((e: { node: { id: string } }) => e.node.id === late.disbursementId).node;
    expect(lateNode.anomalies).toContain('PAID_AFTER_DEATH');
  });

  it('resolves 100 citizens with exactly one batch call', async () => {
    const ids = [...new Set(population.finance.disbursements.map((d) => d.idNumber))].slice(0, 100);
    const { data, errors } = await postGraphQL(subgraph.url, SUBSIDIES, { r: ids.map(representation), first: 1 });
    expect(errors).toBeUndefined();
    expect(data?._entities).toHaveLength(100);
    expect(bureau.count('queryDisbursements')).toBe(1);
  });

  it.each([[{ first: 101 }], [{ after: 'bogus!' }], [{ period: '2026-9' }]])('refuses %j', async (vars) => {
    const { errors } = await postGraphQL(subgraph.url, SUBSIDIES, { r: [representation(busiest)], ...vars });
    expect(errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT' });
  });

  it('fails with the bureau named in an outage', async () => {
    bureau.fail('FINANCE', 'UNAVAILABLE');
    const { errors } = await postGraphQL(subgraph.url, SUBSIDIES, { r: [representation(busiest)] });
    expect(errors?.[0]?.extensions).toEqual({ code: 'UPSTREAM_UNAVAILABLE', source: 'FINANCE' });
  });
});

it('sums APPROVED and DISBURSING into pendingSubsidiesFen', async () => {
  const pendingPerson = population.finance.disbursements.find((d) => d.status === 'DISBURSING' || d.status === 'APPROVED')!.idNumber;
  const expected = disbursementsOf(pendingPerson).filter((d) => d.status === 'APPROVED' || d.status === 'DISBURSING').reduce((s, d) => s + d.amountFen, 0);
  const { data } = await postGraphQL(subgraph.url, `query($r: [_Any!]!) { _entities(representations: $r) { ... on Balances { pendingSubsidiesFen } } }`,
    { r: [{ __typename: 'Balances', ref: pseudonyms.refOf(pendingPerson) }] });
  expect(data?._entities[0].pendingSubsidiesFen).toBe(expected);
  expect(expected).toBeGreaterThan(0);
});

it('lists the subsidy programmes', async () => {
  const { data } = await postGraphQL(subgraph.url, `{ subsidyPrograms { code name nameZh } }`);
  expect(data?.subsidyPrograms).toEqual(TEST_PROGRAMS);
});
