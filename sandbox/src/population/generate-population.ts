/**
 * Generates a population file (`formatVersion: 1`) of any size: a deterministic function of
 * size, seed and asOf, with Hangzhou-like proportions and every rule's edge cases planted.
 */
import type {
  CivilAffairsRecord,
  DisbursementRecord,
  MedicalInsuranceRecord,
  Population,
  TransitCardRecord,
} from '@huimin/schema';
import { civilAffairsRecord, medicalInsuranceRecord, spreadRecentUpdates, transitCards } from './bureau-records';
import { disbursementRecords, regularPlan } from './disbursements';
import { assignEdgeCases, planEdgeCasePayments, shapeEdgeCase } from './edge-cases';
import { DEFAULT_AS_OF, createContext } from './generation-context';
import { IdNumberAllocator, ordinaryResident } from './resident';

export { DEFAULT_AS_OF } from './generation-context';

export interface GeneratePopulationOptions {
  /** Number of people (each known to at least one bureau). */
  size: number;
  /** Any 32-bit integer; the same seed and size give byte-identical JSON. */
  seed: number;
  /** The extraction moment (ISO-8601); defaults to the fixture's, 2026-11-01 00:00 Shanghai. */
  asOf?: string;
}

/** Days back from asOf that are guaranteed to hold civil-affairs changes. */
const RECENT_CHANGE_DAYS = 30;

export function generatePopulation(options: GeneratePopulationOptions): Population {
  const { size, seed } = options;
  if (!Number.isSafeInteger(size) || size < 0) throw new RangeError(`size must be a whole number ≥ 0, got ${size}`);
  if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be an integer, got ${seed}`);
  const context = createContext(seed, options.asOf ?? DEFAULT_AS_OF);
  const assignments = assignEdgeCases(size, context);
  const ids = new IdNumberAllocator();
  let cardSerial = 0;
  let disbursementSerial = 0;
  const nextCardSerial = (): number => (cardSerial += 1);
  const nextDisbursementId = (): string => `D${String((disbursementSerial += 1)).padStart(8, '0')}`;

  const civilAffairs: CivilAffairsRecord[] = [];
  const medicalInsurance: MedicalInsuranceRecord[] = [];
  const cards: TransitCardRecord[] = [];
  const disbursements: DisbursementRecord[] = [];
  for (let index = 0; index < size; index += 1) {
    const resident = ordinaryResident(context);
    const assignment = assignments.get(index);
    if (assignment) shapeEdgeCase(resident, assignment, context);
    const plan = regularPlan(resident, context);
    if (assignment) planEdgeCasePayments(plan, resident, assignment, context);
    // Somebody no bureau knows would not be in the file at all: give them a transit card.
    if (!resident.inCivilAffairs && resident.insurance === null && resident.cardCount === 0 && plan.payments.length === 0) {
      resident.cardCount = 1;
    }
    const idNumber = ids.allocate(context.random, resident.district, resident.birthDate, resident.gender);
    if (resident.inCivilAffairs) civilAffairs.push(civilAffairsRecord(resident, idNumber, context));
    const insured = medicalInsuranceRecord(resident, idNumber, context);
    if (insured) medicalInsurance.push(insured);
    for (const card of transitCards(resident, idNumber, context, nextCardSerial)) cards.push(card);
    for (const record of disbursementRecords(plan, idNumber, context, nextDisbursementId)) disbursements.push(record);
  }
  spreadRecentUpdates(civilAffairs, RECENT_CHANGE_DAYS, context);

  return {
    formatVersion: 1,
    generatedFor: `Huimin sandbox (generated, size ${size}, seed ${seed})`,
    asOf: context.asOf,
    timezone: 'Asia/Shanghai',
    civilAffairs,
    medicalInsurance,
    finance: { disbursements },
    transit: { cards },
  };
}
