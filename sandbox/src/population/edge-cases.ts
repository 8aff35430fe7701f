/**
 * The cases the programme rules and anomaly flags care about, planted deliberately so every
 * generated population of 200 or more people exercises each of them (a random draw alone would
 * often miss a 29 February birthday or a payment after death in a small population).
 */
import type { ProgramCode } from '@huimin/schema';
import { dateOf, dayOf, yearsBefore } from './calendar';
import { type GenerationContext, periodAt } from './generation-context';
import type { PaymentPlan } from './payment-plan';
import { HANGZHOU_DISTRICTS, type Resident, birthDateAged, elsewhereDistrict } from './resident';

export type EdgeCase =
  | 'LEAP_DAY_BIRTH' | 'TURNING_65' | 'TURNING_80' | 'TURNING_80_IN_WINDOW' | 'PAID_TOO_YOUNG'
  | 'DIED_BEFORE_WINDOW' | 'DIED_IN_WINDOW' | 'DIED_AFTER_LAST_PERIOD' | 'DIED_ON_PERIOD_START_PAID'
  | 'PAID_AFTER_DEATH' | 'DUPLICATE_PAYMENT' | 'PAYMENT_LIFECYCLE' | 'WRONG_HOUSEHOLD_PAID'
  | 'NON_SEVERE_DISABILITY_PAID' | 'INACTIVE_INSURANCE_PAID' | 'NO_INSURANCE_PAID'
  | 'CIVIL_AFFAIRS_ONLY' | 'INSURANCE_ONLY' | 'TRANSIT_ONLY' | 'FINANCE_ONLY' | 'NON_LOCAL';

interface EdgeCaseSpec {
  /** At least this many people (from size 200 up) ... */
  min: number;
  /** ... or one per this many people, whichever is more. */
  per: number;
  /** Turns an ordinary resident into this case; `ordinal` cycles through the case's variants. */
  shape(resident: Resident, ordinal: number, context: GenerationContext): void;
  /** Adds or fixes the payments that make the case (after the regular ones are planned). */
  pay?(plan: PaymentPlan, resident: Resident, ordinal: number, context: GenerationContext): void;
}

export interface EdgeCaseAssignment {
  edgeCase: EdgeCase;
  ordinal: number;
}

const LEAP_YEARS = [1944, 1960, 1948, 1964, 1956, 1984, 2000, 2012, 2020, 1936];
const BIRTHDAY_OFFSETS = [0, -1, 1, -2, 2, 7, -7, 30, -30];

/** Registered with civil affairs, alive, no benefits status, so only the case's own traits count. */
function registered(resident: Resident, context: GenerationContext, minAge: number, maxAge: number): void {
  resident.birthDate = birthDateAged(context, minAge, maxAge);
  resident.inCivilAffairs = true;
  resident.paidByFinance = true;
  resident.diedOn = null;
  resident.householdStatus = 'NONE';
  resident.disabilityLevel = 0;
  if (!resident.district.startsWith('3301')) resident.district = context.random.pick(HANGZHOU_DISTRICTS);
  resident.insurance ??= 'ACTIVE';
}

function unregistered(resident: Resident, insured: boolean, cards: number, paid: boolean): void {
  resident.inCivilAffairs = false;
  resident.insurance = insured ? 'ACTIVE' : null;
  resident.cardCount = cards;
  resident.paidByFinance = paid;
  resident.diedOn = null;
}

/** The birth date whose `years`-th birthday is `day` (the day after, for 29 February in a common year). */
function bornYearsBefore(day: number, years: number): string {
  return yearsBefore(dateOf(day), years) ?? yearsBefore(dateOf(day + 1), years) ?? dateOf(day);
}

/** The date of the `years`-th birthday (never 29 February: only used for people born on a 2nd). */
function birthday(resident: Resident, years: number): string {
  return `${Number(resident.birthDate.slice(0, 4)) + years}${resident.birthDate.slice(4)}`;
}

