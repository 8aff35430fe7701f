/** Where the transit system's pushed transaction records are kept, and how a card's are paged. */
import type { TransitTransactionRecord } from '@huimin/adapters';

/** A position in a card's transactions, newest first. */
export interface TransactionPosition {
  occurredAtMs: number;
  id: string;
}

export interface TransactionQuery {
  first: number;
  after: TransactionPosition | null;
  /** Inclusive lower bound of occurredAt, epoch ms. */
  fromMs: number | null;
  /** Exclusive upper bound of occurredAt, epoch ms. */
  toMs: number | null;
}

export interface TransactionPage {
  records: TransitTransactionRecord[];
  hasNextPage: boolean;
}

export interface TransactionStore {
  /**
   * Stores the records not yet held (by transactionId) and resolves only once they are durable,
   * so the webhook may acknowledge. Answers how many were already held.
   */
  storeAll(records: readonly TransitTransactionRecord[]): Promise<{ stored: number; duplicates: number }>;
  page(cardNo: string, query: TransactionQuery): Promise<TransactionPage>;
}

/** Newest first, then id descending: the order of every page. */
export function compareNewestFirst(a: TransactionPosition, b: TransactionPosition): number {
  if (a.occurredAtMs !== b.occurredAtMs) return b.occurredAtMs - a.occurredAtMs;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

export function positionOf(record: TransitTransactionRecord): TransactionPosition {
  return { occurredAtMs: Date.parse(record.occurredAt), id: record.transactionId };
}
