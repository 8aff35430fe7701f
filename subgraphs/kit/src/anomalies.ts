/** The anomalies finance flags on a person's disbursements (spec/programs.md, "Subsidy status"). */
import { firstDayOfPeriod, type DisbursementRecord } from '@huimin/schema';
import { determineEligibility, type EligibilityFacts } from './eligibility';

export type DisbursementAnomaly = 'DUPLICATE_PAYMENT' | 'PAID_AFTER_DEATH' | 'NOT_ELIGIBLE_WHEN_PAID';

/**
 * Anomalies per disbursementId over ALL of one person's disbursements (duplicates can sit on
 * different pages, so never call this with one page). Each list is in the enum's order.
 */
export function detectAnomalies(
  disbursements: readonly DisbursementRecord[],
  facts: EligibilityFacts,
): Map<string, DisbursementAnomaly[]> {
  const disbursedPerSlot = new Map<string, number>();
  const slot = (d: DisbursementRecord): string => `${d.programCode}|${d.period}`;
  for (const d of disbursements) {
    if (d.status === 'DISBURSED') disbursedPerSlot.set(slot(d), (disbursedPerSlot.get(slot(d)) ?? 0) + 1);
  }

  const { civil } = facts;
  const result = new Map<string, DisbursementAnomaly[]>();
  for (const d of disbursements) {
    const found: DisbursementAnomaly[] = [];
    if (d.status === 'DISBURSED') {
      const firstDay = firstDayOfPeriod(d.period);
      if ((disbursedPerSlot.get(slot(d)) ?? 0) >= 2) found.push('DUPLICATE_PAYMENT');
      if (civil.available && civil.known && civil.diedOn !== null && firstDay > civil.diedOn) found.push('PAID_AFTER_DEATH');
      // Unknown (null) is never flagged: an anomaly must rest on what the bureaus said.
      const rule = determineEligibility(d.programCode, facts, firstDay);
      if (rule.eligible === false && rule.reasons.some((reason) => reason !== 'DECEASED')) found.push('NOT_ELIGIBLE_WHEN_PAID');
    }
    result.set(d.disbursementId, found);
  }
  return result;
}
