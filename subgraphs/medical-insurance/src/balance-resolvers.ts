/** Balances.medicalAccount: the personal account balance, null without an insurance record. */
import { LastKnown, loadStamped, serveLive } from '@huimin/subgraph-kit';
import type { MedicalContext, MedicalDeps } from './context';

export interface BalanceItem {
  amountFen: number;
  source: 'MEDICAL_INSURANCE';
  asOf: string;
  stale: boolean;
}

const isAmount = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value);

export function createBalanceResolvers(deps: MedicalDeps) {
  const accounts = deps.lastKnown ? new LastKnown(deps.lastKnown, 'medical-account', isAmount) : null;
  return {
    Balances: {
      __resolveReference: (balances: { ref: string }): { ref: string } => balances,
      async medicalAccount(balances: { ref: string }, _: unknown, context: MedicalContext): Promise<BalanceItem | null> {
        const idNumber = deps.pseudonyms.openRef(balances.ref);
        const live = async (): Promise<{ value: number | null; asOf: string }> => {
          const { record, asOf } = await loadStamped(context.insured, idNumber);
          return { value: record?.personalAccountBalanceFen ?? null, asOf };
        };
        // Live when the bureau answers; while it does not, its last known amount (stale, with its asOf).
        const served = accounts ? await accounts.serve(deps.pseudonyms.idOf(idNumber), live) : await serveLive(live);
        if (served.value === null) return null;
        return { amountFen: served.value, source: 'MEDICAL_INSURANCE', asOf: served.asOf, stale: served.stale };
      },
    },
  };
}
