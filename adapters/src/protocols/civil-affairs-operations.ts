/**
 * The civil-affairs bureau's operations: what travels inside the sealed envelopes. The bureau
 * builds these and the client checks them, from one definition so the two cannot drift.
 */
import type { CivilAffairsRecord } from '@huimin/schema';

export const CIVIL_PERSONS_BATCH_PATH = '/persons/batch';
export const CIVIL_DAILY_EXPORT_PATH = '/exports/daily';

export interface PersonsBatchRequest {
  idNumbers: string[];
}

export type PersonResult = { idNumber: string; status: 'FOUND'; person: CivilAffairsRecord } | { idNumber: string; status: 'NOT_FOUND' };

export interface PersonsBatchAnswer {
  asOf: string;
  results: PersonResult[];
}

export interface DailyExportAnswer {
  date: string;
  asOf: string;
  records: CivilAffairsRecord[];
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isNullableString = (value: unknown): boolean => value === null || typeof value === 'string';
const oneOf = (value: unknown, allowed: readonly string[]): boolean => typeof value === 'string' && allowed.includes(value);

export function isCivilAffairsRecord(value: unknown): value is CivilAffairsRecord {
  return (
    isObject(value) &&
    typeof value.idNumber === 'string' &&
    typeof value.name === 'string' &&
    oneOf(value.gender, ['M', 'F']) &&
    typeof value.birthDate === 'string' &&
    typeof value.district === 'string' &&
    isNullableString(value.phone) &&
    oneOf(value.householdStatus, ['NONE', 'LOW_INCOME', 'EXTREME_POVERTY']) &&
    Number.isInteger(value.disabilityLevel) &&
    oneOf(value.lifeStatus, ['ALIVE', 'DECEASED']) &&
    isNullableString(value.diedOn) &&
    typeof value.updatedAt === 'string'
  );
}

function isPersonResult(value: unknown): value is PersonResult {
  if (!isObject(value) || typeof value.idNumber !== 'string') return false;
  if (value.status === 'NOT_FOUND') return true;
  // The key is echoed as asked; a lower-case check character still names the same person.
  return value.status === 'FOUND' && isCivilAffairsRecord(value.person) && value.person.idNumber.toUpperCase() === value.idNumber.toUpperCase();
}

export function isPersonsBatchAnswer(value: unknown): value is PersonsBatchAnswer {
  return isObject(value) && typeof value.asOf === 'string' && Array.isArray(value.results) && value.results.every(isPersonResult);
}

export function isDailyExportAnswer(value: unknown): value is DailyExportAnswer {
  return (
    isObject(value) &&
    typeof value.date === 'string' &&
    typeof value.asOf === 'string' &&
    Array.isArray(value.records) &&
    value.records.every(isCivilAffairsRecord)
  );
}
