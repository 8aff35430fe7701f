/** What every part of the generator shares: the PRNG and the population's moment in time. */
import { shanghaiDate } from '@huimin/schema';
import { dayOf, formatUtc, monthsBefore } from './calendar';
import { Random } from './prng';

/** The fixture's extraction moment (midnight 2026-11-01 in Shanghai), so defaults match it. */
export const DEFAULT_AS_OF = '2026-10-31T16:00:00+00:00';

/** Months of subsidy history before asOf. */
export const PAYMENT_MONTHS = 12;

export interface PaymentPeriod {
  /** YYYY-MM */
  period: string;
  /** Day number of the period's first day, the day the rules are evaluated on. */
  firstDay: number;
  /** The same day as YYYY-MM-DD. */
  firstDate: string;
}

export interface GenerationContext {
  random: Random;
  /** As written to the file. */
  asOf: string;
  asOfMs: number;
  /** Day number of asOf's date in Asia/Shanghai ("today" for the population). */
  asOfDay: number;
  /** The same day as YYYY-MM-DD. */
  asOfDate: string;
  /** Oldest first. */
  periods: PaymentPeriod[];
}

export function createContext(seed: number, asOf: string): GenerationContext {
  const asOfMs = Date.parse(asOf);
  if (Number.isNaN(asOfMs)) throw new RangeError(`asOf is not a timestamp: ${asOf}`);
  const asOfDate = shanghaiDate(asOfMs);
  return {
    random: new Random(seed),
    asOf: formatUtc(asOfMs),
    asOfMs,
    asOfDay: dayOf(asOfDate),
    asOfDate,
    periods: monthsBefore(asOfDate, PAYMENT_MONTHS).map((period) => ({ period, firstDay: dayOf(`${period}-01`), firstDate: `${period}-01` })),
  };
}

/** The period at `index`; indexes come from the generator itself, so a miss is a bug. */
export function periodAt(context: GenerationContext, index: number): PaymentPeriod {
  const period = context.periods[index];
  if (period === undefined) throw new RangeError(`no payment period ${index}`);
  return period;
}