function midWindowPeriod(context: GenerationContext): number {
  return context.random.int(2, context.periods.length - 3);
}

/** The payment period whose month contains the day (days past the window map to the last one). */
function periodIndexOf(context: GenerationContext, date: string): number {
  const day = dayOf(date);
  let index = 0;
  context.periods.forEach((period, i) => {
    if (period.firstDay <= day) index = i;
  });
  return index;
}

/** Pays `programCode` (DISBURSED) for `count` consecutive periods from a random one. */
function payIneligible(plan: PaymentPlan, context: GenerationContext, programCode: ProgramCode, count: number): void {
  const start = context.random.int(0, context.periods.length - count);
  for (let i = 0; i < count; i += 1) plan.force(programCode, start + i, 'DISBURSED');
}

function diedOnDay(resident: Resident, day: number): void {
  resident.diedOn = dateOf(day);
  if (resident.insurance !== null) resident.insurance = 'TERMINATED';
}

const SPECS: Record<EdgeCase, EdgeCaseSpec> = {
  LEAP_DAY_BIRTH: {
    min: 2, per: 500,
    shape: (r, n, c) => {
      registered(r, c, 20, 60);
      r.birthDate = `${LEAP_YEARS[n % LEAP_YEARS.length] ?? 1960}-02-29`;
    },
  },
  TURNING_65: {
    min: 3, per: 400,
    shape: (r, n, c) => {
      registered(r, c, 20, 60);
      r.birthDate = bornYearsBefore(c.asOfDay + (BIRTHDAY_OFFSETS[n % BIRTHDAY_OFFSETS.length] ?? 0), 65);
    },
  },
  TURNING_80: {
    min: 3, per: 400,
    shape: (r, n, c) => {
      registered(r, c, 20, 60);
      r.birthDate = bornYearsBefore(c.asOfDay + (BIRTHDAY_OFFSETS[n % BIRTHDAY_OFFSETS.length] ?? 0), 80);
    },
  },
  // 80th birthday on the 1st (eligible that month) or the 2nd (eligible from the next month).
  TURNING_80_IN_WINDOW: {
    min: 2, per: 1000,
    shape: (r, n, c) => {
      registered(r, c, 20, 60);
      r.birthDate = bornYearsBefore(periodAt(c, midWindowPeriod(c)).firstDay + (n % 2), 80);
    },
  },
  PAID_TOO_YOUNG: {
    min: 2, per: 1000,
    shape: (r, n, c) => {
      registered(r, c, 72, 78);
      if (n % 2 === 0) r.birthDate = bornYearsBefore(periodAt(c, midWindowPeriod(c)).firstDay + 1, 80);
    },
    pay: (plan, r, n, c) => {
      // Even: paid for the month of the 80th birthday, which falls on the 2nd, one day too early.
      if (n % 2 === 0) plan.force('ELDERLY_CARE_SUBSIDY', periodIndexOf(c, birthday(r, 80)), 'DISBURSED');
      else payIneligible(plan, c, 'ELDERLY_CARE_SUBSIDY', c.random.int(1, 2));
    },
  },
  DIED_BEFORE_WINDOW: {
    min: 1, per: 1000,
    shape: (r, _n, c) => {
      registered(r, c, 81, 97);
      diedOnDay(r, periodAt(c, 0).firstDay - c.random.int(20, 400));
    },
  },
  DIED_IN_WINDOW: {
    min: 1, per: 1000,
    shape: (r, _n, c) => {
      registered(r, c, 81, 97);
      diedOnDay(r, periodAt(c, midWindowPeriod(c)).firstDay + c.random.int(1, 26));
    },
  },
  DIED_AFTER_LAST_PERIOD: {
    min: 1, per: 1000,
    shape: (r, _n, c) => {
      registered(r, c, 81, 97);
      diedOnDay(r, c.random.int(periodAt(c, c.periods.length - 1).firstDay + 1, c.asOfDay - 1));
    },
  },
  // Dead on the period's first day, so not eligible, yet neither PAID_AFTER_DEATH (not after) nor
  // NOT_ELIGIBLE_WHEN_PAID (the reason is death): a payment that raises no flag.
  DIED_ON_PERIOD_START_PAID: {
    min: 1, per: 2000,
    shape: (r, _n, c) => {
      registered(r, c, 81, 97);
      diedOnDay(r, periodAt(c, midWindowPeriod(c)).firstDay);
    },
    pay: (plan, r, _n, c) => plan.force('ELDERLY_CARE_SUBSIDY', periodIndexOf(c, r.diedOn ?? ''), 'DISBURSED'),
  },
  PAID_AFTER_DEATH: {
    min: 3, per: 700,
    shape: (r, n, c) => {
      const k = c.random.int(1, c.periods.length - 3);
      const firstDay = periodAt(c, k).firstDay;
      if (n % 3 === 2) {
        registered(r, c, 50, 70);
        r.householdStatus = 'LOW_INCOME';
      } else registered(r, c, 81, 97);
      // Variant 1 dies on the month's last day: the very next period is already after death.
      diedOnDay(r, n % 3 === 1 ? periodAt(c, k + 1).firstDay - 1 : firstDay + c.random.int(1, 20));
    },
    pay: (plan, r, n, c) => {
      const programCode: ProgramCode = r.householdStatus === 'LOW_INCOME' ? 'MINIMUM_LIVING_ALLOWANCE' : 'ELDERLY_CARE_SUBSIDY';
      const k = periodIndexOf(c, r.diedOn ?? '');
      plan.force(programCode, k + 1, 'DISBURSED');
      if (n % 2 === 0) plan.force(programCode, k + 2, 'DISBURSED');
    },
  },
  DUPLICATE_PAYMENT: {
    min: 3, per: 700,
    shape: (r, n, c) => {
      if (n % 2 === 0) registered(r, c, 81, 97);
      else {
        registered(r, c, 30, 60);
        r.householdStatus = 'LOW_INCOME';
      }
    },
    pay: (plan, r, n, c) => {
      const programCode: ProgramCode = r.householdStatus === 'LOW_INCOME' ? 'MINIMUM_LIVING_ALLOWANCE' : 'ELDERLY_CARE_SUBSIDY';
      const k = c.random.int(0, c.periods.length - 1);
      plan.force(programCode, k, 'DISBURSED');
      plan.add(programCode, k, 'DISBURSED');
      if (n % 3 === 2) plan.add(programCode, k, 'DISBURSED');
    },
  },
  // Failed, failed-then-repaid, reversed and pending payments: same period twice, yet no duplicate.
  PAYMENT_LIFECYCLE: {
    min: 2, per: 1000,
    shape: (r, _n, c) => {
      registered(r, c, 40, 70);
      r.householdStatus = 'LOW_INCOME';
      r.insurance = 'ACTIVE';
    },
    pay: (plan, _r, _n, c) => {
      const last = c.periods.length - 1;
      plan.force('MINIMUM_LIVING_ALLOWANCE', c.random.int(0, 2), 'FAILED_THEN_REPAID');
      plan.force('MINIMUM_LIVING_ALLOWANCE', c.random.int(3, 5), 'REVERSED');
      plan.force('MINIMUM_LIVING_ALLOWANCE', c.random.int(6, last - 1), 'FAILED');
      plan.force('MINIMUM_LIVING_ALLOWANCE', last, 'DISBURSING');
      plan.force('MEDICAL_ASSISTANCE', last, 'APPROVED');
    },
  },
  WRONG_HOUSEHOLD_PAID: {
    min: 2, per: 1000,
    shape: (r, n, c) => {
      registered(r, c, 30, 60);
      if (n % 2 === 1) r.householdStatus = 'LOW_INCOME';
    },
    pay: (plan, _r, n, c) => {
      if (n % 2 === 0) payIneligible(plan, c, 'MINIMUM_LIVING_ALLOWANCE', c.random.int(1, 3));
      else payIneligible(plan, c, 'EXTREME_POVERTY_SUPPORT', c.random.int(1, 2));
    },
  },
  NON_SEVERE_DISABILITY_PAID: {
    min: 2, per: 1000,
    shape: (r, n, c) => {
      registered(r, c, 20, 60);
      r.disabilityLevel = [3, 4, 0][n % 3] ?? 3;
    },
    pay: (plan, _r, _n, c) => payIneligible(plan, c, 'DISABILITY_LIVING_SUBSIDY', c.random.int(1, 3)),
  },
  INACTIVE_INSURANCE_PAID: {
    min: 2, per: 1000,
    shape: (r, n, c) => {
      registered(r, c, 30, 70);
      r.householdStatus = n % 2 === 0 ? 'LOW_INCOME' : 'EXTREME_POVERTY';
      r.insurance = n % 4 < 2 ? 'SUSPENDED' : 'TERMINATED';
    },
    pay: (plan, _r, _n, c) => payIneligible(plan, c, 'MEDICAL_ASSISTANCE', c.random.int(1, 2)),
  },
  NO_INSURANCE_PAID: {
    min: 1, per: 2000,
    shape: (r, _n, c) => {
      registered(r, c, 30, 70);
      r.householdStatus = 'LOW_INCOME';
      r.insurance = null;
    },
    pay: (plan, _r, _n, c) => payIneligible(plan, c, 'MEDICAL_ASSISTANCE', 1),
  },
  CIVIL_AFFAIRS_ONLY: {
    min: 1, per: 2000,
    shape: (r, _n, c) => {
      registered(r, c, 20, 60);
      r.insurance = null;
      r.cardCount = 0;
    },
  },
  INSURANCE_ONLY: { min: 1, per: 2000, shape: (r) => unregistered(r, true, 0, false) },
  TRANSIT_ONLY: { min: 1, per: 2000, shape: (r) => unregistered(r, false, 1, false) },
  FINANCE_ONLY: {
    min: 1, per: 2000,
    shape: (r, _n, c) => {
      registered(r, c, 81, 95);
      unregistered(r, false, 0, true);
    },
  },
  NON_LOCAL: {
    min: 1, per: 2000,
    shape: (r, _n, c) => {
      unregistered(r, true, c.random.int(1, 2), false);
      r.district = elsewhereDistrict(c.random);
    },
  },
};

