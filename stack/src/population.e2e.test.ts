/**
 * The "done when" of the foundation: every person in the reference population, asked through the
 * gateway, gets the identity, eligibility, balances, insurance, subsidies and anomalies that an
 * independent reading of programs.md gives.
 */
import { generatePopulation, loadPopulationFile } from '@huimin/sandbox';
import type { Population } from '@huimin/schema';
import type { RunningStack } from './stack';
import { FIXTURE_FILE, mintIds, startFixtureStack } from './test-support/fixture-stack';
import { postGraphQL } from './test-support/graphql-client';
import {
  ALL_PROGRAMS,
  expectedAnomalies,
  expectedBalances,
  expectedEligibility,
  expectedMaskedIdNumber,
  expectedMaskedName,
  expectedMaskedPhone,
  peopleOf,
  shanghaiToday,
  yearsCompleted,
  type Person,
  type Program,
} from './test-support/spec-oracle';

jest.setTimeout(300_000);

interface EligibilityAnswer {
  program: Program;
  eligible: boolean | null;
  reasons: string[];
  sources?: Array<{ source: string; available: boolean }>;
}

interface CitizenAnswer {
  id: string;
  identity: null | {
    name: string;
    idNumber: string;
    phone: string | null;
    gender: string;
    birthDate: string;
    age1: number;
    district: string;
    householdStatus: string;
    disabilityLevel: number;
    lifeStatus: string;
    diedOn: string | null;
  };
  e1: EligibilityAnswer[];
  e2: EligibilityAnswer[];
  e3: EligibilityAnswer[];
  balances: {
    medicalAccount: null | { amountFen: number; source: string; stale: boolean };
    transitCards: Array<{ cardNo: string; status: string; amountFen: number }>;
    transitTotalFen: number;
    pendingSubsidiesFen: number;
  };
  medicalInsurance: null | { insuranceType: string; status: string; enrolledOn: string; personalAccountBalanceFen: number; annualOutOfPocketFen: number };
  subsidies: {
    totalCount: number;
    edges: Array<{ node: { id: string; programCode: string; period: string; amountFen: number; status: string; anomalies: string[]; history: Array<{ status: string; at: string }> } }>;
  };
  transitCards: Array<{ cardNo: string; cardType: string; status: string; balanceFen: number; concessions: string[]; owner: { id: string } | null }>;
}

const DATES = { d1: '2026-11-01', d2: '2025-03-01', d3: '2024-02-29' } as const;

const BATCH_QUERY = `
query Batch($ids: [ID!]!, $d1: Date!, $d2: Date!, $d3: Date!) {
  citizens(ids: $ids) {
    id
    identity { name idNumber phone gender birthDate age1: age(on: $d1) district householdStatus disabilityLevel lifeStatus diedOn asOf }
    e1: eligibility(on: $d1) { program eligible reasons sources { source available } }
    e2: eligibility(on: $d2) { program eligible reasons }
    e3: eligibility(on: $d3) { program eligible reasons }
    balances { medicalAccount { amountFen source stale } transitCards { cardNo status amountFen } transitTotalFen pendingSubsidiesFen }
    medicalInsurance { insuranceType status enrolledOn personalAccountBalanceFen annualOutOfPocketFen }
    subsidies(first: 100) { totalCount edges { node { id programCode period amountFen status anomalies history { status at } } } }
    transitCards { cardNo cardType status balanceFen concessions owner { id } }
  }
}`;

function compareEligibility(where: string, p: Person, on: string, answers: EligibilityAnswer[], problems: string[]): void {
  if (answers.map((a) => a.program).join() !== ALL_PROGRAMS.join()) problems.push(`${where}: programmes ${answers.map((a) => a.program).join()}`);
  for (const answer of answers) {
    const expected = expectedEligibility(answer.program, p, on);
    const reasons = [...answer.reasons].sort();
    if (answer.eligible !== expected.eligible || reasons.join() !== expected.reasons.join()) {
      problems.push(`${where} ${answer.program} on ${on}: got ${answer.eligible} [${reasons}] want ${expected.eligible} [${expected.reasons}]`);
    }
  }
}

