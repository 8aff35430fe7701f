/** Citizen.civilStanding: what civil affairs says, for rules evaluated here and in finance. */
import type { CivilAffairsRecord } from '@huimin/schema';
import { isUpstreamFailure, loadStamped, UNAVAILABLE_CIVIL, type CivilFacts, type Stamped } from '@huimin/subgraph-kit';
import type { CivilContext } from './context';

export function civilFactsOf(stamped: Stamped<CivilAffairsRecord>): CivilFacts {
  const { record, asOf } = stamped;
  if (record === null) return { ...UNAVAILABLE_CIVIL, available: true, asOf };
  return {
    available: true,
    known: true,
    asOf,
    birthDate: record.birthDate,
    disabilityLevel: record.disabilityLevel,
    householdStatus: record.householdStatus,
    diedOn: record.diedOn,
  };
}

/** Never throws for an outage: an unavailable bureau is a fact the rules answer SOURCE_UNAVAILABLE to. */
export async function loadCivilFacts(context: CivilContext, idNumber: string): Promise<CivilFacts> {
  try {
    return civilFactsOf(await loadStamped(context.persons, idNumber));
  } catch (error) {
    if (isUpstreamFailure(error)) return UNAVAILABLE_CIVIL;
    throw error;
  }
}

export const standingResolvers = {
  Citizen: {
    civilStanding: (citizen: { idNumber: string }, _: unknown, context: CivilContext): Promise<CivilFacts> =>
      loadCivilFacts(context, citizen.idNumber),
  },
};
