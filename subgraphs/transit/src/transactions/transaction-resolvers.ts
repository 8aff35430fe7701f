/** TransitCard.transactions: the card's pushed transaction records, newest first, paged. */
import type { TransitTransactionRecord } from '@huimin/adapters';
import { badInput, connectionOf, decodeCursor, encodeCursor, pageSize, type Connection } from './paging-args';
import type { TransactionStore } from './transaction-types';

export interface TransactionArgs {
  first?: number | null;
  after?: string | null;
  /** Inclusive. */
  from?: string | null;
  /** Exclusive. */
  to?: string | null;
}

const cursorOf = (record: TransitTransactionRecord): string => encodeCursor(Date.parse(record.occurredAt), record.transactionId);

export function createTransactionResolvers(transactions: TransactionStore | null) {
  return {
    TransitCard: {
      async transactions(card: { cardNo: string }, args: TransactionArgs): Promise<Connection<TransitTransactionRecord>> {
        if (!transactions) throw new Error('transit transaction store not configured');
        const first = pageSize(args.first);
        const fromMs = args.from != null ? Date.parse(args.from) : null;
        const toMs = args.to != null ? Date.parse(args.to) : null;
        if (fromMs !== null && toMs !== null && fromMs >= toMs) throw badInput('from must be before to');
        const after = args.after != null ? decodeCursor(args.after) : null;
        const page = await transactions.page(card.cardNo, {
          first, fromMs, toMs, after: after === null ? null : { occurredAtMs: after.atMs, id: after.id },
        });
        return connectionOf(page.records, page.hasNextPage, cursorOf);
      },
    },
    TransitTransaction: {
      id: (record: TransitTransactionRecord): string => record.transactionId,
    },
  };
}
