/** Reading records back: anything that is not a well-formed record is reported, never guessed at. */
import { AUDIT_OUTCOMES, type AuditRecord } from './audit-record';

/** A stored line or row that is not a record (cut, edited into invalid JSON, wrong types). */
export interface UnreadableRecord {
  unreadable: true;
  /** Line number (file) or seq (PostgreSQL). */
  position: number;
}

export type StoredRecord = AuditRecord | UnreadableRecord;

const isString = (value: unknown): value is string => typeof value === 'string';
const isStringArray = (value: unknown): value is string[] => Array.isArray(value) && value.every(isString);

export function isAuditRecord(value: unknown): value is AuditRecord {
  if (typeof value !== 'object' || value === null) return false;
  const r = value as Record<string, unknown>;
  return (
    Number.isSafeInteger(r.seq) &&
    isString(r.prevHash) &&
    isString(r.hash) &&
    isString(r.requestId) &&
    isString(r.partnerId) &&
    (r.purpose === null || isString(r.purpose)) &&
    (r.operationName === null || isString(r.operationName)) &&
    isString(r.operationHash) &&
    isStringArray(r.citizenIds) &&
    isStringArray(r.fields) &&
    AUDIT_OUTCOMES.includes(r.outcome as AuditRecord['outcome']) &&
    isStringArray(r.errorCodes) &&
    typeof r.latencyMs === 'number' &&
    isString(r.at)
  );
}

export function parseStoredRecord(text: string, position = 0): StoredRecord {
  try {
    const value: unknown = JSON.parse(text);
    return isAuditRecord(value) ? value : { unreadable: true, position };
  } catch {
    return { unreadable: true, position };
  }
}
