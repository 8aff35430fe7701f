/**
 * The Citizen entity key `id ref` as every subgraph sees it. The ref is opened to reach the bureaus;
 * the id is re-derived and compared so a representation cannot pair one person's id with
 * another's ref.
 */
import type { Pseudonyms } from './pseudonyms';

export interface CitizenKey {
  id: string;
  ref: string;
}

/** A citizen key with its opened ID number (never a schema field, so never serialised). */
export interface ResolvedCitizen extends CitizenKey {
  idNumber: string;
}

export function citizenKeyOf(idNumber: string, pseudonyms: Pseudonyms): ResolvedCitizen {
  return { id: pseudonyms.idOf(idNumber), ref: pseudonyms.refOf(idNumber), idNumber };
}

/** Opens and checks a representation's key; keeps the rest of the representation (@requires fields). */
export function resolveCitizenKey<T extends CitizenKey>(representation: T, pseudonyms: Pseudonyms): T & ResolvedCitizen {
  return { ...representation, idNumber: pseudonyms.openKey(representation.id, representation.ref) };
}
