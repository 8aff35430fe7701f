/**
 * One generated person as the city knows them, before they are split into the bureaus' records:
 * the hidden truth from which each bureau's view (or absence of one) is derived.
 */
import { idNumberCheckChar } from '@huimin/schema';
import type { Gender, HouseholdStatus, InsuranceStatus } from '@huimin/schema';
import { dateOf } from './calendar';
import type { GenerationContext } from './generation-context';
import type { Random } from './prng';

export const HANGZHOU_DISTRICTS = ['330102', '330105', '330106', '330108', '330109', '330110', '330111', '330112'];
/** Region codes of other provinces' capitals, for people who moved to the city. */
const ELSEWHERE_DISTRICTS = ['340102', '320102', '410102', '510104', '360102', '430102', '420102', '350102'];

export interface Resident {
  gender: Gender;
  /** YYYY-MM-DD */
  birthDate: string;
  /** Region code in the ID number (and the civil-affairs district when registered here). */
  district: string;
  householdStatus: HouseholdStatus;
  disabilityLevel: number;
  diedOn: string | null;
  /** False for people civil affairs has no record of (non-local residents). */
  inCivilAffairs: boolean;
  /** null: no medical-insurance record. */
  insurance: InsuranceStatus | null;
  cardCount: number;
  /** Whether finance pays this person the subsidies they qualify for. */
  paidByFinance: boolean;
}

// Age bands (years) and weights, elderly-heavy like population-2k.json so the age rules get exercise.
const AGE_BANDS: ReadonlyArray<readonly [readonly [number, number], number]> = [
  [[0, 10], 8], [[10, 20], 10.5], [[20, 30], 10.5], [[30, 40], 11.5], [[40, 50], 11], [[50, 60], 10.5],
  [[60, 70], 9], [[70, 80], 8.5], [[80, 90], 8.5], [[90, 100], 8.5], [[100, 106], 2.5],
];

/** A birth date `minAge`..`maxAge` whole years before the context's date (upper bound exclusive). */
export function birthDateAged(context: GenerationContext, minAge: number, maxAge: number): string {
  return dateOf(birthDayAged(context, minAge, maxAge));
}

function birthDayAged(context: GenerationContext, minAge: number, maxAge: number): number {
  const youngest = context.asOfDay - Math.ceil(minAge * 365.25) - 1;
  const oldest = context.asOfDay - Math.floor(maxAge * 365.25) + 1;
  return context.random.int(oldest, Math.max(oldest, youngest));
}

const HOUSEHOLD_WEIGHTS = [['NONE', 92.6], ['LOW_INCOME', 5.9], ['EXTREME_POVERTY', 1.5]] as const;
const DISABILITY_WEIGHTS = [[0, 91.8], [1, 2.2], [2, 2], [3, 2], [4, 2]] as const;
const INSURANCE_WEIGHTS = [['ACTIVE', 95], ['SUSPENDED', 4], ['TERMINATED', 1]] as const;
const CARD_COUNT_WEIGHTS = [[1, 90], [2, 9], [3, 1]] as const;

function deathChance(age: number): number {
  if (age >= 80) return 0.03;
  if (age >= 65) return 0.012;
  return 0.001;
}

/** An ordinary resident, drawn from the city's proportions. */
export function ordinaryResident(context: GenerationContext): Resident {
  const { random } = context;
  const [minAge, maxAge] = random.weighted(AGE_BANDS);
  const birthDay = birthDayAged(context, minAge, maxAge);
  const age = (context.asOfDay - birthDay) / 365.25;
  const inCivilAffairs = !random.chance(0.03);
  const died = random.chance(deathChance(age));
  return {
    gender: random.chance(0.5) ? 'F' : 'M',
    birthDate: dateOf(birthDay),
    district: inCivilAffairs || random.chance(0.2) ? random.pick(HANGZHOU_DISTRICTS) : random.pick(ELSEWHERE_DISTRICTS),
    householdStatus: random.weighted(HOUSEHOLD_WEIGHTS),
    disabilityLevel: random.weighted(DISABILITY_WEIGHTS),
    diedOn: died ? dateOf(context.asOfDay - random.int(1, 200)) : null,
    inCivilAffairs,
    insurance: random.chance(inCivilAffairs ? 0.045 : 0.1) ? null : insuranceStatus(random, died),
    cardCount: cardCount(random, age),
    paidByFinance: inCivilAffairs || random.chance(0.3),
  };
}

export function elsewhereDistrict(random: Random): string {
  return random.pick(ELSEWHERE_DISTRICTS);
}

function insuranceStatus(random: Random, died: boolean): InsuranceStatus {
  if (died && random.chance(0.8)) return 'TERMINATED';
  return random.weighted(INSURANCE_WEIGHTS);
}

function cardCount(random: Random, age: number): number {
  if (!random.chance(age < 6 ? 0.2 : 0.76)) return 0;
  return random.weighted(CARD_COUNT_WEIGHTS);
}

/** Hands out unique GB 11643 ID numbers; the sequence's parity carries the gender, as the standard says. */
export class IdNumberAllocator {
  private readonly used = new Set<string>();

  allocate(random: Random, district: string, birthDate: string, gender: Gender): string {
    const birth = birthDate.replaceAll('-', '');
    // 500 sequence numbers per district, birth date and gender; far more than any generated day needs.
    for (let attempt = 0; attempt < 10_000; attempt += 1) {
      const pair = random.int(0, 499);
      const sequence = String(pair * 2 + (gender === 'M' ? 1 : 0)).padStart(3, '0');
      const first17 = `${district}${birth}${sequence}`;
      if (this.used.has(first17)) continue;
      this.used.add(first17);
      return first17 + idNumberCheckChar(first17);
    }
    throw new RangeError(`no free ID number sequence for ${district} ${birthDate} ${gender}`);
  }
}
