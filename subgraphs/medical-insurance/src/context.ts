/** Per-request state of the medical-insurance subgraph. */
import type { CallOptions, MedicalInsuranceClient } from '@huimin/adapters';
import type { MedicalInsuranceRecord } from '@huimin/schema';
import { createStampedLoader, type LastKnownOptions, type Pseudonyms, type StampedLoader } from '@huimin/subgraph-kit';

export interface MedicalContext {
  insured: StampedLoader<MedicalInsuranceRecord>;
}

export interface MedicalDeps {
  pseudonyms: Pseudonyms;
  /** Where account balances are remembered, to serve stale while the bureau is unavailable. */
  lastKnown?: LastKnownOptions;
}

/** `call` carries the request's deadline to every bureau call. */
export function createMedicalContext(client: MedicalInsuranceClient, call: CallOptions = {}): MedicalContext {
  return { insured: createStampedLoader((ids) => client.getInsuredPersons(ids, call)) };
}
