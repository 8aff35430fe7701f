/**
 * Reads a population file (`formatVersion: 1`) and checks every record, so a sandbox bureau
 * never serves a record the real bureau could not hold. Returns fresh, validated copies
 * (unknown extra fields are dropped, ID numbers normalised).
 */
import { readFileSync } from 'node:fs';
import type {
  CardStatus,
  CardType,
  CivilAffairsRecord,
  DisbursementRecord,
  DisbursementStatus,
  Gender,
  HouseholdStatus,
  InsuranceStatus,
  InsuranceType,
  LifeStatus,
  MedicalInsuranceRecord,
  Population,
  StatusChangeRecord,
  TransitCardRecord,
} from '@huimin/schema';
import { PROGRAM_CODES } from '@huimin/schema';
import {
  type JsonObject,
  at,
  PopulationFormatError,
  UniqueKeys,
  fail,
  readArray,
  readCardNumber,
  readDate,
  readEnum,
  readFen,
  readIdNumber,
  readInteger,
  readNullableDate,
  readNullableString,
  readObject,
  readPeriod,
  readString,
  readTimestamp,
} from './population-fields';

export { PopulationFormatError } from './population-fields';

const GENDERS: readonly Gender[] = ['M', 'F'];
const HOUSEHOLD_STATUSES: readonly HouseholdStatus[] = ['NONE', 'LOW_INCOME', 'EXTREME_POVERTY'];
const LIFE_STATUSES: readonly LifeStatus[] = ['ALIVE', 'DECEASED'];
const INSURANCE_TYPES: readonly InsuranceType[] = ['URBAN_EMPLOYEE', 'URBAN_RURAL_RESIDENT'];
const INSURANCE_STATUSES: readonly InsuranceStatus[] = ['ACTIVE', 'SUSPENDED', 'TERMINATED'];
const DISBURSEMENT_STATUSES: readonly DisbursementStatus[] = ['APPROVED', 'DISBURSING', 'DISBURSED', 'FAILED', 'REVERSED'];
const CARD_TYPES: readonly CardType[] = ['STANDARD', 'ELDERLY', 'STUDENT', 'DISABLED'];
const CARD_STATUSES: readonly CardStatus[] = ['ACTIVE', 'LOST', 'FROZEN', 'CANCELLED'];

/** Every rule and every date in the system assumes the city's zone; another zone would silently shift days. */
const CITY_TIMEZONE = 'Asia/Shanghai';

function each<T>(value: unknown, section: string, read: (record: JsonObject, path: string) => T): T[] {
  return readArray(value, section).map((item, index) => {
    const path = `${section}[${index}]`;
    return read(readObject(item, path), path);
  });
}

function readPattern(record: JsonObject, field: string, path: string, pattern: RegExp, expected: string): string {
  const value = readString(record, field, path);
  if (!pattern.test(value)) fail(at(path, field), `expected ${expected}, got ${JSON.stringify(value)}`);
  return value;
}

function readCivilAffairs(record: JsonObject, path: string): CivilAffairsRecord {
  const birthDate = readDate(record, 'birthDate', path);
  const lifeStatus = readEnum(record, 'lifeStatus', path, LIFE_STATUSES);
  const diedOn = readNullableDate(record, 'diedOn', path);
  if (lifeStatus === 'DECEASED' && diedOn === null) fail(`${path}.diedOn`, 'required when lifeStatus is DECEASED');
  if (lifeStatus === 'ALIVE' && diedOn !== null) fail(`${path}.diedOn`, 'must be null when lifeStatus is ALIVE');
  if (diedOn !== null && diedOn < birthDate) fail(`${path}.diedOn`, `${diedOn} is before birthDate ${birthDate}`);
  const phone = record['phone'] === null ? null : readPattern(record, 'phone', path, /^\+?\d{5,20}$/, 'digits');
  return {
    idNumber: readIdNumber(record, 'idNumber', path),
    name: readString(record, 'name', path),
    gender: readEnum(record, 'gender', path, GENDERS),
    birthDate,
    district: readPattern(record, 'district', path, /^\d{6}$/, 'a 6-digit district code'),
    phone,
    householdStatus: readEnum(record, 'householdStatus', path, HOUSEHOLD_STATUSES),
    disabilityLevel: readInteger(record, 'disabilityLevel', path, 0, 4),
    lifeStatus,
    diedOn,
    updatedAt: readTimestamp(record, 'updatedAt', path),
  };
}

function readMedicalInsurance(record: JsonObject, path: string): MedicalInsuranceRecord {
  return {
    idNumber: readIdNumber(record, 'idNumber', path),
    insuranceType: readEnum(record, 'insuranceType', path, INSURANCE_TYPES),
    status: readEnum(record, 'status', path, INSURANCE_STATUSES),
    enrolledOn: readDate(record, 'enrolledOn', path),
    personalAccountBalanceFen: readFen(record, 'personalAccountBalanceFen', path),
    annualOutOfPocketFen: readFen(record, 'annualOutOfPocketFen', path),
    updatedAt: readTimestamp(record, 'updatedAt', path),
  };
}

