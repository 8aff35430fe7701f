/**
 * The embedded transaction store: records in memory by id and by card, appended to a journal file
 * (one write and fdatasync per push) before storeAll resolves, when a journal path is given.
 */
import type { TransitTransactionRecord } from '@huimin/adapters';
import { JournalFile } from '../topups/journal-file';
import { compareNewestFirst, positionOf, type TransactionPage, type TransactionQuery, type TransactionStore } from './transaction-types';

export class MemoryTransactionStore implements TransactionStore {
  private readonly ids = new Set<string>();
  private readonly byCard = new Map<string, TransitTransactionRecord[]>();
  /** Cards whose list gained records since it was last sorted. */
  private readonly unsorted = new Set<string>();
  private journal: JournalFile | null = null;

  constructor(journalPath?: string) {
    if (journalPath === undefined) return;
    const { journal, entries } = JournalFile.open(journalPath);
    this.journal = journal;
    for (const entry of entries as TransitTransactionRecord[]) this.remember(entry);
  }

  async storeAll(records: readonly TransitTransactionRecord[]): Promise<{ stored: number; duplicates: number }> {
    const fresh = new Map<string, TransitTransactionRecord>();
    for (const record of records) if (!this.ids.has(record.transactionId)) fresh.set(record.transactionId, record);
    // Disk first: records are acknowledged only once the journal holds them.
    this.journal?.append([...fresh.values()]);
    for (const record of fresh.values()) this.remember(record);
    return { stored: fresh.size, duplicates: records.length - fresh.size };
  }

  async page(cardNo: string, query: TransactionQuery): Promise<TransactionPage> {
    const all = this.sorted(cardNo);
    const { after, fromMs, toMs } = query;
    const matching = all.filter((record) => {
      const position = positionOf(record);
      return (fromMs === null || position.occurredAtMs >= fromMs)
        && (toMs === null || position.occurredAtMs < toMs)
        && (after === null || compareNewestFirst(position, after) > 0);
    });
    return { records: matching.slice(0, query.first), hasNextPage: matching.length > query.first };
  }

  close(): void {
    this.journal?.close();
  }

  private remember(record: TransitTransactionRecord): void {
    if (this.ids.has(record.transactionId)) return;
    this.ids.add(record.transactionId);
    const list = this.byCard.get(record.cardNo);
    if (list) list.push(record);
    else this.byCard.set(record.cardNo, [record]);
    this.unsorted.add(record.cardNo);
  }

  private sorted(cardNo: string): TransitTransactionRecord[] {
    const list = this.byCard.get(cardNo) ?? [];
    if (this.unsorted.delete(cardNo)) list.sort((a, b) => compareNewestFirst(positionOf(a), positionOf(b)));
    return list;
  }
}
