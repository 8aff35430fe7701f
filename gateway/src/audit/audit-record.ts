/**
 * One audit record per operation that touched citizen data, and the SM3 chain that makes the
 * trail tamper-evident: each record's hash covers its contents and the previous record's hash,
 * so an edited, removed or reordered record breaks the chain at that record.
 */
import { createHash } from 'node:crypto';

/** SERVED: data, no errors. PARTIAL: data with errors. REFUSED: the request was refused. FAILED: no data for another reason. */
export type AuditOutcome = 'SERVED' | 'PARTIAL' | 'REFUSED' | 'FAILED';

export const AUDIT_OUTCOMES: readonly AuditOutcome[] = ['SERVED', 'PARTIAL', 'REFUSED', 'FAILED'];

/** What the gateway records about one operation. No personal data: citizens appear only by pseudonymous id. */
export interface AuditEntry {
  requestId: string;
  /** The authenticated partner; `anonymous` when the gateway runs without authentication. */
  partnerId: string;
  purpose: string | null;
  operationName: string | null;
  /** SHA-256 of the operation text (the persisted-operation hash). */
  operationHash: string;
  /** Pseudonymous Citizen ids the operation asked for or was answered with; sorted, unique. */
  citizenIds: string[];
  /** Schema coordinates (Type.field) that came back with a value; sorted, unique. */
  fields: string[];
  outcome: AuditOutcome;
  /** Registry codes of the errors returned; sorted, unique. */
  errorCodes: string[];
  latencyMs: number;
  /** ISO-8601 UTC with milliseconds. */
  at: string;
}

/** An entry as stored: its position, the previous record's hash and its own. */
export interface AuditRecord extends AuditEntry {
  /** 1, 2, 3, … in chain order. Not hashed: the order is carried by prevHash. */
  seq: number;
  prevHash: string;
  hash: string;
}

/** The chain's last record, kept apart from the records so a cut-off tail is detected. */
export interface ChainHead {
  seq: number;
  hash: string;
}

/** The "previous hash" of the first record. */
export const GENESIS_HASH = '0'.repeat(64);
export const EMPTY_HEAD: ChainHead = { seq: 0, hash: GENESIS_HASH };

/** The exact bytes hashed: a JSON array in fixed field order, so key order never matters. */
export function canonicalEntry(entry: AuditEntry): string {
  return JSON.stringify([
    entry.requestId,
    entry.partnerId,
    entry.purpose,
    entry.operationName,
    entry.operationHash,
    entry.citizenIds,
    entry.fields,
    entry.outcome,
    entry.errorCodes,
    entry.latencyMs,
    entry.at,
  ]);
}

export function chainHash(prevHash: string, entry: AuditEntry): string {
  return createHash('sm3').update(prevHash).update('\n').update(canonicalEntry(entry)).digest('hex');
}

/** Links entries after `head`, in order: the one place records get their seq and hashes. */
export function chainEntries(head: ChainHead, entries: readonly AuditEntry[]): AuditRecord[] {
  let { seq, hash } = head;
  return entries.map((entry) => {
    seq += 1;
    const record: AuditRecord = { ...entryOf(entry), seq, prevHash: hash, hash: chainHash(hash, entry) };
    hash = record.hash;
    return record;
  });
}

/** Only the entry's own fields (a record passed in keeps its chain fields out of the copy). */
export function entryOf(source: AuditEntry): AuditEntry {
  return {
    requestId: source.requestId,
    partnerId: source.partnerId,
    purpose: source.purpose,
    operationName: source.operationName,
    operationHash: source.operationHash,
    citizenIds: source.citizenIds,
    fields: source.fields,
    outcome: source.outcome,
    errorCodes: source.errorCodes,
    latencyMs: source.latencyMs,
    at: source.at,
  };
}
