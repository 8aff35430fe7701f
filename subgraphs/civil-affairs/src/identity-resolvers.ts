/** Citizen.identity: the civil-affairs record, masked unless the request may see it in full. */
import { ageOn, type CivilAffairsRecord } from '@huimin/schema';
import { createShanghaiToday, loadStamped } from '@huimin/subgraph-kit';
import type { CivilContext, CivilDeps } from './context';
import { maskIdNumber, maskName, maskPhone } from './masking';

export type IdentityView = Omit<CivilAffairsRecord, 'updatedAt'> & { asOf: string };

export function identityView(record: CivilAffairsRecord, asOf: string, full: boolean): IdentityView {
  return {
    name: full ? record.name : maskName(record.name),
    idNumber: full ? record.idNumber : maskIdNumber(record.idNumber),
    phone: record.phone === null ? null : full ? record.phone : maskPhone(record.phone),
    gender: record.gender,
    birthDate: record.birthDate,
    district: record.district,
    householdStatus: record.householdStatus,
    disabilityLevel: record.disabilityLevel,
    lifeStatus: record.lifeStatus,
    diedOn: record.diedOn,
    asOf,
  };
}

export function createIdentityResolvers(deps: CivilDeps) {
  const today = createShanghaiToday(deps.clock);
  return {
    Citizen: {
      async identity(citizen: { idNumber: string }, _: unknown, context: CivilContext): Promise<IdentityView | null> {
        const { record, asOf } = await loadStamped(context.persons, citizen.idNumber);
        return record === null ? null : identityView(record, asOf, context.identityFull);
      },
    },
    CitizenIdentity: {
      age: (identity: IdentityView, args: { on?: string | null }): number =>
        ageOn(identity.birthDate, args.on ?? today()),
    },
  };
}
