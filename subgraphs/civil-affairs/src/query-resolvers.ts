/** Query.citizen / Query.citizens and the Citizen entity: the ways a request finds a person. */
import { GraphQLError } from 'graphql';
import { normalizeIdNumber } from '@huimin/schema';
import { citizenKeyOf, resolveCitizenKey, type CitizenKey, type ResolvedCitizen } from '@huimin/subgraph-kit';
import type { CivilDeps } from './context';

/** The contract's limit on citizens(ids:). */
export const MAX_CITIZEN_IDS = 500;

function badInput(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT' } });
}

export function createQueryResolvers(deps: CivilDeps) {
  const { pseudonyms, vault } = deps;

  const byRefs = (ids: readonly string[], refs: ReadonlyArray<string | null>): Array<ResolvedCitizen | null> =>
    ids.map((id, index) => {
      const ref = refs[index];
      return ref == null ? null : resolveCitizenKey({ id, ref }, pseudonyms);
    });

  return {
    Query: {
      async citizen(_: unknown, args: { idNumber?: string | null; id?: string | null }): Promise<ResolvedCitizen | null> {
        const hasIdNumber = args.idNumber != null;
        if (hasIdNumber === (args.id != null)) throw badInput('Give exactly one of idNumber or id');
        if (args.idNumber != null) {
          const idNumber = normalizeIdNumber(args.idNumber);
          if (idNumber === null) throw new GraphQLError('Not a valid resident ID number', { extensions: { code: 'INVALID_ID_NUMBER' } });
          const citizen = citizenKeyOf(idNumber, pseudonyms);
          // Remembered so later citizen(id:) / citizens(ids:) calls can find this person.
          await vault.remember(citizen.id, citizen.ref);
          return citizen;
        }
        const id = args.id as string;
        return byRefs([id], await vault.lookup([id]))[0] ?? null;
      },

      async citizens(_: unknown, args: { ids: readonly string[] }): Promise<Array<ResolvedCitizen | null>> {
        if (args.ids.length > MAX_CITIZEN_IDS) throw badInput(`At most ${MAX_CITIZEN_IDS} ids per request`);
        if (args.ids.length === 0) return [];
        return byRefs(args.ids, await vault.lookup(args.ids));
      },
    },
    Citizen: {
      __resolveReference: (representation: CitizenKey): ResolvedCitizen => resolveCitizenKey(representation, pseudonyms),
    },
  };
}
