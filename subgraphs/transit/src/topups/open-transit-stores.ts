/**
 * The transit subgraph's own data — the top-up ledger with its outbox, and the pushed transaction
 * records — in PostgreSQL when a database URL is given, else in the embedded store (memory, with
 * journal files under `dir` when one is given; with neither, nothing outlives the process).
 */
import { join } from 'node:path';
import { Pool } from 'pg';
import { MemoryTransactionStore } from '../transactions/memory-transaction-store';
import { PgTransactionStore } from '../transactions/pg-transaction-store';
import type { TransactionStore } from '../transactions/transaction-types';
import { MemoryTopUpLedger } from './memory-topup-ledger';
import { createTransitTables, sqlSchemaName } from './pg-schema';
import { PgTopUpLedger } from './pg-topup-ledger';
import type { TopUpLedger } from './topup-types';

export interface TransitStoreConfig {
  /** PostgreSQL (DATABASE_URL); null for the embedded store. */
  databaseUrl: string | null;
  /** The PostgreSQL schema holding the tables. Default `huimin_transit`. */
  pgSchema?: string;
  /** The embedded store's journal folder (e.g. var/transit); null keeps everything in memory only. */
  dir?: string | null;
  /** Pool errors on idle connections, which would otherwise crash the process. */
  onPoolError?: (error: Error) => void;
}

export interface TransitStores {
  topUps: TopUpLedger;
  transactions: TransactionStore;
  /** Where the data lives, for logs: never the URL (it may carry a password). */
  kind: 'postgresql' | 'journal' | 'memory';
  close(): Promise<void>;
}

export const DEFAULT_TRANSIT_PG_SCHEMA = 'huimin_transit';

export async function openTransitStores(config: TransitStoreConfig): Promise<TransitStores> {
  if (config.databaseUrl) {
    const schema = sqlSchemaName(config.pgSchema ?? DEFAULT_TRANSIT_PG_SCHEMA);
    const pool = new Pool({ connectionString: config.databaseUrl, max: 10 });
    pool.on('error', (error) => config.onPoolError?.(error));
    try {
      await createTransitTables(pool, schema);
    } catch (error) {
      await pool.end().catch(() => undefined);
      throw error;
    }
    return {
      topUps: new PgTopUpLedger(pool, schema),
      transactions: new PgTransactionStore(pool, schema),
      kind: 'postgresql',
      close: () => pool.end(),
    };
  }
  const dir = config.dir ?? null;
  const topUps = new MemoryTopUpLedger(dir === null ? undefined : join(dir, 'topups.jsonl'));
  const transactions = new MemoryTransactionStore(dir === null ? undefined : join(dir, 'transactions.jsonl'));
  return {
    topUps,
    transactions,
    kind: dir === null ? 'memory' : 'journal',
    close: async () => {
      topUps.close();
      transactions.close();
    },
  };
}
