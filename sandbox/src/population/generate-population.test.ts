import { isValidCardNumber, normalizeIdNumber, shanghaiDate } from '@huimin/schema';
import type { Population } from '@huimin/schema';
import { createSandboxStores } from '../stores/population-stores';
import { monthsBefore } from './calendar';
import { resolvePopulation } from './default-population';
import { EDGE_CASES, edgeCaseCount } from './edge-cases';
import { parseArguments } from './generate-cli';
import { DEFAULT_AS_OF, generatePopulation } from './generate-population';
import { parsePopulation } from './load-population';
import { type Census, takeCensus } from './test-support/population-census';

const AS_OF_DATE = shanghaiDate(Date.parse(DEFAULT_AS_OF)); // 2026-11-01
const PERIODS = monthsBefore(AS_OF_DATE, 12);

function peopleIn(population: Population): Set<string> {
  return new Set([
    ...population.civilAffairs.map((r) => r.idNumber),
    ...population.medicalInsurance.map((r) => r.idNumber),
    ...population.finance.disbursements.map((r) => r.idNumber),
    ...population.transit.cards.map((r) => r.idNumber),
  ]);
}

describe('generatePopulation', () => {
  const population = generatePopulation({ size: 2000, seed: 1 });
  const census = takeCensus(population, AS_OF_DATE, PERIODS);

  it('is deterministic: same seed and size give byte-identical JSON', () => {
    const again = JSON.stringify(generatePopulation({ size: 2000, seed: 1 }));
    expect(again).toBe(JSON.stringify(population));
    expect(JSON.stringify(generatePopulation({ size: 2000, seed: 2 }))).not.toBe(again);
  });

  it('passes the loader and round-trips through it unchanged', () => {
    expect(parsePopulation(JSON.parse(JSON.stringify(population)))).toEqual(population);
  });

  it('has exactly `size` distinct people', () => {
    expect(peopleIn(population).size).toBe(2000);
  });

  it('writes valid ID numbers carrying the birth date and gender', () => {
    const ids = peopleIn(population);
    for (const id of ids) expect(normalizeIdNumber(id)).toBe(id);
    for (const person of population.civilAffairs) {
      expect(person.idNumber.slice(6, 14)).toBe(person.birthDate.replaceAll('-', ''));
      expect(Number(person.idNumber[16]) % 2 === 1 ? 'M' : 'F').toBe(person.gender);
      expect(person.district).toMatch(/^3301\d\d$/);
    }
  });

  it('writes Luhn-valid 16-digit card numbers starting 3101', () => {
    for (const card of population.transit.cards) {
      expect(card.cardNo).toMatch(/^3101\d{12}$/);
      expect(isValidCardNumber(card.cardNo)).toBe(true);
      expect(shanghaiDate(Date.parse(card.statusChangedAt)) >= card.issuedOn).toBe(true);
    }
    expect(new Set(population.transit.cards.map((c) => c.cardNo)).size).toBe(population.transit.cards.length);
  });

  it('writes disbursement histories in time order, never after asOf', () => {
    const asOfMs = Date.parse(population.asOf);
    for (const d of population.finance.disbursements) {
      const times = d.statusHistory.map((h) => Date.parse(h.at));
      expect([...times].sort((a, b) => a - b)).toEqual(times);
      expect(Math.max(...times)).toBeLessThanOrEqual(asOfMs);
      expect(d.bankAccountMasked).toMatch(/^\d{4}\*{8}\d{4}$/);
      expect(PERIODS).toContain(d.period);
      if (d.status === 'FAILED') expect(d.statusHistory.at(-1)?.reason).toBeTruthy();
    }
    expect(census.failedWithReason).toBeGreaterThan(0);
    expect(census.reversedAfterDisbursed).toBeGreaterThan(0);
    expect(census.pending).toBeGreaterThan(0);
  });

  it('keeps proportions close to the reference fixture', () => {
    const share = (n: number): number => n / 2000;
    const civil = population.civilAffairs;
    expect(share(2000 - civil.length)).toBeGreaterThan(0.02); // unknown to civil affairs, ~3%
    expect(share(2000 - civil.length)).toBeLessThan(0.05);
    const insured = new Set(population.medicalInsurance.map((r) => r.idNumber));
    const uninsured = civil.filter((p) => !insured.has(p.idNumber)).length / civil.length;
    expect(uninsured).toBeGreaterThan(0.035);
    expect(uninsured).toBeLessThan(0.065);
    const deceased = civil.filter((p) => p.lifeStatus === 'DECEASED').length / civil.length;
    expect(deceased).toBeGreaterThan(0.005);
    expect(deceased).toBeLessThan(0.02);
    expect(civil.filter((p) => p.householdStatus === 'LOW_INCOME').length).toBeGreaterThan(60);
    expect(civil.filter((p) => p.householdStatus === 'EXTREME_POVERTY').length).toBeGreaterThan(15);
    expect(civil.filter((p) => p.disabilityLevel > 0).length).toBeGreaterThan(100);
    const cardsPerOwner = new Map<string, number>();
    for (const card of population.transit.cards) cardsPerOwner.set(card.idNumber, (cardsPerOwner.get(card.idNumber) ?? 0) + 1);
    expect([...cardsPerOwner.values()].filter((n) => n >= 2).length).toBeGreaterThan(50);
    for (const status of ['LOST', 'FROZEN', 'CANCELLED'] as const) {
      expect(population.transit.cards.filter((c) => c.status === status).length).toBeGreaterThan(5);
    }
  });

  it('has civil-affairs changes within the last year and on each of the last 30 days', () => {
    const asOfMs = Date.parse(population.asOf);
    for (const person of population.civilAffairs) {
      const at = Date.parse(person.updatedAt);
      expect(at).toBeLessThanOrEqual(asOfMs);
      expect(at).toBeGreaterThan(asOfMs - 366 * 86_400_000);
    }
    const stores = createSandboxStores(population);
    for (let back = 1; back <= 30; back += 1) {
      const day = shanghaiDate(asOfMs - back * 86_400_000);
      expect(stores.civilAffairs.changedOn(day).length).toBeGreaterThan(0);
    }
  });

  it('plants every edge case the rules care about (counts at size 2000)', () => {
    expect(census.leapDayBirths).toBeGreaterThanOrEqual(4);
    expect(census.turning65NearAsOf).toBeGreaterThanOrEqual(3);
    expect(census.turning80NearAsOf).toBeGreaterThanOrEqual(3);
    expect(census.diedBeforeWindow).toBeGreaterThanOrEqual(1);
    expect(census.diedInWindow).toBeGreaterThanOrEqual(2);
    expect(census.diedAfterLastPeriod).toBeGreaterThanOrEqual(1);
    expect(census.paidAfterDeath).toBeGreaterThanOrEqual(3);
    expect(census.paidOnDayOfDeath).toBeGreaterThanOrEqual(1);
    expect(census.duplicatePayments).toBeGreaterThanOrEqual(6);
    expect(census.ineligibleWhenPaid.NOT_LOW_INCOME).toBeGreaterThanOrEqual(1);
    expect(census.ineligibleWhenPaid.NOT_EXTREME_POVERTY).toBeGreaterThanOrEqual(1);
    expect(census.nonSevereDisabilityPaid).toBeGreaterThanOrEqual(1);
    expect(census.ineligibleWhenPaid.AGE_BELOW_THRESHOLD).toBeGreaterThanOrEqual(2);
    expect(census.ineligibleWhenPaid.INSURANCE_NOT_ACTIVE).toBeGreaterThanOrEqual(2);
    expect(census.ineligibleWhenPaid.NO_INSURANCE_RECORD).toBeGreaterThanOrEqual(1);
    for (const bureaus of ['civil', 'insurance', 'transit', 'finance', 'insurance+transit']) {
      expect(census.knownTo.get(bureaus) ?? 0).toBeGreaterThanOrEqual(1);
    }
  });

  it.each([200, 333, 1000])('plants every edge case at size %i too', (size) => {
    const small = generatePopulation({ size, seed: size });
    const c = takeCensus(small, AS_OF_DATE, PERIODS);
    const counts = summarise(c);
    for (const [name, count] of Object.entries(counts)) {
      if (name !== 'bureauSets') expect({ name, present: (count as number) > 0 }).toEqual({ name, present: true });
    }
    expect(peopleIn(small).size).toBe(size);
    expect(() => parsePopulation(JSON.parse(JSON.stringify(small)))).not.toThrow();
  });

  it('scales every edge case with size', () => {
    for (const edgeCase of EDGE_CASES) {
      expect(edgeCaseCount(edgeCase, 100_000)).toBeGreaterThanOrEqual(edgeCaseCount(edgeCase, 2000));
      expect(edgeCaseCount(edgeCase, 200)).toBeGreaterThanOrEqual(1);
    }
  });

  it('generates 100k people in a few seconds', () => {
    const started = Date.now();
    const big = generatePopulation({ size: 100_000, seed: 42 });
    expect(big.civilAffairs.length).toBeGreaterThan(95_000);
    expect(Date.now() - started).toBeLessThan(30_000); // generous: CI machines are shared
  });

  it('honours asOf', () => {
    const other = generatePopulation({ size: 200, seed: 3, asOf: '2025-06-15T04:00:00Z' });
    expect(other.asOf).toBe('2025-06-15T04:00:00+00:00');
    const periods = new Set(other.finance.disbursements.map((d) => d.period));
    expect([...periods].sort()).toEqual(monthsBefore('2025-06-15', 12));
  });

  it('refuses a size or seed that is not an integer', () => {
    expect(() => generatePopulation({ size: 1.5, seed: 1 })).toThrow(/size/);
    expect(() => generatePopulation({ size: 10, seed: Number.NaN })).toThrow(/seed/);
  });
});

