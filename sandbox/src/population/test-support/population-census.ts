/**
 * An independent reading of a population against programs.md, for tests: it re-implements the
 * rules from the spec (not from the generator) and counts the cases the rules care about.
 */
import { ageOn, firstDayOfPeriod } from '@huimin/schema';
import type { CivilAffairsRecord, DisbursementRecord, MedicalInsuranceRecord, Population, ProgramCode } from '@huimin/schema';

export type IneligibleReason =
  | 'AGE_BELOW_THRESHOLD' | 'NOT_SEVERELY_DISABLED' | 'NOT_LOW_INCOME' | 'NOT_EXTREME_POVERTY'
  | 'INSURANCE_NOT_ACTIVE' | 'NO_INSURANCE_RECORD';

/** Why the programme's rule is false on `on`, leaving out death (the spec flags that apart). */
export function reasonsOtherThanDeath(
  code: ProgramCode, person: CivilAffairsRecord, insured: MedicalInsuranceRecord | undefined, on: string,
): IneligibleReason[] {
  const severe = person.disabilityLevel === 1 || person.disabilityLevel === 2;
  const poor = person.householdStatus === 'LOW_INCOME' || person.householdStatus === 'EXTREME_POVERTY';
  switch (code) {
    case 'ELDERLY_TRANSIT': return ageOn(person.birthDate, on) >= 65 ? [] : ['AGE_BELOW_THRESHOLD'];
    case 'ELDERLY_CARE_SUBSIDY': return ageOn(person.birthDate, on) >= 80 ? [] : ['AGE_BELOW_THRESHOLD'];
    case 'DISABILITY_TRANSIT':
    case 'DISABILITY_LIVING_SUBSIDY': return severe ? [] : ['NOT_SEVERELY_DISABLED'];
    case 'MINIMUM_LIVING_ALLOWANCE': return person.householdStatus === 'LOW_INCOME' ? [] : ['NOT_LOW_INCOME'];
    case 'EXTREME_POVERTY_SUPPORT': return person.householdStatus === 'EXTREME_POVERTY' ? [] : ['NOT_EXTREME_POVERTY'];
    case 'MEDICAL_ASSISTANCE': {
      const reasons: IneligibleReason[] = poor ? [] : ['NOT_LOW_INCOME'];
      if (insured === undefined) reasons.push('NO_INSURANCE_RECORD');
      else if (insured.status !== 'ACTIVE') reasons.push('INSURANCE_NOT_ACTIVE');
      return reasons;
    }
  }
}

export interface Census {
  leapDayBirths: number;
  turning65NearAsOf: number;
  turning80NearAsOf: number;
  diedBeforeWindow: number;
  diedInWindow: number;
  diedAfterLastPeriod: number;
  paidAfterDeath: number;
  paidOnDayOfDeath: number;
  duplicatePayments: number;
  ineligibleWhenPaid: Record<IneligibleReason, number>;
  /** Non-severe levels 3–4 (not 0) paid the disability subsidy. */
  nonSevereDisabilityPaid: number;
  failedWithReason: number;
  reversedAfterDisbursed: number;
  pending: number;
  /** People per set of bureaus that know them, e.g. `civil+insurance+transit`. */
  knownTo: Map<string, number>;
}

function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

function turnsNear(birthDate: string, age: number, asOfDate: string): boolean {
  return ageOn(birthDate, addDays(asOfDate, -3)) === age - 1 && ageOn(birthDate, addDays(asOfDate, 3)) === age;
}