function readStatusChange(record: JsonObject, path: string): StatusChangeRecord {
  const change: StatusChangeRecord = {
    status: readEnum(record, 'status', path, DISBURSEMENT_STATUSES),
    at: readTimestamp(record, 'at', path),
  };
  const reason = record['reason'] === undefined ? null : readNullableString(record, 'reason', path);
  if (reason !== null) change.reason = reason;
  return change;
}

function readDisbursement(record: JsonObject, path: string): DisbursementRecord {
  const status = readEnum(record, 'status', path, DISBURSEMENT_STATUSES);
  const historyPath = `${path}.statusHistory`;
  const statusHistory = each(record['statusHistory'], historyPath, readStatusChange);
  const last = statusHistory[statusHistory.length - 1];
  if (last === undefined) fail(historyPath, 'must not be empty');
  if (last.status !== status) fail(historyPath, `ends in ${last.status} but status is ${status}`);
  statusHistory.forEach((change, index) => {
    const previous = statusHistory[index - 1];
    if (previous !== undefined && Date.parse(change.at) < Date.parse(previous.at)) {
      fail(`${historyPath}[${index}].at`, `${change.at} is before the previous change (${previous.at})`);
    }
  });
  return {
    disbursementId: readString(record, 'disbursementId', path),
    idNumber: readIdNumber(record, 'idNumber', path),
    programCode: readEnum(record, 'programCode', path, PROGRAM_CODES),
    period: readPeriod(record, 'period', path),
    amountFen: readFen(record, 'amountFen', path),
    status,
    statusHistory,
    // Partners are shown this field, so a full account number must never get through.
    bankAccountMasked: readPattern(record, 'bankAccountMasked', path, /^(?=.*\*)[\d*]{8,32}$/, 'a masked account like 6222********1234'),
  };
}

function readTransitCard(record: JsonObject, path: string): TransitCardRecord {
  return {
    cardNo: readCardNumber(record, 'cardNo', path),
    idNumber: readIdNumber(record, 'idNumber', path),
    cardType: readEnum(record, 'cardType', path, CARD_TYPES),
    status: readEnum(record, 'status', path, CARD_STATUSES),
    balanceFen: readInteger(record, 'balanceFen', path, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER),
    issuedOn: readDate(record, 'issuedOn', path),
    statusChangedAt: readTimestamp(record, 'statusChangedAt', path),
  };
}

function checkUnique<T>(records: readonly T[], section: string, field: string, key: (record: T) => string): void {
  const keys = new UniqueKeys(section, field);
  records.forEach((record, index) => keys.claim(key(record), index));
}

/** Validates a parsed population file; throws PopulationFormatError naming the bad field. */
export function parsePopulation(json: unknown): Population {
  const root = readObject(json, '');
  if (root['formatVersion'] !== 1) {
    fail('formatVersion', `unsupported version ${JSON.stringify(root['formatVersion'] ?? null)}; this sandbox reads version 1`);
  }
  const timezone = readString(root, 'timezone', '');
  if (timezone !== CITY_TIMEZONE) fail('timezone', `expected ${CITY_TIMEZONE}, got ${JSON.stringify(timezone)}`);
  const generatedFor = root['generatedFor'] === undefined ? null : readNullableString(root, 'generatedFor', '');
  const finance = readObject(root['finance'], 'finance');
  const transit = readObject(root['transit'], 'transit');

  const population: Population = {
    formatVersion: 1,
    asOf: readTimestamp(root, 'asOf', ''),
    timezone,
    civilAffairs: each(root['civilAffairs'], 'civilAffairs', readCivilAffairs),
    medicalInsurance: each(root['medicalInsurance'], 'medicalInsurance', readMedicalInsurance),
    finance: { disbursements: each(finance['disbursements'], 'finance.disbursements', readDisbursement) },
    transit: { cards: each(transit['cards'], 'transit.cards', readTransitCard) },
  };
  if (generatedFor !== null) population.generatedFor = generatedFor;
  checkUnique(population.civilAffairs, 'civilAffairs', 'idNumber', (r) => r.idNumber);
  checkUnique(population.medicalInsurance, 'medicalInsurance', 'idNumber', (r) => r.idNumber);
  checkUnique(population.finance.disbursements, 'finance.disbursements', 'disbursementId', (r) => r.disbursementId);
  checkUnique(population.transit.cards, 'transit.cards', 'cardNo', (r) => r.cardNo);
  return population;
}

/** Reads and validates a population file from disk. */
export function loadPopulationFile(path: string): Population {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new PopulationFormatError('(file)', `cannot read population file ${path}: ${detail}`);
  }
  try {
    return parsePopulation(json);
  } catch (error) {
    if (error instanceof PopulationFormatError) {
      throw new PopulationFormatError(error.path, `${error.message.slice(error.path.length + 2)} (in ${path})`);
    }
    throw error;
  }
}
