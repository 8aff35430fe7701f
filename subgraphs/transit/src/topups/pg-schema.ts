/**
 * The transit subgraph's tables in PostgreSQL: the top-up ledger, its outbox and the pushed
 * transaction records, in one schema (HUIMIN_TRANSIT_PG_SCHEMA; tests use one per run).
 */
import type { Pool } from 'pg';

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** The schema name as SQL, refused unless it is a plain lower-case identifier (it is interpolated). */
export function sqlSchemaName(schema: string): string {
  if (!SCHEMA_NAME.test(schema)) throw new Error('transit PG schema must be a lower-case SQL identifier');
  return schema;
}

export async function createTransitTables(pool: Pool, schema: string): Promise<void> {
  const s = sqlSchemaName(schema);
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    // Replicas starting together would race on CREATE … IF NOT EXISTS without this.
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`huimin-transit-init:${s}`]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${s}`);
    await client.query(`CREATE TABLE IF NOT EXISTS ${s}.topups (
      id text PRIMARY KEY,
      partner text,
      idempotency_key text,
      fingerprint text,
      card_no text NOT NULL,
      amount_fen bigint NOT NULL,
      channel text NOT NULL,
      payment_ref text,
      status text NOT NULL,
      refund_reason text,
      refund_ref text,
      balance_after_fen bigint,
      history jsonb NOT NULL,
      created_at timestamptz(3) NOT NULL,
      updated_at timestamptz(3) NOT NULL,
      CONSTRAINT topups_idempotency UNIQUE (partner, idempotency_key)
    )`);
    await client.query(`CREATE INDEX IF NOT EXISTS topups_by_card ON ${s}.topups (card_no, created_at DESC, id DESC)`);
    await client.query(`CREATE INDEX IF NOT EXISTS topups_unresolved ON ${s}.topups (created_at) WHERE status IN ('PENDING', 'FAILED')`);
    await client.query(`CREATE TABLE IF NOT EXISTS ${s}.topup_events (
      seq bigserial PRIMARY KEY,
      top_up_id text NOT NULL,
      partner text,
      status text NOT NULL,
      reason text,
      at timestamptz(3) NOT NULL
    )`);
    await client.query(`CREATE TABLE IF NOT EXISTS ${s}.transactions (
      id text PRIMARY KEY,
      card_no text NOT NULL,
      kind text NOT NULL,
      amount_fen bigint NOT NULL,
      balance_after_fen bigint NOT NULL,
      occurred_at timestamptz(3) NOT NULL,
      line text,
      station text,
      top_up_id text,
      received_at timestamptz(3) NOT NULL DEFAULT now()
    )`);
    await client.query(`CREATE INDEX IF NOT EXISTS transactions_by_card ON ${s}.transactions (card_no, occurred_at DESC, id DESC)`);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
