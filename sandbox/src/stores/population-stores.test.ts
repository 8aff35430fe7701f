import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { shanghaiDate } from '@huimin/schema';
import type { Population } from '@huimin/schema';
import { generatePopulation } from '../population/generate-population';
import { createSandboxStores } from './population-stores';

const fixture = JSON.parse(
  readFileSync(join(__dirname, '..', '..', '..', '..', 'shared', 'fixtures', 'population-2k.json'), 'utf8'),
) as Population;
const UNKNOWN_ID = '11010519491231002X';

function at<T>(items: readonly T[], index: number): T {
  const item = items[index];
  if (item === undefined) throw new Error(`no item ${index}`);
  return item;
}

describe('createSandboxStores over the fixture', () => {
  const stores = createSandboxStores(fixture);
  const first = at(fixture.civilAffairs, 0);
  const second = at(fixture.civilAffairs, 1);

  it('carries the population asOf', () => {
    expect(stores.asOf).toBe(fixture.asOf);
  });

  it('finds persons in the order asked, null for unknown', () => {
    expect(stores.civilAffairs.findPersons([second.idNumber, UNKNOWN_ID, first.idNumber])).toEqual([second, null, first]);
    expect(stores.civilAffairs.findPersons([])).toEqual([]);
  });

  it('accepts a lower-case x check character', () => {
    const withX = fixture.civilAffairs.find((p) => p.idNumber.endsWith('X'));
    if (!withX) return;
    expect(stores.civilAffairs.findPersons([withX.idNumber.toLowerCase()])).toEqual([withX]);
  });

  it('finds insured people in order, null for unknown', () => {
    const insured = at(fixture.medicalInsurance, 5);
    expect(stores.medicalInsurance.findInsured([UNKNOWN_ID, insured.idNumber])).toEqual([null, insured]);
  });

  it("lists each person's disbursements, [] for none", () => {
    const payee = at(fixture.finance.disbursements, 0).idNumber;
    const expected = fixture.finance.disbursements.filter((d) => d.idNumber === payee);
    const [none, theirs] = stores.finance.findDisbursements([UNKNOWN_ID, payee]);
    expect(none).toEqual([]);
    expect(theirs).toEqual(expected);
    expect(expected.length).toBeGreaterThan(1);
  });

  it('publishes the programme catalog with the names from programs.md', () => {
    const catalog = stores.finance.programs();
    expect(catalog).toHaveLength(7);
    expect(catalog[0]).toEqual({ code: 'ELDERLY_TRANSIT', name: 'Free transit for the elderly', nameZh: '老年人免费乘车' });
    expect(catalog.find((p) => p.code === 'MEDICAL_ASSISTANCE')?.nameZh).toBe('医疗救助');
  });

  it('finds cards by number and by owner, in order', () => {
    const card = at(fixture.transit.cards, 3);
    expect(stores.transit.findCards(['3101000000000000', card.cardNo])).toEqual([null, card]);
    const owner = fixture.transit.cards.find((c) => fixture.transit.cards.filter((o) => o.idNumber === c.idNumber).length === 2);
    if (!owner) throw new Error('fixture has no one with two cards');
    const [theirs, none] = stores.transit.cardsOwnedBy([owner.idNumber, UNKNOWN_ID]);
    expect(theirs).toEqual(fixture.transit.cards.filter((c) => c.idNumber === owner.idNumber));
    expect(none).toEqual([]);
  });

  it('reports changes by Shanghai date: 16:00 UTC is already the next day', () => {
    const changed = stores.civilAffairs.changedOn('2026-11-01');
    const expected = fixture.civilAffairs.filter((p) => shanghaiDate(Date.parse(p.updatedAt)) === '2026-11-01');
    expect(changed).toEqual(expected);
    expect(changed.length).toBeGreaterThan(0);
    expect(changed.every((p) => p.updatedAt.startsWith('2026-10-31T16:00'))).toBe(true);
    expect(stores.civilAffairs.changedOn('1999-01-01')).toEqual([]);
  });

  it('does not let a caller change what it returns', () => {
    const payee = at(fixture.finance.disbursements, 0).idNumber;
    at(stores.finance.findDisbursements([payee]), 0).length = 0;
    expect(at(stores.finance.findDisbursements([payee]), 0).length).toBeGreaterThan(0);
    stores.civilAffairs.changedOn('2026-11-01').length = 0;
    expect(stores.civilAffairs.changedOn('2026-11-01').length).toBeGreaterThan(0);
  });
});

describe('changedOn over a generated population', () => {
  const population = generatePopulation({ size: 500, seed: 9 });
  const stores = createSandboxStores(population);

  it('returns exactly the records whose updatedAt falls on the Shanghai date', () => {
    const dates = new Set(population.civilAffairs.map((p) => shanghaiDate(Date.parse(p.updatedAt))));
    let total = 0;
    for (const date of dates) {
      const changed = stores.civilAffairs.changedOn(date);
      expect(changed).toEqual(population.civilAffairs.filter((p) => shanghaiDate(Date.parse(p.updatedAt)) === date));
      total += changed.length;
    }
    expect(total).toBe(population.civilAffairs.length);
  });
});

describe('transit top-ups', () => {
  it('credits the card and returns it as it now stands', () => {
    const stores = createSandboxStores(fixture);
    const card = at(fixture.transit.cards, 0);
    const before = at(stores.transit.findCards([card.cardNo]), 0);
    const after = stores.transit.creditCard(card.cardNo, 5_000);
    expect(after).toEqual({ ...card, balanceFen: card.balanceFen + 5_000 });
    expect(stores.transit.findCards([card.cardNo])[0]?.balanceFen).toBe(card.balanceFen + 5_000);
    expect(stores.transit.cardsOwnedBy([card.idNumber])[0]?.find((c) => c.cardNo === card.cardNo)?.balanceFen).toBe(card.balanceFen + 5_000);
    // Earlier answers and the population itself are snapshots, untouched by the top-up.
    expect(before?.balanceFen).toBe(card.balanceFen);
    expect(card.balanceFen).toBe(at(fixture.transit.cards, 0).balanceFen);
    expect(createSandboxStores(fixture).transit.findCards([card.cardNo])[0]?.balanceFen).toBe(card.balanceFen);
  });

  it('returns null for an unknown card and refuses amounts that are not positive whole fen', () => {
    const stores = createSandboxStores(fixture);
    const card = at(fixture.transit.cards, 0);
    expect(stores.transit.creditCard('3101000000000000', 100)).toBeNull();
    expect(() => stores.transit.creditCard(card.cardNo, 10.5)).toThrow(RangeError);
    expect(() => stores.transit.creditCard(card.cardNo, 0)).toThrow(RangeError);
    expect(() => stores.transit.creditCard(card.cardNo, -100)).toThrow(RangeError);
  });
});
