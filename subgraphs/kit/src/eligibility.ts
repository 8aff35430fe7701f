/**
 * The city's programme rules (spec/programs.md) as pure functions over what the bureaus said.
 * Nothing here calls a bureau: callers pass the facts, including whether a bureau could be asked.
 */
import type { BureauSource } from '@huimin/adapters';
import { ageOn, shanghaiDate, type HouseholdStatus, type InsuranceStatus, type ProgramCode } from '@huimin/schema';

export type EligibilityReason =
  | 'ELIGIBLE'
  | 'DECEASED'
  | 'AGE_BELOW_THRESHOLD'
  | 'NOT_SEVERELY_DISABLED'
  | 'NOT_LOW_INCOME'
  | 'NOT_EXTREME_POVERTY'
  | 'INSURANCE_NOT_ACTIVE'
  | 'NO_INSURANCE_RECORD'
  | 'NO_CIVIL_AFFAIRS_RECORD'
  | 'SOURCE_UNAVAILABLE';

/** The enum's order, used to list reasons the same way every time. */
const REASON_ORDER: readonly EligibilityReason[] = [
  'ELIGIBLE', 'DECEASED', 'AGE_BELOW_THRESHOLD', 'NOT_SEVERELY_DISABLED', 'NOT_LOW_INCOME',
  'NOT_EXTREME_POVERTY', 'INSURANCE_NOT_ACTIVE', 'NO_INSURANCE_RECORD', 'NO_CIVIL_AFFAIRS_RECORD',
  'SOURCE_UNAVAILABLE',
];

/** What civil affairs says about a person (the CivilStanding type). */
export interface CivilFacts {
  /** False when the bureau could not be asked: nothing else is known. */
  available: boolean;
  /** False when the bureau answered that it has no record. */
  known: boolean;
  asOf: string | null;
  birthDate: string | null;
  disabilityLevel: number | null;
  householdStatus: HouseholdStatus | null;
  diedOn: string | null;
}

/** What medical insurance says about a person (the InsuranceStanding type). */
export interface InsuranceFacts {
  available: boolean;
  known: boolean;
  asOf: string | null;
  status: InsuranceStatus | null;
}

export interface EligibilityFacts {
  civil: CivilFacts;
  /** Needed only for MEDICAL_ASSISTANCE; absent counts as unavailable there. */
  insurance?: InsuranceFacts | null;
}

export interface SourceStamp {
  source: BureauSource;
  available: boolean;
  asOf: string | null;
}

export interface Determination {
  program: ProgramCode;
  /** Null: cannot be determined now. */
  eligible: boolean | null;
  reasons: EligibilityReason[];
  sources: SourceStamp[];
}

export const UNAVAILABLE_CIVIL: CivilFacts = {
  available: false, known: false, asOf: null, birthDate: null, disabilityLevel: null, householdStatus: null, diedOn: null,
};
export const UNAVAILABLE_INSURANCE: InsuranceFacts = { available: false, known: false, asOf: null, status: null };

/** Alive on `on` unless a death is recorded on or before it; a later death has not happened yet. */
export function isAliveOn(civil: CivilFacts, on: string): boolean {
  return civil.diedOn === null || civil.diedOn > on;
}

/** Each reason's bit: a determination's failing reasons are one number, listed in REASON_ORDER. */
const REASON_BIT = Object.fromEntries(REASON_ORDER.map((reason, index) => [reason, 1 << index])) as Record<EligibilityReason, number>;

/** Accumulates failing reasons and whether something needed was not known. */
class Verdict {
  failing = 0;
  undetermined = false;

  fail(reason: EligibilityReason): void {
    this.failing |= REASON_BIT[reason];
  }

  reasons(): EligibilityReason[] {
    const reasons: EligibilityReason[] = [];
    for (let index = 0; index < REASON_ORDER.length; index += 1) {
      if ((this.failing & (1 << index)) !== 0) reasons.push(REASON_ORDER[index] as EligibilityReason);
    }
    return reasons;
  }
}

/**
 * One person's civil facts on one date. The age is worked out once however many programmes ask
 * (a batch of 100 citizens × 7 programmes spent most of its rule time parsing the same dates).
 */
class CivilOnDate {
  private age: number | undefined;

  constructor(
    readonly civil: CivilFacts,
    readonly on: string,
  ) {}

  /** Whole years on the date; only asked when the birth date is known. */
  ageYears(birthDate: string): number {
    this.age ??= ageOn(birthDate, this.on);
    return this.age;
  }
}