function summarise(c: Census): Record<string, unknown> {
  return {
    leapDayBirths: c.leapDayBirths,
    turning65NearAsOf: c.turning65NearAsOf,
    turning80NearAsOf: c.turning80NearAsOf,
    diedBeforeWindow: c.diedBeforeWindow,
    diedInWindow: c.diedInWindow,
    diedAfterLastPeriod: c.diedAfterLastPeriod,
    paidAfterDeath: c.paidAfterDeath,
    paidOnDayOfDeath: c.paidOnDayOfDeath,
    duplicatePayments: c.duplicatePayments,
    paidWrongHouseholdLowIncome: c.ineligibleWhenPaid.NOT_LOW_INCOME,
    paidWrongHouseholdExtremePoverty: c.ineligibleWhenPaid.NOT_EXTREME_POVERTY,
    paidNotSeverelyDisabled: c.ineligibleWhenPaid.NOT_SEVERELY_DISABLED,
    paidNonSevereLevel3or4: c.nonSevereDisabilityPaid,
    paidTooYoung: c.ineligibleWhenPaid.AGE_BELOW_THRESHOLD,
    paidInsuranceNotActive: c.ineligibleWhenPaid.INSURANCE_NOT_ACTIVE,
    paidNoInsuranceRecord: c.ineligibleWhenPaid.NO_INSURANCE_RECORD,
    failedWithReason: c.failedWithReason,
    reversedAfterDisbursed: c.reversedAfterDisbursed,
    pending: c.pending,
    civilOnly: c.knownTo.get('civil') ?? 0,
    insuranceOnly: c.knownTo.get('insurance') ?? 0,
    transitOnly: c.knownTo.get('transit') ?? 0,
    financeOnly: c.knownTo.get('finance') ?? 0,
    insuranceAndTransitOnly: c.knownTo.get('insurance+transit') ?? 0,
    bureauSets: Object.fromEntries(c.knownTo),
  };
}

describe('resolvePopulation', () => {
  it('generates the default population (2000 people, seed 1) without a file', () => {
    const population = resolvePopulation({});
    expect(peopleIn(population).size).toBe(2000);
    expect(JSON.stringify(population)).toBe(JSON.stringify(generatePopulation({ size: 2000, seed: 1 })));
  });

  it('reads the file when one is given', () => {
    const file = require('node:path').join(__dirname, '..', '..', '..', '..', 'shared', 'fixtures', 'population-2k.json') as string;
    expect(resolvePopulation({ populationFile: file, size: 10 }).civilAffairs).toHaveLength(1936);
  });
});

describe('generate-cli arguments', () => {
  it('reads size, seed, out and as-of', () => {
    expect(parseArguments(['--size', '10000', '--seed', '42', '--out', 'file.json'])).toEqual({ size: 10000, seed: 42, out: 'file.json', asOf: undefined });
  });

  it('refuses unknown options and non-integers', () => {
    expect(() => parseArguments(['--sise', '10'])).toThrow(/unknown option --sise/);
    expect(() => parseArguments(['--size', 'ten'])).toThrow(/--size must be an integer/);
  });
});
