/**
 * Finance's side of a generated resident: the subsidies they qualify for each month (the regular
 * plan), then the disbursement records with their status histories.
 */
import { PROGRAM_CODES } from '@huimin/schema';
import type { DisbursementRecord, ProgramCode, StatusChangeRecord } from '@huimin/schema';
import { formatUtc, isLeapYear } from './calendar';
import type { GenerationContext } from './generation-context';
import { type PaymentOutcome, PaymentPlan, type PlannedPayment } from './payment-plan';
import type { Resident } from './resident';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const SHANGHAI_OFFSET_MS = 8 * HOUR_MS;

/** Monthly amounts in fen (as in population-2k.json); medical assistance varies per claim. */
const MONTHLY_AMOUNT_FEN: Record<ProgramCode, number | null> = {
  ELDERLY_TRANSIT: null,
  DISABILITY_TRANSIT: null,
  MINIMUM_LIVING_ALLOWANCE: 126_100,
  EXTREME_POVERTY_SUPPORT: 189_200,
  ELDERLY_CARE_SUBSIDY: 20_000,
  DISABILITY_LIVING_SUBSIDY: 16_000,
  MEDICAL_ASSISTANCE: null,
};

const FAILURE_REASONS = ['BANK_ACCOUNT_CLOSED', 'ACCOUNT_NAME_MISMATCH'];
const REVERSAL_REASONS = ['ELIGIBILITY_REVOKED', 'BANK_RETURNED'];
const BANK_PREFIXES = ['6222', '6217', '6228', '6230'];

/**
 * What finance pays someone it pays at all: every cash programme the person qualifies for on
 * the period's first day (free transit is a card, not a payment). A few months go unpaid, as
 * when an application is still in progress.
 */
export function regularPlan(resident: Resident, context: GenerationContext): PaymentPlan {
  const plan = new PaymentPlan();
  if (!resident.paidByFinance) return plan;
  const { random } = context;
  const lowIncome = resident.householdStatus === 'LOW_INCOME';
  const extremePoverty = resident.householdStatus === 'EXTREME_POVERTY';
  const severelyDisabled = resident.disabilityLevel === 1 || resident.disabilityLevel === 2;
  // Compared as YYYY-MM-DD strings: the same answer as ageOn, without a date parse per period.
  const eightiethBirthday = birthdayOf(resident.birthDate, 80);
  context.periods.forEach(({ firstDate }, k) => {
    if (resident.diedOn !== null && resident.diedOn <= firstDate) return;
    const due: ProgramCode[] = [];
    if (firstDate >= eightiethBirthday) due.push('ELDERLY_CARE_SUBSIDY');
    if (lowIncome) due.push('MINIMUM_LIVING_ALLOWANCE');
    if (extremePoverty) due.push('EXTREME_POVERTY_SUPPORT');
    if (severelyDisabled) due.push('DISABILITY_LIVING_SUBSIDY');
    for (const code of due) if (random.chance(0.98)) plan.add(code, k);
    if ((lowIncome || extremePoverty) && resident.insurance === 'ACTIVE' && random.chance(0.2)) plan.add('MEDICAL_ASSISTANCE', k);
  });
  return plan;
}

/** The day someone turns `years`; a 29 February birthday counts on 1 March in common years. */
function birthdayOf(birthDate: string, years: number): string {
  const year = Number(birthDate.slice(0, 4)) + years;
  const monthDay = birthDate.slice(5) === '02-29' && !isLeapYear(year) ? '03-01' : birthDate.slice(5);
  return `${String(year).padStart(4, '0')}-${monthDay}`;
}

const SETTLED_OUTCOME_WEIGHTS = [['FAILED', 0.3], ['FAILED_THEN_REPAID', 0.4], ['REVERSED', 0.8], ['DISBURSED', 98.5]] as const;
// Only the newest month can still be in flight.
const LATEST_OUTCOME_WEIGHTS = [['APPROVED', 2], ['DISBURSING', 6], ...SETTLED_OUTCOME_WEIGHTS.slice(0, 3), ['DISBURSED', 90.5]] as const;

