/**
 * The sandbox bureaus' holdings, built once from a population: one Map per lookup key, so every
 * batch lookup costs O(1) per key whatever the population size.
 */
import { shanghaiDate } from '@huimin/schema';
import type {
  CivilAffairsRecord,
  DisbursementRecord,
  MedicalInsuranceRecord,
  Population,
  TransitCardRecord,
} from '@huimin/schema';
import { programCatalog } from './program-catalog';
import type { CivilAffairsStore, FinanceStore, MedicalInsuranceStore, SandboxStores, TransitCardRegister } from './types';

function indexBy<T>(records: readonly T[], key: (record: T) => string): Map<string, T> {
  const index = new Map<string, T>();
  for (const record of records) index.set(key(record), record);
  return index;
}

function groupBy<T>(records: readonly T[], key: (record: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const record of records) {
    const group = groups.get(key(record));
    if (group) group.push(record);
    else groups.set(key(record), [record]);
  }
  return groups;
}

/** Callers may send a lower-case check character; the population holds the normalised form. */
function lookup<T>(index: ReadonlyMap<string, T>, key: string): T | undefined {
  return index.get(key) ?? index.get(key.trim().toUpperCase());
}

export function createCivilAffairsStore(records: readonly CivilAffairsRecord[]): CivilAffairsStore {
  const byId = indexBy(records, (r) => r.idNumber);
  const byChangeDate = groupBy(records, (r) => shanghaiDate(Date.parse(r.updatedAt)));
  return {
    findPersons: (idNumbers) => idNumbers.map((id) => lookup(byId, id) ?? null),
    changedOn: (date) => [...(byChangeDate.get(date) ?? [])],
  };
}

export function createMedicalInsuranceStore(records: readonly MedicalInsuranceRecord[]): MedicalInsuranceStore {
  const byId = indexBy(records, (r) => r.idNumber);
  return { findInsured: (idNumbers) => idNumbers.map((id) => lookup(byId, id) ?? null) };
}

export function createFinanceStore(disbursements: readonly DisbursementRecord[]): FinanceStore {
  const byPerson = groupBy(disbursements, (r) => r.idNumber);
  return {
    findDisbursements: (idNumbers) => idNumbers.map((id) => [...(lookup(byPerson, id) ?? [])]),
    programs: programCatalog,
  };
}

/** The transit store's own copy of the cards, since top-ups change balances. */
export function createTransitStore(cards: readonly TransitCardRecord[]): TransitCardRegister {
  const owned = cards.map((card) => ({ ...card }));
  const byCardNo = indexBy(owned, (c) => c.cardNo);
  const byOwner = groupBy(owned, (c) => c.idNumber);
  // Answers are snapshots: a later top-up must not change a record a caller already holds.
  const snapshot = (card: TransitCardRecord): TransitCardRecord => ({ ...card });
  return {
    findCards: (cardNos) => cardNos.map((cardNo) => {
      const card = byCardNo.get(cardNo);
      return card ? snapshot(card) : null;
    }),
    cardsOwnedBy: (idNumbers) => idNumbers.map((id) => (lookup(byOwner, id) ?? []).map(snapshot)),
    creditCard: (cardNo, amountFen) => {
      if (!Number.isSafeInteger(amountFen) || amountFen <= 0) {
        throw new RangeError(`top-up must be a positive whole number of fen, got ${amountFen}`);
      }
      const card = byCardNo.get(cardNo);
      if (!card) return null;
      card.balanceFen += amountFen;
      return snapshot(card);
    },
    allCards: () => owned.map(snapshot),
    setCardStatus: (cardNo, status, changedAt) => {
      const card = byCardNo.get(cardNo);
      if (!card) return null;
      card.status = status;
      card.statusChangedAt = changedAt;
      return snapshot(card);
    },
  };
}

/** Every sandbox bureau's store over one population. */
export function createSandboxStores(population: Population): SandboxStores {
  return {
    asOf: population.asOf,
    civilAffairs: createCivilAffairsStore(population.civilAffairs),
    medicalInsurance: createMedicalInsuranceStore(population.medicalInsurance),
    finance: createFinanceStore(population.finance.disbursements),
    transit: createTransitStore(population.transit.cards),
  };
}
