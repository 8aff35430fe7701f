import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPopulationFile, parsePopulation, PopulationFormatError } from './load-population';

const fixturePath = join(__dirname, '..', '..', '..', '..', 'shared', 'fixtures', 'population-2k.json');

type Json = Record<string, any>; // test-only: free-form edits of a parsed file

/** A small, valid file: the fixture's first records of each section. */
function smallFile(): Json {
  const raw = JSON.parse(readFileSync(fixturePath, 'utf8')) as Json;
  return {
    ...raw,
    civilAffairs: raw.civilAffairs.slice(0, 5),
    medicalInsurance: raw.medicalInsurance.slice(0, 5),
    finance: { disbursements: raw.finance.disbursements.slice(0, 5) },
    transit: { cards: raw.transit.cards.slice(0, 5) },
  };
}

function expectFormatError(edit: (file: Json) => void, path: string, message: RegExp): void {
  const file = smallFile();
  edit(file);
  let caught: unknown;
  try {
    parsePopulation(file);
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(PopulationFormatError);
  expect((caught as PopulationFormatError).path).toBe(path);
  expect((caught as PopulationFormatError).message).toMatch(message);
  expect((caught as PopulationFormatError).message.startsWith(`${path}: `)).toBe(true);
}

describe('loadPopulationFile', () => {
  it('loads the reference fixture with every record', () => {
    const raw = JSON.parse(readFileSync(fixturePath, 'utf8')) as Json;
    const population = loadPopulationFile(fixturePath);
    expect(population.formatVersion).toBe(1);
    expect(population.asOf).toBe('2026-10-31T16:00:00+00:00');
    expect(population.civilAffairs).toHaveLength(1936);
    expect(population.medicalInsurance).toHaveLength(1910);
    expect(population.finance.disbursements).toHaveLength(3478);
    expect(population.transit.cards).toHaveLength(1565);
    expect(population).toEqual(raw); // nothing dropped, nothing changed
  });

  it('round-trips: what it returns parses back to the same population', () => {
    const population = loadPopulationFile(fixturePath);
    expect(parsePopulation(JSON.parse(JSON.stringify(population)))).toEqual(population);
  });

  it('names the file when it is not JSON', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'population-')), 'broken.json');
    writeFileSync(path, '{"formatVersion": 1,');
    expect(() => loadPopulationFile(path)).toThrow(/cannot read population file .*broken\.json/);
  });

  it('names the file and the field when a record is bad', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'population-')), 'bad.json');
    const file = smallFile();
    file.civilAffairs[2].gender = 'X';
    writeFileSync(path, JSON.stringify(file));
    expect(() => loadPopulationFile(path)).toThrow(/^civilAffairs\[2\]\.gender: expected one of M, F, got "X" \(in .*bad\.json\)$/);
  });
});

