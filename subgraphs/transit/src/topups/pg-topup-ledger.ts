/**
 * The top-up ledger in PostgreSQL. The idempotency key is a unique constraint, so concurrent
 * submissions on any number of replicas insert one row; a move is one UPDATE … WHERE status =
 * from, with its outbox event inserted by the same statement, so a move happens once or not at all.
 */
import type { Pool } from 'pg';
import { formatShanghai } from '@huimin/schema';
import { sqlSchemaName } from './pg-schema';
import {
  assertTransition,
  type RefundReason, type TopUpChannel, type TopUpEvent, type TopUpLedger, type TopUpPage, type TopUpPosition,
  type TopUpRecord, type TopUpStatus, type TopUpStatusChange, type TopUpTransition,
} from './topup-types';

interface TopUpRow {
  id: string;
  partner: string | null;
  idempotency_key: string | null;
  fingerprint: string | null;
  card_no: string;
  amount_fen: string;
  channel: string;
  payment_ref: string | null;
  status: string;
  refund_reason: string | null;
  refund_ref: string | null;
  balance_after_fen: string | null;
  history: TopUpStatusChange[];
  created_at: Date;
  updated_at: Date;
}

interface EventRow {
  seq: string;
  top_up_id: string;
  partner: string | null;
  status: string;
  reason: string | null;
  at: Date;
}

const COLUMNS = 'id, partner, idempotency_key, fingerprint, card_no, amount_fen, channel, payment_ref, status, refund_reason, refund_ref, balance_after_fen, history, created_at, updated_at';

// The columns hold only what this module wrote, so the casts below restate types, not trust input.
function recordOf(row: TopUpRow): TopUpRecord {
  return {
    id: row.id,
    partner: row.partner,
    idempotencyKey: row.idempotency_key,
    fingerprint: row.fingerprint,
    cardNo: row.card_no,
    amountFen: Number(row.amount_fen),
    channel: row.channel as TopUpChannel,
    paymentRef: row.payment_ref,
    status: row.status as TopUpStatus,
    refundReason: row.refund_reason as RefundReason | null,
    refundRef: row.refund_ref,
    balanceAfterFen: row.balance_after_fen === null ? null : Number(row.balance_after_fen),
    history: row.history,
    createdAt: formatShanghai(row.created_at.getTime()),
    updatedAt: formatShanghai(row.updated_at.getTime()),
  };
}

function valuesOf(record: TopUpRecord): unknown[] {
  return [
    record.id, record.partner, record.idempotencyKey, record.fingerprint, record.cardNo, record.amountFen, record.channel,
    record.paymentRef, record.status, record.refundReason, record.refundRef, record.balanceAfterFen, JSON.stringify(record.history),
    record.createdAt, record.updatedAt,
  ];
}

const PLACEHOLDERS = Array.from({ length: 15 }, (_, i) => `$${i + 1}`).join(', ');

export class PgTopUpLedger implements TopUpLedger {
  private readonly s: string;

  constructor(
    private readonly pool: Pool,
    schema: string,
  ) {
    this.s = sqlSchemaName(schema);
  }

  async insertPending(record: TopUpRecord): Promise<{ record: TopUpRecord; inserted: boolean }> {
    const inserted = await this.pool.query<TopUpRow>(
      `INSERT INTO ${this.s}.topups (${COLUMNS}) VALUES (${PLACEHOLDERS}) ON CONFLICT ON CONSTRAINT topups_idempotency DO NOTHING RETURNING ${COLUMNS}`,
      valuesOf(record),
    );
    const row = inserted.rows[0];
    if (row) return { record: recordOf(row), inserted: true };
    // The key was taken (perhaps a moment ago by a concurrent submission): answer the row holding it.
    const held = record.partner !== null && record.idempotencyKey !== null ? await this.findByKey(record.partner, record.idempotencyKey) : null;
    if (!held) throw new Error('top-up insert conflicted but no row holds the key');
    return { record: held, inserted: false };
  }