function compareCitizen(p: Person, id: string, got: CitizenAnswer | null, problems: string[]): void {
  const where = `person ${p.idNumber.slice(0, 6)}…${p.idNumber.slice(-4)}`;
  if (!got || got.id !== id) return void problems.push(`${where}: missing or wrong id`);
  const civil = p.civil;
  if (!civil !== !got.identity) problems.push(`${where}: identity ${got.identity ? 'present' : 'null'}`);
  if (civil && got.identity) {
    const i = got.identity;
    const want = {
      name: expectedMaskedName(civil.name), idNumber: expectedMaskedIdNumber(civil.idNumber),
      phone: civil.phone ? expectedMaskedPhone(civil.phone) : null, gender: civil.gender, birthDate: civil.birthDate,
      age1: yearsCompleted(civil.birthDate, DATES.d1), district: civil.district, householdStatus: civil.householdStatus,
      disabilityLevel: civil.disabilityLevel, lifeStatus: civil.lifeStatus, diedOn: civil.diedOn,
    };
    for (const [key, value] of Object.entries(want)) {
      if (i[key as keyof typeof i] !== value) problems.push(`${where}: identity.${key} ${String(i[key as keyof typeof i])} want ${String(value)}`);
    }
  }
  compareEligibility(where, p, DATES.d1, got.e1, problems);
  compareEligibility(where, p, DATES.d2, got.e2, problems);
  compareEligibility(where, p, DATES.d3, got.e3, problems);
  const ma = got.e1.find((e) => e.program === 'MEDICAL_ASSISTANCE');
  if (ma?.sources?.map((s) => s.source).sort().join() !== 'CIVIL_AFFAIRS,MEDICAL_INSURANCE') problems.push(`${where}: MEDICAL_ASSISTANCE sources`);

  const balances = expectedBalances(p);
  if ((got.balances.medicalAccount?.amountFen ?? null) !== balances.medical) problems.push(`${where}: medicalAccount`);
  if (got.balances.transitTotalFen !== balances.transitTotal) problems.push(`${where}: transitTotalFen ${got.balances.transitTotalFen} want ${balances.transitTotal}`);
  if (got.balances.pendingSubsidiesFen !== balances.pending) problems.push(`${where}: pendingSubsidiesFen ${got.balances.pendingSubsidiesFen} want ${balances.pending}`);
  const cardsWant = p.cards.map((c) => `${c.cardNo}:${c.status}:${c.balanceFen}`).sort().join();
  if (got.balances.transitCards.map((c) => `${c.cardNo}:${c.status}:${c.amountFen}`).sort().join() !== cardsWant) problems.push(`${where}: balance cards`);
  if (got.transitCards.map((c) => `${c.cardNo}:${c.status}:${c.balanceFen}`).sort().join() !== cardsWant) problems.push(`${where}: transitCards`);
  if (got.transitCards.some((c) => c.owner?.id !== id)) problems.push(`${where}: card owner`);

  if (!p.medical !== !got.medicalInsurance) problems.push(`${where}: medicalInsurance presence`);
  if (p.medical && got.medicalInsurance) {
    const m = got.medicalInsurance;
    if (m.status !== p.medical.status || m.insuranceType !== p.medical.insuranceType || m.enrolledOn !== p.medical.enrolledOn ||
        m.personalAccountBalanceFen !== p.medical.personalAccountBalanceFen || m.annualOutOfPocketFen !== p.medical.annualOutOfPocketFen) {
      problems.push(`${where}: medicalInsurance fields`);
    }
  }

  if (got.subsidies.totalCount !== p.disbursements.length) problems.push(`${where}: subsidies totalCount`);
  const order = [...p.disbursements].sort((a, b) => (a.period === b.period ? a.disbursementId.localeCompare(b.disbursementId) : b.period.localeCompare(a.period)));
  if (got.subsidies.edges.map((e) => e.node.id).join() !== order.map((d) => d.disbursementId).join()) problems.push(`${where}: subsidies order`);
  for (const { node } of got.subsidies.edges) {
    const record = p.disbursements.find((d) => d.disbursementId === node.id);
    if (!record) continue;
    if (node.amountFen !== record.amountFen || node.status !== record.status || node.period !== record.period || node.history.length !== record.statusHistory.length) {
      problems.push(`${where}: disbursement ${node.id} fields`);
    }
    const want = expectedAnomalies(p, record).join();
    if ([...node.anomalies].sort().join() !== want) problems.push(`${where}: ${node.id} anomalies [${node.anomalies}] want [${want}]`);
  }
}

// The spec's reference file, and a generated population whose edge cases (medical assistance
// paid without active insurance, 29 February birthdays, payments after death…) differ from it.
const POPULATIONS: Array<[string, () => Population]> = [
  ['the reference population', () => loadPopulationFile(process.env.POPULATION_FILE ?? FIXTURE_FILE)],
  ['a generated population (seed 7)', () => generatePopulation({ size: 2000, seed: 7 })],
];

