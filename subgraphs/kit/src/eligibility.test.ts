import { PROGRAM_CODES, type ProgramCode } from '@huimin/schema';
import { generatePopulation } from '@huimin/sandbox';
import {
  determineEligibilities, determineEligibility, isAliveOn, UNAVAILABLE_CIVIL, UNAVAILABLE_INSURANCE,
  type CivilFacts, type InsuranceFacts,
} from './eligibility';

const ASOF = '2026-11-01T00:00:00+08:00';
function civil(overrides: Partial<CivilFacts> = {}): CivilFacts {
  return { available: true, known: true, asOf: ASOF, birthDate: '1950-03-07', disabilityLevel: 0, householdStatus: 'NONE', diedOn: null, ...overrides };
}
const ACTIVE: InsuranceFacts = { available: true, known: true, asOf: ASOF, status: 'ACTIVE' };

describe('age thresholds', () => {
  it('counts whole years on the date (birthday inclusive)', () => {
    const facts = { civil: civil({ birthDate: '1961-03-07' }) };
    expect(determineEligibility('ELDERLY_TRANSIT', facts, '2026-03-06')).toMatchObject({ eligible: false, reasons: ['AGE_BELOW_THRESHOLD'] });
    expect(determineEligibility('ELDERLY_TRANSIT', facts, '2026-03-07')).toMatchObject({ eligible: true, reasons: ['ELIGIBLE'] });
  });

  it('ages a 29 February birthday on 1 March in non-leap years', () => {
    const facts = { civil: civil({ birthDate: '1960-02-29' }) };
    expect(determineEligibility('ELDERLY_TRANSIT', facts, '2025-02-28').eligible).toBe(false);
    expect(determineEligibility('ELDERLY_TRANSIT', facts, '2025-03-01').eligible).toBe(true);
    expect(determineEligibility('ELDERLY_TRANSIT', { civil: civil({ birthDate: '1964-02-29' }) }, '2029-02-28').eligible).toBe(false);
    expect(determineEligibility('ELDERLY_TRANSIT', { civil: civil({ birthDate: '1964-02-29' }) }, '2029-03-01').eligible).toBe(true);
  });

  it('uses 80 for the elderly care subsidy', () => {
    expect(determineEligibility('ELDERLY_CARE_SUBSIDY', { civil: civil({ birthDate: '1946-11-02' }) }, '2026-11-01').reasons).toEqual(['AGE_BELOW_THRESHOLD']);
    expect(determineEligibility('ELDERLY_CARE_SUBSIDY', { civil: civil({ birthDate: '1946-11-01' }) }, '2026-11-01').reasons).toEqual(['ELIGIBLE']);
  });
});

describe('death', () => {
  const dead = civil({ birthDate: '1930-01-01', diedOn: '2026-06-18' });
  it('counts a death on or before the date', () => {
    expect(determineEligibility('ELDERLY_TRANSIT', { civil: dead }, '2026-06-18')).toMatchObject({ eligible: false, reasons: ['DECEASED'] });
    expect(determineEligibility('ELDERLY_TRANSIT', { civil: dead }, '2026-07-01')).toMatchObject({ eligible: false, reasons: ['DECEASED'] });
  });
  it('does not count a later death for a past date', () => {
    expect(determineEligibility('ELDERLY_TRANSIT', { civil: dead }, '2026-06-17')).toMatchObject({ eligible: true, reasons: ['ELIGIBLE'] });
    expect(isAliveOn(dead, '2026-06-17')).toBe(true);
  });
  it('lists every failing reason, death included', () => {
    expect(determineEligibility('ELDERLY_TRANSIT', { civil: civil({ birthDate: '2000-01-01', diedOn: '2026-01-01' }) }, '2026-02-01').reasons)
      .toEqual(['DECEASED', 'AGE_BELOW_THRESHOLD']);
  });
});

describe('each programme', () => {
  it.each([
    ['DISABILITY_TRANSIT', { disabilityLevel: 2 }, { disabilityLevel: 3 }, 'NOT_SEVERELY_DISABLED'],
    ['DISABILITY_LIVING_SUBSIDY', { disabilityLevel: 1 }, { disabilityLevel: 0 }, 'NOT_SEVERELY_DISABLED'],
    ['MINIMUM_LIVING_ALLOWANCE', { householdStatus: 'LOW_INCOME' }, { householdStatus: 'EXTREME_POVERTY' }, 'NOT_LOW_INCOME'],
    ['EXTREME_POVERTY_SUPPORT', { householdStatus: 'EXTREME_POVERTY' }, { householdStatus: 'LOW_INCOME' }, 'NOT_EXTREME_POVERTY'],
  ] as const)('%s', (program, passing, failing, reason) => {
    expect(determineEligibility(program, { civil: civil(passing) }, '2026-11-01')).toMatchObject({ eligible: true, reasons: ['ELIGIBLE'] });
    expect(determineEligibility(program, { civil: civil(failing) }, '2026-11-01')).toMatchObject({ eligible: false, reasons: [reason] });
  });

  it('MEDICAL_ASSISTANCE needs a low-income or extreme-poverty household and active insurance', () => {
    const on = '2026-11-01';
    expect(determineEligibility('MEDICAL_ASSISTANCE', { civil: civil({ householdStatus: 'EXTREME_POVERTY' }), insurance: ACTIVE }, on).eligible).toBe(true);
    expect(determineEligibility('MEDICAL_ASSISTANCE', { civil: civil({ householdStatus: 'LOW_INCOME' }), insurance: ACTIVE }, on).eligible).toBe(true);
    expect(determineEligibility('MEDICAL_ASSISTANCE', { civil: civil(), insurance: { ...ACTIVE, status: 'SUSPENDED' } }, on))
      .toMatchObject({ eligible: false, reasons: ['NOT_LOW_INCOME', 'INSURANCE_NOT_ACTIVE'] });
    expect(determineEligibility('MEDICAL_ASSISTANCE', { civil: civil({ householdStatus: 'LOW_INCOME' }), insurance: { ...UNAVAILABLE_INSURANCE, available: true, asOf: ASOF } }, on))
      .toMatchObject({ eligible: false, reasons: ['NO_INSURANCE_RECORD'] });
  });

  it('stamps the sources consulted', () => {
    expect(determineEligibility('ELDERLY_TRANSIT', { civil: civil() }, '2026-11-01').sources).toEqual([{ source: 'CIVIL_AFFAIRS', available: true, asOf: ASOF }]);
    expect(determineEligibility('MEDICAL_ASSISTANCE', { civil: civil(), insurance: ACTIVE }, '2026-11-01').sources).toEqual([
      { source: 'CIVIL_AFFAIRS', available: true, asOf: ASOF },
      { source: 'MEDICAL_INSURANCE', available: true, asOf: ASOF },
    ]);
  });
});

