/** Balances.medicalAccount: the personal account balance, null without an insurance record. */
import { loadStamped } from '@huimin/subgraph-kit';
import type { MedicalContext, MedicalDeps } from './context';

export interface BalanceItem {
  amountFen: number;
  source: 'MEDICAL_INSURANCE';
  asOf: string;
  stale: boolean;
}

export function createBalanceResolvers(deps: MedicalDeps) {
  return {
    Balances: {
      __resolveReference: (balances: { ref: string }): { ref: string } => balances,
      async medicalAccount(balances: { ref: string }, _: unknown, context: MedicalContext): Promise<BalanceItem | null> {
        const idNumber = deps.pseudonyms.openRef(balances.ref);
        const { record, asOf } = await loadStamped(context.insured, idNumber);
        if (record === null) return null;
        // Always live for now; a cache serving during outages would set stale: true.
        return { amountFen: record.personalAccountBalanceFen, source: 'MEDICAL_INSURANCE', asOf, stale: false };
      },
    },
  };
}
