/** Per-request state of the civil-affairs subgraph and the long-lived parts resolvers share. */
import type { CallOptions, CivilAffairsClient } from '@huimin/adapters';
import type { CivilAffairsRecord } from '@huimin/schema';
import { createLoader, stampAnswer, type PseudonymVault, type Pseudonyms, type Stamped, type StampedLoader } from '@huimin/subgraph-kit';
import type { CivilReplica } from './civil-replica';

export interface CivilContext {
  persons: StampedLoader<CivilAffairsRecord>;
  /** Unmasked identity; the gateway decides (identity:full), default false. */
  identityFull: boolean;
}

export interface CivilDeps {
  pseudonyms: Pseudonyms;
  vault: PseudonymVault;
  clock: () => number;
}

/** Replica first, one batch call for the rest; `call` carries the request's deadline. */
export function createPersonsLoader(client: CivilAffairsClient, replica: CivilReplica | null, call: CallOptions = {}): StampedLoader<CivilAffairsRecord> {
  return createLoader(async (keys) => {
    const found: Array<Stamped<CivilAffairsRecord> | undefined> = keys.map((key) => replica?.get(key));
    const missing = keys.filter((_, index) => found[index] === undefined);
    if (missing.length > 0) {
      const live = stampAnswer(await client.getPersons(missing, call));
      let next = 0;
      for (let index = 0; index < found.length; index += 1) {
        if (found[index] === undefined) found[index] = live[next++];
      }
    }
    return found.map((item) => item ?? { asOf: '', record: null });
  });
}
