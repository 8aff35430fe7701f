/**
 * An independent reading of programs.md, written for the tests only: it shares no code with the
 * subgraphs, so a wrong rule there cannot make its own expectation right.
 */
import type { CivilAffairsRecord, DisbursementRecord, MedicalInsuranceRecord, Population, TransitCardRecord } from '@huimin/schema';

export type Program =
  | 'ELDERLY_TRANSIT'
  | 'DISABILITY_TRANSIT'
  | 'MINIMUM_LIVING_ALLOWANCE'
  | 'EXTREME_POVERTY_SUPPORT'
  | 'ELDERLY_CARE_SUBSIDY'
  | 'DISABILITY_LIVING_SUBSIDY'
  | 'MEDICAL_ASSISTANCE';

export const ALL_PROGRAMS: Program[] = [
  'ELDERLY_TRANSIT',
  'DISABILITY_TRANSIT',
  'MINIMUM_LIVING_ALLOWANCE',
  'EXTREME_POVERTY_SUPPORT',
  'ELDERLY_CARE_SUBSIDY',
  'DISABILITY_LIVING_SUBSIDY',
  'MEDICAL_ASSISTANCE',
];

export interface Person {
  idNumber: string;
  civil: CivilAffairsRecord | null;
  medical: MedicalInsuranceRecord | null;
  disbursements: DisbursementRecord[];
  cards: TransitCardRecord[];
}

/** Everyone in the file, joined across the four bureaus by ID number. */
export function peopleOf(population: Population): Person[] {
  const byId = new Map<string, Person>();
  const person = (idNumber: string): Person => {
    let entry = byId.get(idNumber);
    if (!entry) {
      entry = { idNumber, civil: null, medical: null, disbursements: [], cards: [] };
      byId.set(idNumber, entry);
    }
    return entry;
  };
  for (const record of population.civilAffairs) person(record.idNumber).civil = record;
  for (const record of population.medicalInsurance) person(record.idNumber).medical = record;
  for (const record of population.finance.disbursements) person(record.idNumber).disbursements.push(record);
  for (const record of population.transit.cards) person(record.idNumber).cards.push(record);
  return [...byId.values()];
}

/** "Whole years completed on D"; born 29 Feb → a year older on 1 Mar in non-leap years. */
export function yearsCompleted(birthDate: string, on: string): number {
  const birth = { y: +birthDate.slice(0, 4), md: birthDate.slice(5) };
  const day = { y: +on.slice(0, 4), md: on.slice(5) };
  let years = day.y - birth.y;
  // String comparison of MM-DD: "02-29" > "02-28", so in a non-leap year the 29 Feb birthday is
  // reached only on "03-01".
  if (day.md < birth.md) years -= 1;
  return years;
}

export interface ExpectedEligibility {
  eligible: boolean | null;
  reasons: string[];
}

export function expectedEligibility(program: Program, p: Person, on: string): ExpectedEligibility {
  const reasons: string[] = [];
  const civil = p.civil;
  if (!civil) reasons.push('NO_CIVIL_AFFAIRS_RECORD');
  if (civil) {
    if (civil.diedOn !== null && civil.diedOn <= on) reasons.push('DECEASED');
    const age = yearsCompleted(civil.birthDate, on);
    const severe = civil.disabilityLevel === 1 || civil.disabilityLevel === 2;
    switch (program) {
      case 'ELDERLY_TRANSIT':
        if (age < 65) reasons.push('AGE_BELOW_THRESHOLD');
        break;
      case 'ELDERLY_CARE_SUBSIDY':
        if (age < 80) reasons.push('AGE_BELOW_THRESHOLD');
        break;
      case 'DISABILITY_TRANSIT':
      case 'DISABILITY_LIVING_SUBSIDY':
        if (!severe) reasons.push('NOT_SEVERELY_DISABLED');
        break;
      case 'MINIMUM_LIVING_ALLOWANCE':
        if (civil.householdStatus !== 'LOW_INCOME') reasons.push('NOT_LOW_INCOME');
        break;
      case 'EXTREME_POVERTY_SUPPORT':
        if (civil.householdStatus !== 'EXTREME_POVERTY') reasons.push('NOT_EXTREME_POVERTY');
        break;
      case 'MEDICAL_ASSISTANCE':
        if (civil.householdStatus === 'NONE') reasons.push('NOT_LOW_INCOME');
        break;
    }
  }
  if (program === 'MEDICAL_ASSISTANCE') {
    if (!p.medical) reasons.push('NO_INSURANCE_RECORD');
    else if (p.medical.status !== 'ACTIVE') reasons.push('INSURANCE_NOT_ACTIVE');
  }
  return reasons.length === 0 ? { eligible: true, reasons: ['ELIGIBLE'] } : { eligible: false, reasons: reasons.sort() };
}

export function expectedAnomalies(p: Person, d: DisbursementRecord): string[] {
  if (d.status !== 'DISBURSED') return [];
  const anomalies: string[] = [];
  const twins = p.disbursements.filter(
    (o) => o.status === 'DISBURSED' && o.programCode === d.programCode && o.period === d.period,
  );
  if (twins.length >= 2) anomalies.push('DUPLICATE_PAYMENT');
  const firstDay = `${d.period}-01`;
  if (p.civil?.diedOn && firstDay > p.civil.diedOn) anomalies.push('PAID_AFTER_DEATH');
  const rule = expectedEligibility(d.programCode as Program, p, firstDay);
  if (rule.eligible === false && rule.reasons.some((r) => r !== 'DECEASED')) anomalies.push('NOT_ELIGIBLE_WHEN_PAID');
  return anomalies.sort();
}

export function expectedMaskedName(name: string): string {
  const chars = [...name];
  if (chars.length <= 1) return '*';
  if (chars.length === 2) return `${chars[0]}*`;
  return `${chars[0]}${'*'.repeat(chars.length - 2)}${chars[chars.length - 1]}`;
}

export const expectedMaskedIdNumber = (id: string): string => `${id.slice(0, 6)}********${id.slice(-4)}`;
export const expectedMaskedPhone = (phone: string): string => `${phone.slice(0, 3)}****${phone.slice(-4)}`;

export function expectedBalances(p: Person): { medical: number | null; transitTotal: number; pending: number } {
  return {
    medical: p.medical ? p.medical.personalAccountBalanceFen : null,
    transitTotal: p.cards.filter((c) => c.status !== 'CANCELLED').reduce((sum, c) => sum + c.balanceFen, 0),
    pending: p.disbursements
      .filter((d) => d.status === 'APPROVED' || d.status === 'DISBURSING')
      .reduce((sum, d) => sum + d.amountFen, 0),
  };
}

/** Today's date in Asia/Shanghai (UTC+8, no daylight saving). */
export function shanghaiToday(): string {
  return new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
}