export const EDGE_CASES = Object.keys(SPECS) as EdgeCase[];

/** How many people get the case in a population of `size` (none are forced below 200). */
export function edgeCaseCount(edgeCase: EdgeCase, size: number): number {
  const spec = SPECS[edgeCase];
  const proportional = Math.floor(size / spec.per);
  return size >= 200 ? Math.max(spec.min, proportional) : proportional;
}

/** Picks distinct people for every case, spread at random through the population. */
export function assignEdgeCases(size: number, context: GenerationContext): Map<number, EdgeCaseAssignment> {
  const assignments = new Map<number, EdgeCaseAssignment>();
  for (const edgeCase of EDGE_CASES) {
    const count = edgeCaseCount(edgeCase, size);
    for (let ordinal = 0; ordinal < count && assignments.size < size; ordinal += 1) {
      let index = context.random.int(0, size - 1);
      while (assignments.has(index)) index = context.random.int(0, size - 1);
      assignments.set(index, { edgeCase, ordinal });
    }
  }
  return assignments;
}

export function shapeEdgeCase(resident: Resident, assignment: EdgeCaseAssignment, context: GenerationContext): void {
  SPECS[assignment.edgeCase].shape(resident, assignment.ordinal, context);
}

export function planEdgeCasePayments(plan: PaymentPlan, resident: Resident, assignment: EdgeCaseAssignment, context: GenerationContext): void {
  SPECS[assignment.edgeCase].pay?.(plan, resident, assignment.ordinal, context);
}
