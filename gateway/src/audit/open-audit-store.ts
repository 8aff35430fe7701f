/** The audit store the config asks for: PostgreSQL when DATABASE_URL is set, the embedded file otherwise. */
import { resolve } from 'node:path';
import type { GatewayConfig } from '../config';
import { silentLogger, type Logger } from '../logging/logger';
import type { AuditReader, AuditStore } from './audit-store';
import { fileAuditReader, openFileAuditStore } from './file-audit-store';
import { openPgAuditStore } from './pg-audit-store';

export type AuditStoreConfig = Pick<GatewayConfig, 'databaseUrl' | 'audit'>;

export async function openAuditStore(config: AuditStoreConfig, log: Logger = silentLogger): Promise<AuditStore> {
  if (config.databaseUrl) {
    return openPgAuditStore({
      connectionString: config.databaseUrl,
      schema: config.audit.pgSchema,
      commitDelayMs: config.audit.commitDelayMs,
      onPoolError: (error) => log.error('audit database connection failed', { error: error.name }),
    });
  }
  return openFileAuditStore(resolve(config.audit.file), { commitDelayMs: config.audit.commitDelayMs });
}

/**
 * A reader of the same trail (the audit subgraph's accessLog, verify). It never appends; for the
 * file store it does not even open the file for writing.
 */
export async function openAuditReader(config: AuditStoreConfig, options: { createTables?: boolean; log?: Logger } = {}): Promise<AuditReader> {
  if (config.databaseUrl) {
    const log = options.log ?? silentLogger;
    return openPgAuditStore({
      connectionString: config.databaseUrl,
      schema: config.audit.pgSchema,
      createTables: options.createTables,
      onPoolError: (error) => log.error('audit database connection failed', { error: error.name }),
    });
  }
  return fileAuditReader(resolve(config.audit.file));
}