function checkAge(person: CivilOnDate, threshold: number, verdict: Verdict): void {
  const { birthDate } = person.civil;
  if (birthDate === null) verdict.undetermined = true;
  else if (person.ageYears(birthDate) < threshold) verdict.fail('AGE_BELOW_THRESHOLD');
}

function checkSevereDisability(civil: CivilFacts, verdict: Verdict): void {
  if (civil.disabilityLevel === null) verdict.undetermined = true;
  else if (civil.disabilityLevel !== 1 && civil.disabilityLevel !== 2) verdict.fail('NOT_SEVERELY_DISABLED');
}

function checkHousehold(civil: CivilFacts, accepted: readonly HouseholdStatus[], reason: EligibilityReason, verdict: Verdict): void {
  if (civil.householdStatus === null) verdict.undetermined = true;
  else if (!accepted.includes(civil.householdStatus)) verdict.fail(reason);
}

/** The programme's own conditions on a person civil affairs knows (death is checked by the caller). */
function checkCivilConditions(program: ProgramCode, person: CivilOnDate, verdict: Verdict): void {
  const { civil } = person;
  switch (program) {
    case 'ELDERLY_TRANSIT':
      return checkAge(person, 65, verdict);
    case 'ELDERLY_CARE_SUBSIDY':
      return checkAge(person, 80, verdict);
    case 'DISABILITY_TRANSIT':
    case 'DISABILITY_LIVING_SUBSIDY':
      return checkSevereDisability(civil, verdict);
    case 'MINIMUM_LIVING_ALLOWANCE':
      return checkHousehold(civil, ['LOW_INCOME'], 'NOT_LOW_INCOME', verdict);
    case 'EXTREME_POVERTY_SUPPORT':
      return checkHousehold(civil, ['EXTREME_POVERTY'], 'NOT_EXTREME_POVERTY', verdict);
    case 'MEDICAL_ASSISTANCE':
      return checkHousehold(civil, ['LOW_INCOME', 'EXTREME_POVERTY'], 'NOT_LOW_INCOME', verdict);
    default: {
      const unreachable: never = program;
      throw new Error(`unknown programme ${String(unreachable)}`);
    }
  }
}

function checkInsurance(insurance: InsuranceFacts, verdict: Verdict): void {
  if (!insurance.available) verdict.undetermined = true;
  else if (!insurance.known) verdict.fail('NO_INSURANCE_RECORD');
  else if (insurance.status !== 'ACTIVE') verdict.fail('INSURANCE_NOT_ACTIVE');
}

function determine(program: ProgramCode, person: CivilOnDate, insuranceFacts: InsuranceFacts | null | undefined): Determination {
  const { civil, on } = person;
  const verdict = new Verdict();
  const sources: SourceStamp[] = [{ source: 'CIVIL_AFFAIRS', available: civil.available, asOf: civil.asOf }];

  if (!civil.available) verdict.undetermined = true;
  else if (!civil.known) verdict.fail('NO_CIVIL_AFFAIRS_RECORD');
  else {
    if (!isAliveOn(civil, on)) verdict.fail('DECEASED');
    checkCivilConditions(program, person, verdict);
  }

  if (program === 'MEDICAL_ASSISTANCE') {
    const insurance = insuranceFacts ?? UNAVAILABLE_INSURANCE;
    sources.push({ source: 'MEDICAL_INSURANCE', available: insurance.available, asOf: insurance.asOf });
    checkInsurance(insurance, verdict);
  }

  if (verdict.undetermined) verdict.fail('SOURCE_UNAVAILABLE');
  const reasons = verdict.reasons();
  if (verdict.undetermined) return { program, eligible: null, reasons, sources };
  if (reasons.length === 0) return { program, eligible: true, reasons: ['ELIGIBLE'], sources };
  return { program, eligible: false, reasons, sources };
}

/** Applies one programme's rule on date `on` (default: today in Asia/Shanghai). */
export function determineEligibility(program: ProgramCode, facts: EligibilityFacts, on?: string, now: number = Date.now()): Determination {
  return determine(program, new CivilOnDate(facts.civil, on ?? shanghaiDate(now)), facts.insurance);
}

/** Applies each programme's rule on date `on` for one person, in the order given: the same answers as determineEligibility per programme. */
export function determineEligibilities(programs: readonly ProgramCode[], facts: EligibilityFacts, on: string): Determination[] {
  const person = new CivilOnDate(facts.civil, on);
  return programs.map((program) => determine(program, person, facts.insurance));
}
