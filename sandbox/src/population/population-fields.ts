/**
 * Field readers for the population file. Each one either returns a typed value or throws a
 * PopulationFormatError whose message starts with the path of the bad field
 * (`civilAffairs[12].idNumber: ...`), so a broken file can be fixed without a debugger.
 */
import { isValidCardNumber, normalizeIdNumber } from '@huimin/schema';

export class PopulationFormatError extends Error {
  constructor(
    /** Where in the file the problem is, e.g. `finance.disbursements[3].amountFen`. */
    readonly path: string,
    problem: string,
  ) {
    super(`${path}: ${problem}`);
    this.name = 'PopulationFormatError';
  }
}

export type JsonObject = Record<string, unknown>;

/** The path of a field; the file's top level has the empty path. */
export function at(path: string, field: string): string {
  return path === '' ? field : `${path}.${field}`;
}

function describe(value: unknown): string {
  if (value === undefined) return 'missing';
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

export function fail(path: string, problem: string): never {
  throw new PopulationFormatError(path, problem);
}

export function readObject(value: unknown, path: string): JsonObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    fail(path, `expected an object, got ${describe(value)}`);
  }
  return value as JsonObject;
}

export function readArray(value: unknown, path: string): unknown[] {
  if (!Array.isArray(value)) fail(path, `expected an array, got ${describe(value)}`);
  return value;
}

/** Reads `record[field]`; the path names the field. */
export function readString(record: JsonObject, field: string, path: string): string {
  const value = record[field];
  if (typeof value !== 'string' || value.length === 0) {
    fail(at(path, field), `expected a non-empty string, got ${describe(value)}`);
  }
  return value;
}

export function readNullableString(record: JsonObject, field: string, path: string): string | null {
  if (record[field] === null) return null;
  return readString(record, field, path);
}

export function readEnum<T extends string>(record: JsonObject, field: string, path: string, allowed: readonly T[]): T {
  const value = record[field];
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    fail(at(path, field), `expected one of ${allowed.join(', ')}, got ${describe(value)}`);
  }
  return value as T;
}

/** A safe integer within [min, max]; money is always whole fen, so 12.5 is refused. */
export function readInteger(record: JsonObject, field: string, path: string, min: number, max: number): number {
  const value = record[field];
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    fail(at(path, field), `expected an integer, got ${describe(value)}`);
  }
  if (value < min || value > max) fail(at(path, field), `expected ${min}..${max}, got ${value}`);
  return value;
}

/** Money in fen: a non-negative safe integer. */
export function readFen(record: JsonObject, field: string, path: string): number {
  return readInteger(record, field, path, 0, Number.MAX_SAFE_INTEGER);
}

const DATE_SHAPE = /^(\d{4})-(\d{2})-(\d{2})$/;

function isRealDate(text: string): boolean {
  const match = DATE_SHAPE.exec(text);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (month < 1 || month > 12 || day < 1) return false;
  return day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** A real calendar date, YYYY-MM-DD. */
export function readDate(record: JsonObject, field: string, path: string): string {
  const value = readString(record, field, path);
  if (!isRealDate(value)) fail(at(path, field), `expected a real date YYYY-MM-DD, got ${describe(value)}`);
  return value;
}

export function readNullableDate(record: JsonObject, field: string, path: string): string | null {
  if (record[field] === null) return null;
  return readDate(record, field, path);
}

/** A YYYY-MM month. */
export function readPeriod(record: JsonObject, field: string, path: string): string {
  const value = readString(record, field, path);
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(value)) fail(at(path, field), `expected a month YYYY-MM, got ${describe(value)}`);
  return value;
}

// An explicit offset is required: a timestamp without one would be read in the host's zone.
const TIMESTAMP_SHAPE = /^(\d{4}-\d{2}-\d{2})T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** An ISO-8601 instant with an explicit offset. */
export function readTimestamp(record: JsonObject, field: string, path: string): string {
  const value = readString(record, field, path);
  const match = TIMESTAMP_SHAPE.exec(value);
  if (!match || !isRealDate(match[1] ?? '') || Number.isNaN(Date.parse(value))) {
    fail(at(path, field), `expected an ISO-8601 timestamp with offset, got ${describe(value)}`);
  }
  return value;
}

/** A valid GB 11643 resident ID number, normalised (upper-case X). */
export function readIdNumber(record: JsonObject, field: string, path: string): string {
  const value = readString(record, field, path);
  const normalized = normalizeIdNumber(value);
  if (normalized === null) fail(at(path, field), `not a valid resident ID number: ${describe(value)}`);
  return normalized;
}

/** A transit card number with a valid Luhn check digit. */
export function readCardNumber(record: JsonObject, field: string, path: string): string {
  const value = readString(record, field, path);
  if (!isValidCardNumber(value)) fail(at(path, field), `not a valid card number (16-19 digits, Luhn): ${describe(value)}`);
  return value;
}

/** Remembers keys seen in a section so a repeated key is reported with both indexes. */
export class UniqueKeys {
  private readonly firstIndex = new Map<string, number>();

  constructor(private readonly section: string, private readonly field: string) {}

  claim(key: string, index: number): void {
    const first = this.firstIndex.get(key);
    if (first !== undefined) {
      fail(`${this.section}[${index}].${this.field}`, `duplicate ${describe(key)}, first at ${this.section}[${first}]`);
    }
    this.firstIndex.set(key, index);
  }
}