  async findByKey(partner: string, idempotencyKey: string): Promise<TopUpRecord | null> {
    const found = await this.pool.query<TopUpRow>(`SELECT ${COLUMNS} FROM ${this.s}.topups WHERE partner = $1 AND idempotency_key = $2`, [partner, idempotencyKey]);
    return found.rows[0] ? recordOf(found.rows[0]) : null;
  }

  async get(id: string): Promise<TopUpRecord | null> {
    const found = await this.pool.query<TopUpRow>(`SELECT ${COLUMNS} FROM ${this.s}.topups WHERE id = $1`, [id]);
    return found.rows[0] ? recordOf(found.rows[0]) : null;
  }

  async transition(move: TopUpTransition): Promise<TopUpRecord | null> {
    assertTransition(move);
    const change: TopUpStatusChange = { status: move.to, at: move.at, reason: move.reason ?? null };
    const moved = await this.pool.query<TopUpRow>(
      `WITH moved AS (
         UPDATE ${this.s}.topups SET status = $3, history = history || $4::jsonb, updated_at = $5,
           refund_reason = COALESCE($6, refund_reason), refund_ref = COALESCE($7, refund_ref),
           balance_after_fen = COALESCE($8, balance_after_fen)
         WHERE id = $1 AND status = $2
         RETURNING ${COLUMNS}
       ), event AS (
         INSERT INTO ${this.s}.topup_events (top_up_id, partner, status, reason, at) SELECT id, partner, status, $9, $5 FROM moved
       )
       SELECT ${COLUMNS} FROM moved`,
      [move.id, move.from, move.to, JSON.stringify([change]), move.at, move.refundReason ?? null, move.refundRef ?? null, move.balanceAfterFen ?? null, change.reason],
    );
    return moved.rows[0] ? recordOf(moved.rows[0]) : null;
  }

  async importOffline(record: TopUpRecord): Promise<boolean> {
    const inserted = await this.pool.query(`INSERT INTO ${this.s}.topups (${COLUMNS}) VALUES (${PLACEHOLDERS}) ON CONFLICT (id) DO NOTHING`, valuesOf(record));
    return inserted.rowCount === 1;
  }

  async listByCard(cardNo: string, first: number, after: TopUpPosition | null): Promise<TopUpPage> {
    const [page, count] = await Promise.all([
      this.pool.query<TopUpRow>(
        `SELECT ${COLUMNS} FROM ${this.s}.topups
         WHERE card_no = $1 AND ($2::timestamptz IS NULL OR (created_at, id) < ($2::timestamptz, $3::text))
         ORDER BY created_at DESC, id DESC LIMIT $4`,
        [cardNo, after ? new Date(after.createdAtMs).toISOString() : null, after?.id ?? null, first + 1],
      ),
      this.pool.query<{ n: string }>(`SELECT count(*) AS n FROM ${this.s}.topups WHERE card_no = $1`, [cardNo]),
    ]);
    return { records: page.rows.slice(0, first).map(recordOf), hasNextPage: page.rows.length > first, totalCount: Number(count.rows[0]?.n ?? 0) };
  }

  async unresolved(limit: number): Promise<TopUpRecord[]> {
    const found = await this.pool.query<TopUpRow>(
      `SELECT ${COLUMNS} FROM ${this.s}.topups WHERE status IN ('PENDING', 'FAILED') ORDER BY created_at, id LIMIT $1`,
      [limit],
    );
    return found.rows.map(recordOf);
  }

  async events(afterSeq: number, limit: number): Promise<TopUpEvent[]> {
    const found = await this.pool.query<EventRow>(
      `SELECT seq, top_up_id, partner, status, reason, at FROM ${this.s}.topup_events WHERE seq > $1 ORDER BY seq LIMIT $2`,
      [afterSeq, limit],
    );
    return found.rows.map((row) => ({
      seq: Number(row.seq),
      topUpId: row.top_up_id,
      partner: row.partner,
      status: row.status as TopUpStatus,
      reason: row.reason,
      at: formatShanghai(row.at.getTime()),
    }));
  }
}
