/**
 * Pushed transaction records in PostgreSQL: one INSERT … ON CONFLICT (id) DO NOTHING per push,
 * so a repeated or concurrent delivery stores each record once; the webhook acknowledges only
 * after the statement has committed.
 */
import type { Pool } from 'pg';
import { formatShanghai } from '@huimin/schema';
import type { TransactionKind, TransitTransactionRecord } from '@huimin/adapters';
import { sqlSchemaName } from '../topups/pg-schema';
import type { TransactionPage, TransactionQuery, TransactionStore } from './transaction-types';

interface TransactionRow {
  id: string;
  card_no: string;
  kind: string;
  amount_fen: string;
  balance_after_fen: string;
  occurred_at: Date;
  line: string | null;
  station: string | null;
  top_up_id: string | null;
}

function recordOf(row: TransactionRow): TransitTransactionRecord {
  return {
    transactionId: row.id,
    cardNo: row.card_no,
    // Only this module writes the column, from checked records.
    kind: row.kind as TransactionKind,
    amountFen: Number(row.amount_fen),
    balanceAfterFen: Number(row.balance_after_fen),
    occurredAt: formatShanghai(row.occurred_at.getTime()),
    line: row.line,
    station: row.station,
    topUpId: row.top_up_id,
  };
}

export class PgTransactionStore implements TransactionStore {
  private readonly s: string;

  constructor(
    private readonly pool: Pool,
    schema: string,
  ) {
    this.s = sqlSchemaName(schema);
  }

  async storeAll(records: readonly TransitTransactionRecord[]): Promise<{ stored: number; duplicates: number }> {
    if (records.length === 0) return { stored: 0, duplicates: 0 };
    // One row per id even when a push repeats a record within itself.
    const unique = [...new Map(records.map((r) => [r.transactionId, r])).values()];
    const column = <T>(pick: (r: TransitTransactionRecord) => T): T[] => unique.map(pick);
    const inserted = await this.pool.query(
      `INSERT INTO ${this.s}.transactions (id, card_no, kind, amount_fen, balance_after_fen, occurred_at, line, station, top_up_id)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::bigint[], $6::timestamptz[], $7::text[], $8::text[], $9::text[])
       ON CONFLICT (id) DO NOTHING`,
      [
        column((r) => r.transactionId), column((r) => r.cardNo), column((r) => r.kind), column((r) => r.amountFen),
        column((r) => r.balanceAfterFen), column((r) => r.occurredAt), column((r) => r.line), column((r) => r.station), column((r) => r.topUpId),
      ],
    );
    const stored = inserted.rowCount ?? 0;
    return { stored, duplicates: records.length - stored };
  }

  async page(cardNo: string, query: TransactionQuery): Promise<TransactionPage> {
    const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());
    const found = await this.pool.query<TransactionRow>(
      `SELECT id, card_no, kind, amount_fen, balance_after_fen, occurred_at, line, station, top_up_id FROM ${this.s}.transactions
       WHERE card_no = $1
         AND ($2::timestamptz IS NULL OR occurred_at >= $2::timestamptz)
         AND ($3::timestamptz IS NULL OR occurred_at < $3::timestamptz)
         AND ($4::timestamptz IS NULL OR (occurred_at, id) < ($4::timestamptz, $5::text))
       ORDER BY occurred_at DESC, id DESC LIMIT $6`,
      [cardNo, iso(query.fromMs), iso(query.toMs), iso(query.after?.occurredAtMs ?? null), query.after?.id ?? null, query.first + 1],
    );
    return { records: found.rows.slice(0, query.first).map(recordOf), hasNextPage: found.rows.length > query.first };
  }
}