describe('missing and unavailable sources', () => {
  const on = '2026-11-01';
  it('no civil-affairs record is false for every programme', () => {
    const none = { ...UNAVAILABLE_CIVIL, available: true, asOf: ASOF };
    for (const program of PROGRAM_CODES.filter((p) => p !== 'MEDICAL_ASSISTANCE')) {
      expect(determineEligibility(program, { civil: none }, on)).toMatchObject({ eligible: false, reasons: ['NO_CIVIL_AFFAIRS_RECORD'] });
    }
    expect(determineEligibility('MEDICAL_ASSISTANCE', { civil: none, insurance: ACTIVE }, on).reasons).toEqual(['NO_CIVIL_AFFAIRS_RECORD']);
  });

  it('civil affairs unavailable is null with SOURCE_UNAVAILABLE, never a guess', () => {
    const result = determineEligibility('ELDERLY_TRANSIT', { civil: UNAVAILABLE_CIVIL }, on);
    expect(result).toEqual({ program: 'ELDERLY_TRANSIT', eligible: null, reasons: ['SOURCE_UNAVAILABLE'], sources: [{ source: 'CIVIL_AFFAIRS', available: false, asOf: null }] });
  });

  it('insurance unavailable keeps the civil reasons but stays null', () => {
    expect(determineEligibility('MEDICAL_ASSISTANCE', { civil: civil(), insurance: UNAVAILABLE_INSURANCE }, on))
      .toMatchObject({ eligible: null, reasons: ['NOT_LOW_INCOME', 'SOURCE_UNAVAILABLE'] });
    expect(determineEligibility('MEDICAL_ASSISTANCE', { civil: civil({ householdStatus: 'LOW_INCOME' }) }, on))
      .toMatchObject({ eligible: null, reasons: ['SOURCE_UNAVAILABLE'] });
  });

  it('civil unavailable keeps the insurance reasons for MEDICAL_ASSISTANCE', () => {
    expect(determineEligibility('MEDICAL_ASSISTANCE', { civil: UNAVAILABLE_CIVIL, insurance: { ...ACTIVE, status: 'TERMINATED' } }, on))
      .toMatchObject({ eligible: null, reasons: ['INSURANCE_NOT_ACTIVE', 'SOURCE_UNAVAILABLE'] });
  });

  it('defaults the date to today in Asia/Shanghai', () => {
    const facts = { civil: civil({ birthDate: '1961-11-01' }) };
    // 2026-10-31T16:30Z is already 1 November in Shanghai.
    expect(determineEligibility('ELDERLY_TRANSIT', facts, undefined, Date.parse('2026-10-31T16:30:00Z')).eligible).toBe(true);
    expect(determineEligibility('ELDERLY_TRANSIT', facts, undefined, Date.parse('2026-10-31T15:30:00Z')).eligible).toBe(false);
  });
});

describe('determineEligibilities', () => {
  const population = generatePopulation({ size: 300, seed: 7 });
  const insurances: Array<InsuranceFacts | null> = [null, UNAVAILABLE_INSURANCE, ACTIVE, { ...ACTIVE, status: 'SUSPENDED' }, { ...UNAVAILABLE_INSURANCE, available: true }];
  const people: CivilFacts[] = [
    UNAVAILABLE_CIVIL,
    { ...UNAVAILABLE_CIVIL, available: true, asOf: ASOF },
    civil({ birthDate: null, disabilityLevel: null, householdStatus: null }),
    ...population.civilAffairs.map((record) => civil({
      birthDate: record.birthDate, disabilityLevel: record.disabilityLevel, householdStatus: record.householdStatus, diedOn: record.diedOn,
    })),
  ];

  it('answers exactly as determineEligibility per programme, for every person, date and insurance standing', () => {
    for (const person of people) {
      for (const insurance of insurances) {
        for (const on of ['2000-02-29', '2026-11-01', '2045-03-01']) {
          const facts = { civil: person, insurance };
          expect(determineEligibilities(PROGRAM_CODES, facts, on)).toEqual(PROGRAM_CODES.map((program) => determineEligibility(program, facts, on)));
        }
      }
    }
  });

  it('keeps the order and repeats of the programmes asked for', () => {
    const programs: ProgramCode[] = ['ELDERLY_CARE_SUBSIDY', 'MEDICAL_ASSISTANCE', 'ELDERLY_CARE_SUBSIDY'];
    expect(determineEligibilities(programs, { civil: civil() }, '2026-11-01').map((d) => d.program)).toEqual(programs);
    expect(determineEligibilities([], { civil: civil() }, '2026-11-01')).toEqual([]);
  });
});
