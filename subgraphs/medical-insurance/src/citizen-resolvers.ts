/** Citizen fields owned by medical insurance: the insurance record and its standing for rules. */
import type { MedicalInsuranceRecord } from '@huimin/schema';
import {
  isUpstreamFailure, loadStamped, resolveCitizenKey, UNAVAILABLE_INSURANCE,
  type CitizenKey, type InsuranceFacts, type ResolvedCitizen,
} from '@huimin/subgraph-kit';
import type { MedicalContext, MedicalDeps } from './context';

export type MedicalInsuranceView = Omit<MedicalInsuranceRecord, 'idNumber' | 'updatedAt'> & { asOf: string };

export function createCitizenResolvers(deps: MedicalDeps) {
  return {
    Citizen: {
      __resolveReference: (representation: CitizenKey): ResolvedCitizen => resolveCitizenKey(representation, deps.pseudonyms),

      async medicalInsurance(citizen: ResolvedCitizen, _: unknown, context: MedicalContext): Promise<MedicalInsuranceView | null> {
        const { record, asOf } = await loadStamped(context.insured, citizen.idNumber);
        if (record === null) return null;
        return {
          insuranceType: record.insuranceType,
          status: record.status,
          enrolledOn: record.enrolledOn,
          personalAccountBalanceFen: record.personalAccountBalanceFen,
          annualOutOfPocketFen: record.annualOutOfPocketFen,
          asOf,
        };
      },

      /** Never throws for an outage: the rules answer SOURCE_UNAVAILABLE to `available: false`. */
      async insuranceStanding(citizen: ResolvedCitizen, _: unknown, context: MedicalContext): Promise<InsuranceFacts> {
        try {
          const { record, asOf } = await loadStamped(context.insured, citizen.idNumber);
          if (record === null) return { ...UNAVAILABLE_INSURANCE, available: true, asOf };
          return { available: true, known: true, asOf, status: record.status };
        } catch (error) {
          if (isUpstreamFailure(error)) return UNAVAILABLE_INSURANCE;
          throw error;
        }
      },

      balances: (citizen: ResolvedCitizen): { ref: string } => ({ ref: citizen.ref }),
    },
  };
}