describe.each(POPULATIONS)('%s through the gateway', (_name, makePopulation) => {
  let stack: RunningStack;
  let population: Population;
  let people: Person[];
  let ids: Map<string, string>;

  beforeAll(async () => {
    ({ stack, population } = await startFixtureStack(makePopulation()));
    people = peopleOf(population);
    ids = await mintIds(stack.gatewayUrl, people.map((p) => p.idNumber));
  });
  afterAll(() => stack?.close());

  it('agrees with programs.md for every person: identity, eligibility on three dates, balances, insurance, subsidies, anomalies', async () => {
    const problems: string[] = [];
    let anomalyCount = 0;
    for (let start = 0; start < people.length; start += 100) {
      const chunk = people.slice(start, start + 100);
      const response = await postGraphQL<{ citizens: Array<CitizenAnswer | null> }>(stack.gatewayUrl, BATCH_QUERY, {
        ids: chunk.map((p) => ids.get(p.idNumber)),
        ...DATES,
      });
      expect(response.errors).toBeUndefined();
      chunk.forEach((p, i) => compareCitizen(p, ids.get(p.idNumber)!, response.data!.citizens[i] ?? null, problems));
      anomalyCount += response.data!.citizens.reduce((n, c) => n + (c?.subsidies.edges.filter((e) => e.node.anomalies.length > 0).length ?? 0), 0);
    }
    expect(problems.slice(0, 30)).toEqual([]);
    // The fixture holds every kind of anomaly; a run that flags none would prove nothing.
    expect(anomalyCount).toBeGreaterThan(0);
  });

  it('counts a death only from its date on, and ages 29 February birthdays on 1 March', async () => {
    const problems: string[] = [];
    const probes: Array<{ p: Person; dates: string[] }> = [];
    for (const p of people) {
      if (p.civil?.diedOn) {
        const died = new Date(`${p.civil.diedOn}T00:00:00Z`);
        const dayBefore = new Date(died.getTime() - 86_400_000).toISOString().slice(0, 10);
        probes.push({ p, dates: [dayBefore, p.civil.diedOn] });
      }
      if (p.civil?.birthDate.endsWith('-02-29')) {
        const year = Number(p.civil.birthDate.slice(0, 4)) + 65;
        probes.push({ p, dates: [`${year + (year % 4 === 0 ? 1 : 0)}-02-28`, `${year + (year % 4 === 0 ? 1 : 0)}-03-01`] });
      }
    }
    expect(probes.length).toBeGreaterThan(0);
    for (const { p, dates } of probes) {
      const query = `query($id: ID!) { citizen(id: $id) { ${dates.map((d, i) => `e${i}: eligibility(on: "${d}") { program eligible reasons } a${i}: identity { age(on: "${d}") }`).join(' ')} } }`;
      const response = await postGraphQL<{ citizen: Record<string, EligibilityAnswer[] | { age: number }> }>(stack.gatewayUrl, query, { id: ids.get(p.idNumber) });
      expect(response.errors).toBeUndefined();
      dates.forEach((d, i) => {
        compareEligibility(`probe ${p.idNumber.slice(-4)}`, p, d, response.data!.citizen[`e${i}`] as EligibilityAnswer[], problems);
        const age = (response.data!.citizen[`a${i}`] as { age: number }).age;
        if (age !== yearsCompleted(p.civil!.birthDate, d)) problems.push(`age on ${d}: ${age}`);
      });
    }
    expect(problems).toEqual([]);
  });

  it('gives each transit card the free-ride concessions its owner holds today', async () => {
    const today = shanghaiToday();
    const problems: string[] = [];
    const cards = people.flatMap((p) => p.cards.map((card) => ({ p, card }))).slice(0, 300);
    for (let start = 0; start < cards.length; start += 50) {
      const chunk = cards.slice(start, start + 50);
      const query = `{ ${chunk.map(({ card }, i) => `c${i}: transitCard(cardNo: "${card.cardNo}") { cardNo status concessions owner { id } }`).join(' ')} }`;
      const response = await postGraphQL<Record<string, { concessions: string[]; owner: { id: string } }>>(stack.gatewayUrl, query);
      expect(response.errors).toBeUndefined();
      chunk.forEach(({ p, card }, i) => {
        const got = response.data![`c${i}`]!;
        const want = (['ELDERLY_TRANSIT', 'DISABILITY_TRANSIT'] as const).filter((prog) => expectedEligibility(prog, p, today).eligible === true);
        if ([...got.concessions].sort().join() !== [...want].sort().join()) problems.push(`${card.cardNo}: [${got.concessions}] want [${want}]`);
        if (got.owner.id !== ids.get(p.idNumber)) problems.push(`${card.cardNo}: owner`);
      });
    }
    expect(problems).toEqual([]);
  });

  it('pages through subsidies with cursors, without gaps or repeats', async () => {
    const p = people.reduce((best, q) => (q.disbursements.length > best.disbursements.length ? q : best));
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 20; page += 1) {
      const response: Awaited<ReturnType<typeof postGraphQL<{ citizen: { subsidies: { edges: Array<{ node: { id: string } }>; pageInfo: { hasNextPage: boolean; endCursor: string | null } } } }>>> =
        await postGraphQL(stack.gatewayUrl, 'query($id: ID!, $after: String) { citizen(id: $id) { subsidies(first: 4, after: $after) { edges { node { id } } pageInfo { hasNextPage endCursor } } } }', { id: ids.get(p.idNumber), after });
      const connection = response.data!.citizen.subsidies;
      seen.push(...connection.edges.map((e) => e.node.id));
      if (!connection.pageInfo.hasNextPage) break;
      after = connection.pageInfo.endCursor;
    }
    expect(seen.length).toBe(p.disbursements.length);
    expect(new Set(seen).size).toBe(seen.length);
  });
});
