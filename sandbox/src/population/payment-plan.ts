/** Which subsidies a person is paid, per programme and period, before they become records. */
import type { ProgramCode } from '@huimin/schema';

/** How a planned payment ends; null lets the generator draw it from the usual proportions. */
export type PaymentOutcome = 'DISBURSED' | 'FAILED' | 'FAILED_THEN_REPAID' | 'REVERSED' | 'DISBURSING' | 'APPROVED';

export interface PlannedPayment {
  programCode: ProgramCode;
  periodIndex: number;
  outcome: PaymentOutcome | null;
}

export class PaymentPlan {
  readonly payments: PlannedPayment[] = [];

  add(programCode: ProgramCode, periodIndex: number, outcome: PaymentOutcome | null = null): void {
    this.payments.push({ programCode, periodIndex, outcome });
  }

  /** Fixes the outcome of the programme's payment for the period, planning one if there is none. */
  force(programCode: ProgramCode, periodIndex: number, outcome: PaymentOutcome): void {
    const existing = this.payments.find((p) => p.programCode === programCode && p.periodIndex === periodIndex);
    if (existing) existing.outcome = outcome;
    else this.add(programCode, periodIndex, outcome);
  }

  /** Drops every payment of the programme, for people whose edge case must not be paid by it. */
  drop(programCode: ProgramCode): void {
    for (let i = this.payments.length - 1; i >= 0; i -= 1) {
      if (this.payments[i]?.programCode === programCode) this.payments.splice(i, 1);
    }
  }
}