describe('parsePopulation refuses', () => {
  it('other format versions', () => {
    expectFormatError((f) => { f.formatVersion = 2; }, 'formatVersion', /unsupported version 2/);
    expectFormatError((f) => { delete f.formatVersion; }, 'formatVersion', /unsupported version null/);
  });

  it('a root that is not an object', () => {
    expect(() => parsePopulation([])).toThrow(PopulationFormatError);
  });

  it('an invalid ID number (check digit)', () => {
    expectFormatError((f) => { f.civilAffairs[1].idNumber = '330106194904211679'; }, 'civilAffairs[1].idNumber', /not a valid resident ID number/);
    expectFormatError((f) => { f.finance.disbursements[0].idNumber = '12345'; }, 'finance.disbursements[0].idNumber', /not a valid resident ID number/);
  });

  it('a card number failing Luhn', () => {
    expectFormatError((f) => { f.transit.cards[3].cardNo = '3101000000000011'; }, 'transit.cards[3].cardNo', /not a valid card number/);
  });

  it('values outside an enum', () => {
    expectFormatError((f) => { f.civilAffairs[0].householdStatus = 'POOR'; }, 'civilAffairs[0].householdStatus', /expected one of NONE, LOW_INCOME, EXTREME_POVERTY, got "POOR"/);
    expectFormatError((f) => { f.finance.disbursements[1].programCode = 'FREE_LUNCH'; }, 'finance.disbursements[1].programCode', /expected one of ELDERLY_TRANSIT/);
    expectFormatError((f) => { f.transit.cards[0].status = 'STOLEN'; }, 'transit.cards[0].status', /ACTIVE, LOST, FROZEN, CANCELLED/);
    expectFormatError((f) => { f.medicalInsurance[4].insuranceType = 'PRIVATE'; }, 'medicalInsurance[4].insuranceType', /expected one of/);
    expectFormatError((f) => { f.finance.disbursements[0].statusHistory[1].status = 'PAID'; }, 'finance.disbursements[0].statusHistory[1].status', /expected one of/);
  });

  it('money that is not whole fen', () => {
    expectFormatError((f) => { f.finance.disbursements[2].amountFen = 200.5; }, 'finance.disbursements[2].amountFen', /expected an integer, got 200.5/);
    expectFormatError((f) => { f.medicalInsurance[0].personalAccountBalanceFen = '100'; }, 'medicalInsurance[0].personalAccountBalanceFen', /expected an integer/);
    expectFormatError((f) => { f.transit.cards[1].balanceFen = 1.1; }, 'transit.cards[1].balanceFen', /expected an integer/);
  });

  it('dates that are not real dates or timestamps', () => {
    expectFormatError((f) => { f.civilAffairs[0].birthDate = '1993-02-30'; }, 'civilAffairs[0].birthDate', /real date/);
    expectFormatError((f) => { f.civilAffairs[0].updatedAt = '2026-01-01 10:00'; }, 'civilAffairs[0].updatedAt', /timestamp/);
    expectFormatError((f) => { f.finance.disbursements[0].period = '2026-13'; }, 'finance.disbursements[0].period', /YYYY-MM/);
    expectFormatError((f) => { f.asOf = 'yesterday'; }, 'asOf', /timestamp/);
  });

  it('inconsistent records', () => {
    expectFormatError((f) => { f.civilAffairs[0].lifeStatus = 'DECEASED'; }, 'civilAffairs[0].diedOn', /required when lifeStatus is DECEASED/);
    expectFormatError((f) => { f.civilAffairs[0].disabilityLevel = 5; }, 'civilAffairs[0].disabilityLevel', /0\.\.4/);
    expectFormatError((f) => { f.finance.disbursements[0].status = 'FAILED'; }, 'finance.disbursements[0].statusHistory', /ends in DISBURSED but status is FAILED/);
    expectFormatError((f) => { f.finance.disbursements[0].statusHistory[0].at = '2030-01-01T00:00:00+00:00'; }, 'finance.disbursements[0].statusHistory[1].at', /before the previous change/);
    expectFormatError((f) => { f.finance.disbursements[0].bankAccountMasked = '6222000011112222'; }, 'finance.disbursements[0].bankAccountMasked', /masked/);
    expectFormatError((f) => { f.transit.cards[1].cardNo = f.transit.cards[0].cardNo; }, 'transit.cards[1].cardNo', /duplicate .*first at transit.cards\[0\]/);
    expectFormatError((f) => { f.timezone = 'UTC'; }, 'timezone', /Asia\/Shanghai/);
  });

  it('missing sections and fields', () => {
    expectFormatError((f) => { delete f.civilAffairs; }, 'civilAffairs', /expected an array, got missing/);
    expectFormatError((f) => { f.finance = {}; }, 'finance.disbursements', /expected an array/);
    expectFormatError((f) => { delete f.medicalInsurance[2].enrolledOn; }, 'medicalInsurance[2].enrolledOn', /missing/);
  });
});

describe('parsePopulation normalises', () => {
  it('a lower-case x check character and drops unknown fields', () => {
    const file = smallFile();
    const withX = '11010519491231002X';
    file.civilAffairs[0].idNumber = withX.toLowerCase();
    file.civilAffairs[0].nickname = 'extra';
    const population = parsePopulation(file);
    expect(population.civilAffairs[0]?.idNumber).toBe(withX);
    expect(population.civilAffairs[0]).not.toHaveProperty('nickname');
  });
});
