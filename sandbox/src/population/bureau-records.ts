/** Each bureau's record of a generated resident: civil affairs, medical insurance, transit cards. */
import { luhnCheckDigit } from '@huimin/schema';
import type {
  CardStatus,
  CardType,
  CivilAffairsRecord,
  InsuranceType,
  MedicalInsuranceRecord,
  TransitCardRecord,
} from '@huimin/schema';
import { dateOf, dayOf, formatUtc, timestampOn, yearsCompleted } from './calendar';
import type { GenerationContext } from './generation-context';
import { chineseName, mobilePhone } from './names';
import type { Resident } from './resident';

const DAY_SECONDS = 86_400;
const YEAR_DAYS = 365;
/** Hangzhou's insurance records and transit cards in their current form start around here. */
const EARLIEST_ENROLMENT_DAY = dayOf('2004-01-01');
const EARLIEST_CARD_DAY = dayOf('2008-01-01');

function ageToday(resident: Resident, context: GenerationContext): number {
  return yearsCompleted(resident.birthDate, context.asOfDate);
}

/** A random second within the day, written as the file writes instants. */
function sometimeOn(day: number, context: GenerationContext): string {
  return timestampOn(day, context.random.int(0, DAY_SECONDS - 1));
}

export function civilAffairsRecord(resident: Resident, idNumber: string, context: GenerationContext): CivilAffairsRecord {
  const { random } = context;
  const age = ageToday(resident, context);
  // A death is registered within days; anything else may have been touched at any time in the year.
  const updatedAt = resident.diedOn === null
    ? formatUtc(context.asOfMs - random.int(0, YEAR_DAYS * DAY_SECONDS - 1) * 1000)
    : sometimeOn(Math.min(Math.max(dayOf(resident.diedOn) + random.int(0, 5), context.asOfDay - YEAR_DAYS), context.asOfDay - 1), context);
  return {
    idNumber,
    name: chineseName(random, resident.gender),
    gender: resident.gender,
    birthDate: resident.birthDate,
    district: resident.district,
    phone: age < 12 && random.chance(0.3) ? null : mobilePhone(random),
    householdStatus: resident.householdStatus,
    disabilityLevel: resident.disabilityLevel,
    lifeStatus: resident.diedOn === null ? 'ALIVE' : 'DECEASED',
    diedOn: resident.diedOn,
    updatedAt,
  };
}

export function medicalInsuranceRecord(resident: Resident, idNumber: string, context: GenerationContext): MedicalInsuranceRecord | null {
  if (resident.insurance === null) return null;
  const { random } = context;
  const age = ageToday(resident, context);
  const employeeShare = age >= 18 && age < 60 ? 0.45 : age >= 60 ? 0.22 : 0;
  const insuranceType: InsuranceType = random.chance(employeeShare) ? 'URBAN_EMPLOYEE' : 'URBAN_RURAL_RESIDENT';
  const earliest = Math.max(dayOf(resident.birthDate), EARLIEST_ENROLMENT_DAY);
  return {
    idNumber,
    insuranceType,
    status: resident.insurance,
    enrolledOn: dateOf(random.int(earliest, Math.max(earliest, context.asOfDay - 90))),
    // Employees' personal accounts receive part of their payroll contributions; residents' barely any.
    personalAccountBalanceFen: insuranceType === 'URBAN_EMPLOYEE' ? random.int(300_000, 3_500_000) : random.int(0, 70_000),
    annualOutOfPocketFen: random.int(0, 1_450_000),
    updatedAt: formatUtc(context.asOfMs - random.int(0, 60 * DAY_SECONDS) * 1000),
  };
}

/** Card numbers: issuer prefix 3101, an 11-digit serial, a Luhn check digit. */
export function cardNumber(serial: number): string {
  const payload = `3101${String(serial).padStart(11, '0')}`;
  return payload + luhnCheckDigit(payload);
}

function newestCardType(resident: Resident, age: number, context: GenerationContext): CardType {
  const { random } = context;
  if (resident.disabilityLevel >= 1 && resident.disabilityLevel <= 2 && random.chance(0.8)) return 'DISABLED';
  if (age >= 65 && random.chance(0.9)) return 'ELDERLY';
  if (age >= 6 && age <= 22 && random.chance(0.85)) return 'STUDENT';
  return 'STANDARD';
}

const NEWEST_CARD_STATUS_WEIGHTS = [['ACTIVE', 96], ['FROZEN', 3.4], ['LOST', 0.6]] as const;

function newestCardStatus(resident: Resident, context: GenerationContext): CardStatus {
  if (resident.diedOn !== null && context.random.chance(0.4)) return 'CANCELLED';
  return context.random.weighted(NEWEST_CARD_STATUS_WEIGHTS);
}

/**
 * A person's cards, oldest first. Earlier cards were replaced by the next one (mostly after a
 * loss), so their status changed on the day the next card was issued.
 */
export function transitCards(resident: Resident, idNumber: string, context: GenerationContext, nextSerial: () => number): TransitCardRecord[] {
  const { random } = context;
  const age = ageToday(resident, context);
  const birthDay = dayOf(resident.birthDate);
  const earliest = Math.min(Math.max(birthDay + (age >= 6 ? 6 * YEAR_DAYS : 0), EARLIEST_CARD_DAY), context.asOfDay - 1);
  const issueDays = Array.from({ length: resident.cardCount }, () => random.int(earliest, context.asOfDay - 1)).sort((a, b) => a - b);
  const newestType = newestCardType(resident, age, context);
  return issueDays.map((issueDay, i) => {
    const replacedOn = issueDays[i + 1];
    const status: CardStatus = replacedOn === undefined
      ? newestCardStatus(resident, context)
      : random.chance(0.9) ? 'LOST' : 'CANCELLED';
    const changedDay = replacedOn ?? random.int(Math.min(Math.max(issueDay, context.asOfDay - 200), context.asOfDay - 1), context.asOfDay - 1);
    return {
      cardNo: cardNumber(nextSerial()),
      idNumber,
      cardType: replacedOn === undefined || random.chance(0.5) ? newestType : 'STANDARD',
      status,
      balanceFen: status === 'CANCELLED' ? random.int(0, 2_000) : random.int(0, 50_000),
      issuedOn: dateOf(issueDay),
      statusChangedAt: sometimeOn(changedDay, context),
    };
  });
}

/**
 * Makes sure each of the last `days` days has civil-affairs changes, so a daily change export
 * for any recent day has content whatever the population size.
 */
export function spreadRecentUpdates(records: CivilAffairsRecord[], days: number, context: GenerationContext): void {
  if (records.length < days) return;
  for (let back = 1; back <= days; back += 1) {
    let index = Math.floor(((back - 1) * records.length) / days);
    // Deceased records keep the date their death was registered.
    while (records[index]?.lifeStatus === 'DECEASED') index += 1;
    const record = records[index];
    if (record) record.updatedAt = sometimeOn(context.asOfDay - back, context);
  }
}
