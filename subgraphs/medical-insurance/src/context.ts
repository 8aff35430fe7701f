/** Per-request state of the medical-insurance subgraph. */
import type { MedicalInsuranceClient } from '@huimin/adapters';
import type { MedicalInsuranceRecord } from '@huimin/schema';
import { createStampedLoader, type Pseudonyms, type StampedLoader } from '@huimin/subgraph-kit';

export interface MedicalContext {
  insured: StampedLoader<MedicalInsuranceRecord>;
}

export interface MedicalDeps {
  pseudonyms: Pseudonyms;
}

export function createMedicalContext(client: MedicalInsuranceClient): MedicalContext {
  return { insured: createStampedLoader((ids) => client.getInsuredPersons(ids)) };
}
