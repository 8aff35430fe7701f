/**
 * The audit trail in PostgreSQL. The chain head is a single row updated in the same transaction
 * as the records it covers and read with SELECT … FOR UPDATE, so gateways sharing the database
 * take turns extending one chain.
 */
import { Pool, type PoolClient } from 'pg';
import { chainEntries, GENESIS_HASH, type AuditEntry, type AuditOutcome, type AuditRecord, type ChainHead } from './audit-record';
import type { AccessPage, AuditStore } from './audit-store';
import { GroupCommit } from './group-commit';
import type { StoredRecord } from './stored-record';

export interface PgAuditStoreOptions {
  connectionString: string;
  /** Schema holding the tables; validated as a plain SQL name by the config. */
  schema: string;
  /** False for readers that must not change the database (verify). Default true. */
  createTables?: boolean;
  /** Called with pool errors on idle connections (which would otherwise crash the process). */
  onPoolError?: (error: Error) => void;
  /** See GroupCommitOptions. Default 0. */
  commitDelayMs?: number;
}

const COLUMNS = 'seq, prev_hash, hash, request_id, partner_id, purpose, operation_name, operation_hash, citizen_ids, fields, outcome, error_codes, latency_ms, at';
const PARAMS_PER_ROW = 14;
/** Rows per INSERT, well under PostgreSQL's 65,535 bind parameters. */
const MAX_BATCH = 1000;
const PAGE = 1000;

interface RecordRow {
  seq: string;
  prev_hash: string;
  hash: string;
  request_id: string;
  partner_id: string;
  purpose: string | null;
  operation_name: string | null;
  operation_hash: string;
  citizen_ids: string[];
  fields: string[];
  outcome: string;
  error_codes: string[];
  latency_ms: number;
  at: Date;
}

function recordOf(row: RecordRow): AuditRecord {
  return {
    seq: Number(row.seq),
    prevHash: row.prev_hash,
    hash: row.hash,
    requestId: row.request_id,
    partnerId: row.partner_id,
    purpose: row.purpose,
    operationName: row.operation_name,
    operationHash: row.operation_hash,
    citizenIds: row.citizen_ids,
    fields: row.fields,
    // Not checked here: verify recomputes the hash, so a tampered outcome shows up there.
    outcome: row.outcome as AuditOutcome,
    errorCodes: row.error_codes,
    latencyMs: row.latency_ms,
    // timestamptz(3) keeps milliseconds, so this is the string that was hashed.
    at: row.at.toISOString(),
  };
}

function rowValues(record: AuditRecord): unknown[] {
  return [
    record.seq, record.prevHash, record.hash, record.requestId, record.partnerId, record.purpose, record.operationName,
    record.operationHash, record.citizenIds, record.fields, record.outcome, record.errorCodes, record.latencyMs, record.at,
  ];
}

async function createTables(pool: Pool, schema: string): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    // Two gateways starting together would race on CREATE … IF NOT EXISTS without this.
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`huimin-audit-init:${schema}`]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    await client.query(`CREATE TABLE IF NOT EXISTS ${schema}.audit_records (
      seq bigint PRIMARY KEY, prev_hash text NOT NULL, hash text NOT NULL,
      request_id text NOT NULL, partner_id text NOT NULL, purpose text, operation_name text, operation_hash text NOT NULL,
      citizen_ids text[] NOT NULL, fields text[] NOT NULL, outcome text NOT NULL, error_codes text[] NOT NULL,
      latency_ms integer NOT NULL, at timestamptz(3) NOT NULL)`);
    await client.query(`CREATE INDEX IF NOT EXISTS audit_records_citizen_ids ON ${schema}.audit_records USING gin (citizen_ids)`);
    await client.query(`CREATE TABLE IF NOT EXISTS ${schema}.audit_chain_head (
      singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton), seq bigint NOT NULL, hash text NOT NULL)`);
    await client.query(`INSERT INTO ${schema}.audit_chain_head (singleton, seq, hash) VALUES (true, 0, $1) ON CONFLICT DO NOTHING`, [GENESIS_HASH]);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

