/**
 * Where audit records live. Two implementations: PostgreSQL (DATABASE_URL; several gateways share
 * one chain) and an append-only JSON-lines file (one gateway process, development).
 */
import type { AuditEntry, AuditRecord, ChainHead } from './audit-record';
import type { StoredRecord } from './stored-record';

/** A page of one citizen's records, newest first. */
export interface AccessPage {
  records: AuditRecord[];
  hasMore: boolean;
}

/** Reading the trail: the audit subgraph (accessLog) and `huimin audit verify`. */
export interface AuditReader {
  /** Records that touched the citizen, newest first, older than `beforeSeq` when given. */
  accessesOf(citizenId: string, page: { first: number; beforeSeq: number | null }): Promise<AccessPage>;
  /** Every record in stored order (for `huimin audit verify`), unreadable ones marked as such. */
  records(): AsyncIterable<StoredRecord>;
  /** The chain head as the store keeps it apart from the records. */
  head(): Promise<ChainHead>;
  /** Writes what is queued, then releases files and connections. */
  close(): Promise<void>;
}

export interface AuditStore extends AuditReader {
  readonly kind: 'postgres' | 'file';
  /**
   * Chains and durably writes the entry; resolves with the stored record. Rejects when it could
   * not be written, and then the caller must not serve the operation's data.
   */
  append(entry: AuditEntry): Promise<AuditRecord>;
}
