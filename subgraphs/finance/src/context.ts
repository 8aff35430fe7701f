/** Per-request state of the finance subgraph. */
import type { FinanceClient } from '@huimin/adapters';
import type { DisbursementRecord } from '@huimin/schema';
import { createStampedLoader, type Pseudonyms, type StampedLoader } from '@huimin/subgraph-kit';

export interface FinanceContext {
  /** Each person's disbursements ([] for none). */
  disbursements: StampedLoader<DisbursementRecord[]>;
}

export interface FinanceDeps {
  pseudonyms: Pseudonyms;
  client: FinanceClient;
}

export function createFinanceContext(client: FinanceClient): FinanceContext {
  return { disbursements: createStampedLoader((ids) => client.queryDisbursements(ids)) };
}