function drawOutcome(latestPeriod: boolean, context: GenerationContext): PaymentOutcome {
  return context.random.weighted(latestPeriod ? LATEST_OUTCOME_WEIGHTS : SETTLED_OUTCOME_WEIGHTS);
}

interface PaymentTarget {
  idNumber: string;
  bankAccountMasked: string;
  nextId: () => string;
}

/** One record; `approvedAt` is the epoch ms of its approval. */
function disbursement(
  payment: PlannedPayment, outcome: Exclude<PaymentOutcome, 'FAILED_THEN_REPAID'>, approvedAt: number,
  amountFen: number, target: PaymentTarget, context: GenerationContext,
): DisbursementRecord {
  const { random } = context;
  const history: StatusChangeRecord[] = [{ status: 'APPROVED', at: formatUtc(approvedAt) }];
  const disbursingAt = approvedAt + 2 * HOUR_MS;
  if (outcome !== 'APPROVED') history.push({ status: 'DISBURSING', at: formatUtc(disbursingAt) });
  if (outcome === 'FAILED') {
    history.push({ status: 'FAILED', at: formatUtc(disbursingAt + random.int(2, 30) * HOUR_MS), reason: random.pick(FAILURE_REASONS) });
  }
  if (outcome === 'DISBURSED' || outcome === 'REVERSED') {
    const disbursedAt = disbursingAt + random.int(1, 48) * HOUR_MS;
    history.push({ status: 'DISBURSED', at: formatUtc(disbursedAt) });
    if (outcome === 'REVERSED') {
      history.push({ status: 'REVERSED', at: formatUtc(disbursedAt + random.int(2, 8) * DAY_MS), reason: random.pick(REVERSAL_REASONS) });
    }
  }
  const period = context.periods[payment.periodIndex]?.period ?? '';
  return {
    disbursementId: target.nextId(),
    idNumber: target.idNumber,
    programCode: payment.programCode,
    period,
    amountFen,
    status: outcome,
    statusHistory: history,
    bankAccountMasked: target.bankAccountMasked,
  };
}

function programOrder(code: ProgramCode): number {
  return PROGRAM_CODES.indexOf(code);
}

/** The plan's records, grouped by programme then period, as finance lists them. */
export function disbursementRecords(plan: PaymentPlan, idNumber: string, context: GenerationContext, nextId: () => string): DisbursementRecord[] {
  if (plan.payments.length === 0) return [];
  const { random } = context;
  const target: PaymentTarget = { idNumber, nextId, bankAccountMasked: `${random.pick(BANK_PREFIXES)}********${random.digits(4)}` };
  const payments = [...plan.payments].sort((a, b) => programOrder(a.programCode) - programOrder(b.programCode) || a.periodIndex - b.periodIndex);
  const records: DisbursementRecord[] = [];
  let previousKey = '';
  let repeat = 0;
  for (const payment of payments) {
    const period = context.periods[payment.periodIndex];
    if (period === undefined) continue;
    const key = `${payment.programCode}/${payment.periodIndex}`;
    repeat = key === previousKey ? repeat + 1 : 0;
    previousKey = key;
    const outcome = payment.outcome ?? drawOutcome(payment.periodIndex === context.periods.length - 1, context);
    // Payments are approved on the 5th of the month around 10:00 Shanghai; a repeat a day or more later.
    const approvedAt = (period.firstDay + 4 + repeat * random.int(1, 3)) * DAY_MS - SHANGHAI_OFFSET_MS
      + 10 * HOUR_MS + random.int(0, 59) * 60_000;
    const amountFen = MONTHLY_AMOUNT_FEN[payment.programCode] ?? random.int(30, 2_000) * 100;
    if (outcome === 'FAILED_THEN_REPAID') {
      const failed = disbursement(payment, 'FAILED', approvedAt, amountFen, target, context);
      const failedAt = Date.parse(failed.statusHistory[failed.statusHistory.length - 1]?.at ?? '');
      records.push(failed, disbursement(payment, 'DISBURSED', failedAt + random.int(2, 5) * DAY_MS, amountFen, target, context));
    } else {
      records.push(disbursement(payment, outcome, approvedAt, amountFen, target, context));
    }
  }
  return records;
}