export function takeCensus(population: Population, asOfDate: string, periods: readonly string[]): Census {
  const civil = new Map(population.civilAffairs.map((p) => [p.idNumber, p]));
  const insurance = new Map(population.medicalInsurance.map((r) => [r.idNumber, r]));
  const firstWindowDay = firstDayOfPeriod(periods[0] ?? '');
  const lastPeriodDay = firstDayOfPeriod(periods[periods.length - 1] ?? '');
  const paid = population.finance.disbursements.filter((d) => d.status === 'DISBURSED');
  const census: Census = {
    leapDayBirths: population.civilAffairs.filter((p) => p.birthDate.endsWith('-02-29')).length,
    turning65NearAsOf: population.civilAffairs.filter((p) => turnsNear(p.birthDate, 65, asOfDate)).length,
    turning80NearAsOf: population.civilAffairs.filter((p) => turnsNear(p.birthDate, 80, asOfDate)).length,
    diedBeforeWindow: population.civilAffairs.filter((p) => p.diedOn !== null && p.diedOn < firstWindowDay).length,
    diedInWindow: population.civilAffairs.filter((p) => p.diedOn !== null && p.diedOn >= firstWindowDay && p.diedOn <= lastPeriodDay).length,
    diedAfterLastPeriod: population.civilAffairs.filter((p) => p.diedOn !== null && p.diedOn > lastPeriodDay).length,
    paidAfterDeath: 0,
    paidOnDayOfDeath: 0,
    duplicatePayments: 0,
    ineligibleWhenPaid: { AGE_BELOW_THRESHOLD: 0, NOT_SEVERELY_DISABLED: 0, NOT_LOW_INCOME: 0, NOT_EXTREME_POVERTY: 0, INSURANCE_NOT_ACTIVE: 0, NO_INSURANCE_RECORD: 0 },
    nonSevereDisabilityPaid: 0,
    failedWithReason: 0,
    reversedAfterDisbursed: 0,
    pending: 0,
    knownTo: new Map(),
  };
  const paidKeys = new Map<string, number>();
  for (const d of paid) {
    const key = `${d.idNumber}/${d.programCode}/${d.period}`;
    paidKeys.set(key, (paidKeys.get(key) ?? 0) + 1);
    const person = civil.get(d.idNumber);
    if (!person) continue;
    const on = firstDayOfPeriod(d.period);
    if (person.diedOn !== null && on > person.diedOn) census.paidAfterDeath += 1;
    if (person.diedOn === on) census.paidOnDayOfDeath += 1;
    for (const reason of reasonsOtherThanDeath(d.programCode, person, insurance.get(d.idNumber), on)) {
      census.ineligibleWhenPaid[reason] += 1;
    }
    if (d.programCode === 'DISABILITY_LIVING_SUBSIDY' && person.disabilityLevel >= 3) census.nonSevereDisabilityPaid += 1;
  }
  for (const count of paidKeys.values()) if (count > 1) census.duplicatePayments += count;
  countLifecycles(population.finance.disbursements, census);
  countBureauSets(population, census);
  return census;
}

function countLifecycles(disbursements: readonly DisbursementRecord[], census: Census): void {
  for (const d of disbursements) {
    const statuses = d.statusHistory.map((h) => h.status);
    if (d.status === 'FAILED' && d.statusHistory.at(-1)?.reason) census.failedWithReason += 1;
    if (d.status === 'REVERSED' && statuses.indexOf('DISBURSED') >= 0 && statuses.indexOf('DISBURSED') < statuses.indexOf('REVERSED')) {
      census.reversedAfterDisbursed += 1;
    }
    if (d.status === 'APPROVED' || d.status === 'DISBURSING') census.pending += 1;
  }
}

function countBureauSets(population: Population, census: Census): void {
  const sets = new Map<string, Set<string>>();
  const mark = (id: string, bureau: string): void => {
    const set = sets.get(id) ?? new Set<string>();
    set.add(bureau);
    sets.set(id, set);
  };
  population.civilAffairs.forEach((r) => mark(r.idNumber, 'civil'));
  population.medicalInsurance.forEach((r) => mark(r.idNumber, 'insurance'));
  population.finance.disbursements.forEach((r) => mark(r.idNumber, 'finance'));
  population.transit.cards.forEach((r) => mark(r.idNumber, 'transit'));
  for (const set of sets.values()) {
    const key = ['civil', 'insurance', 'finance', 'transit'].filter((b) => set.has(b)).join('+');
    census.knownTo.set(key, (census.knownTo.get(key) ?? 0) + 1);
  }
}