export async function openPgAuditStore(options: PgAuditStoreOptions): Promise<AuditStore> {
  const { schema } = options;
  const pool = new Pool({
    connectionString: options.connectionString,
    max: 4,
    // Fail fast: an operation waits for its audit record, so a dead database must become a
    // refusal within seconds, not a hung request.
    connectionTimeoutMillis: 2000,
    statement_timeout: 5000,
    query_timeout: 6000,
    idleTimeoutMillis: 30_000,
  });
  pool.on('error', (error) => options.onPoolError?.(error));
  try {
    if (options.createTables !== false) await createTables(pool, schema);
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw error;
  }

  const writeBatch = async (entries: AuditEntry[]): Promise<AuditRecord[]> => {
    let client: PoolClient | undefined;
    try {
      client = await pool.connect();
      await client.query('BEGIN');
      const head = await client.query<{ seq: string; hash: string }>(`SELECT seq, hash FROM ${schema}.audit_chain_head WHERE singleton FOR UPDATE`);
      const row = head.rows[0];
      if (!row) throw new Error('audit chain head row is missing');
      const records = chainEntries({ seq: Number(row.seq), hash: row.hash }, entries);
      const placeholders = records.map((_, r) => `(${Array.from({ length: PARAMS_PER_ROW }, (_unused, c) => `$${r * PARAMS_PER_ROW + c + 1}`).join(', ')})`);
      await client.query(`INSERT INTO ${schema}.audit_records (${COLUMNS}) VALUES ${placeholders.join(', ')}`, records.flatMap(rowValues));
      const last = records[records.length - 1]!;
      await client.query(`UPDATE ${schema}.audit_chain_head SET seq = $1, hash = $2 WHERE singleton`, [last.seq, last.hash]);
      await client.query('COMMIT');
      client.release();
      return records;
    } catch (error) {
      if (client) {
        await client.query('ROLLBACK').catch(() => undefined);
        // Destroy rather than reuse: the connection may be the thing that failed.
        client.release(true);
      }
      throw error;
    }
  };
  const commits = new GroupCommit<AuditEntry, AuditRecord>(writeBatch, { maxBatch: MAX_BATCH, commitDelayMs: options.commitDelayMs ?? 0 });

  return {
    kind: 'postgres',
    append: (entry) => commits.submit(entry),
    async accessesOf(citizenId, page): Promise<AccessPage> {
      const result = await pool.query<RecordRow>(
        `SELECT ${COLUMNS} FROM ${schema}.audit_records
         WHERE citizen_ids @> ARRAY[$1]::text[] AND ($2::bigint IS NULL OR seq < $2)
         ORDER BY seq DESC LIMIT $3`,
        [citizenId, page.beforeSeq, page.first + 1],
      );
      const records = result.rows.map(recordOf);
      return { records: records.slice(0, page.first), hasMore: records.length > page.first };
    },
    async *records(): AsyncIterable<StoredRecord> {
      let after = 0;
      for (;;) {
        const result = await pool.query<RecordRow>(`SELECT ${COLUMNS} FROM ${schema}.audit_records WHERE seq > $1 ORDER BY seq LIMIT $2`, [after, PAGE]);
        for (const row of result.rows) yield recordOf(row);
        const last = result.rows[result.rows.length - 1];
        if (!last || result.rows.length < PAGE) return;
        after = Number(last.seq);
      }
    },
    async head(): Promise<ChainHead> {
      const result = await pool.query<{ seq: string; hash: string }>(`SELECT seq, hash FROM ${schema}.audit_chain_head WHERE singleton`);
      const row = result.rows[0];
      return row ? { seq: Number(row.seq), hash: row.hash } : { seq: 0, hash: GENESIS_HASH };
    },
    async close() {
      await commits.idle();
      await pool.end();
    },
  };
}
