/** Per-request state of the finance subgraph. */
import type { CallOptions, FinanceClient } from '@huimin/adapters';
import type { DisbursementRecord } from '@huimin/schema';
import { createStampedLoader, type Pseudonyms, type StampedLoader } from '@huimin/subgraph-kit';

export interface FinanceContext {
  /** Each person's disbursements ([] for none). */
  disbursements: StampedLoader<DisbursementRecord[]>;
  /** The request's deadline, for bureau calls made outside the loader. */
  call: CallOptions;
}

export interface FinanceDeps {
  pseudonyms: Pseudonyms;
  client: FinanceClient;
}

/** `call` carries the request's deadline to every bureau call. */
export function createFinanceContext(client: FinanceClient, call: CallOptions = {}): FinanceContext {
  return { disbursements: createStampedLoader((ids) => client.queryDisbursements(ids, call)), call };
}
