/**
 * The gateway's configuration: one typed object with documented defaults, read once from the
 * environment (and command-line flags), validated with messages that name the bad key.
 */
import { readFileSync } from 'node:fs';
import { DEFAULT_DEADLINES, type DeadlineConfig } from './features/deadline';
import { DEFAULT_OVERLOAD, type OverloadConfig } from './features/overload';

export interface GatewayConfig {
  /** HOST: interface to listen on. Default 127.0.0.1. */
  host: string;
  /** PORT: default 4000; 0 picks a free port. */
  port: number;
  /** HUIMIN_SUPERGRAPH_FILE or --supergraph: the composed supergraph SDL to serve. */
  supergraphFile: string | null;
  /** HUIMIN_SUBGRAPH_URLS: `name=url,name=url` overriding routing URLs in the supergraph. */
  subgraphUrls: Record<string, string>;
  /** HUIMIN_SUBGRAPH_TIMEOUT_MS: per subgraph fetch. Default 5000. */
  subgraphTimeoutMs: number;
  /** HUIMIN_READY_TIMEOUT_MS: per subgraph probe behind GET /ready. Default 1000. */
  readyProbeTimeoutMs: number;
  /** HUIMIN_MAX_BODY_BYTES: largest request body accepted. Default 64 KiB. */
  maxBodyBytes: number;
  /** NODE_ENV=production turns introspection off. */
  production: boolean;
  /** DATABASE_URL: PostgreSQL holding the audit trail; without it, the embedded file store. */
  databaseUrl: string | null;
  /** REDIS_URL: state shared by replicas (rate-limit buckets); without it, per process in memory. */
  redisUrl: string | null;
  /** HUIMIN_REDIS_PREFIX: prefix of every Redis key. Default `huimin:`. */
  redisKeyPrefix: string;
  /**
   * HUIMIN_AUDIT_FILE (embedded store, default var/audit.jsonl), HUIMIN_AUDIT_PG_SCHEMA (default
   * huimin_audit), HUIMIN_AUDIT_COMMIT_DELAY_MS (default 5; 0 off): the longest a record waits
   * for company before its batch is written, while records arrive faster than that (audit/group-commit.ts).
   */
  audit: { file: string; pgSchema: string; commitDelayMs: number };
  /** HUIMIN_MAX_DEPTH (8), HUIMIN_MAX_ALIASES (100), HUIMIN_MAX_TOKENS (5000), HUIMIN_MAX_COST (budget of partners without their own, 10000). */
  limits: { maxDepth: number; maxAliases: number; maxTokens: number; maxCost: number };
  /** HUIMIN_PERSISTED_OPERATIONS_FILE: operations registered per partner; HUIMIN_PERSISTED_ONLY: accept nothing else (default: on in production when the file is set). */
  persistedOperations: { file: string | null; only: boolean };
  /** HUIMIN_PARTNERS_FILE: the partner registry; set, it switches authentication, scopes and masking on. */
  partnersFile: string | null;
  /** HUIMIN_SUBGRAPH_CONTEXT_KEY (32–128 hex): signs the context sent to subgraphs, which refuse requests without it. */
  subgraphContextKey: Buffer | null;
  /**
   * HUIMIN_SUBGRAPH_CA, HUIMIN_SUBGRAPH_CLIENT_CERT, HUIMIN_SUBGRAPH_CLIENT_KEY (PEM files, read at
   * start): call https:// subgraphs trusting only that CA, presenting this client certificate
   * (mutual TLS; the subgraphs accept the gateway by it instead of a signed context).
   */
  subgraphTls: SubgraphTlsIdentity | null;
  /** HUIMIN_TLS_CERT / HUIMIN_TLS_KEY (PEM files): serve HTTPS; HUIMIN_TLS_CA: ask for client certificates from this CA (mutual TLS). */
  tls: { certFile: string; keyFile: string; caFile: string | null } | null;
  /** HUIMIN_DEADLINE_MS_COUNTER (4000), _STANDARD (5000), _ANALYTICS (15000): each request's deadline by the partner's priority class. */
  deadlines: DeadlineConfig;
  /** HUIMIN_MAX_CONCURRENT (64), HUIMIN_MAX_QUEUE (128), HUIMIN_MAX_QUEUE_WAIT_MS (1000): requests served at once, waiting, and the longest wait. */
  overload: OverloadConfig;
  /** HUIMIN_SHUTDOWN_GRACE_MS: on shutdown, how long /ready answers 503 while requests are still taken. Default 5000 in production, 0 otherwise. */
  shutdownGraceMs: number;
  /** HUIMIN_EXECUTOR: `huimin` (default) runs query plans with gateway/src/execution; `apollo` with @apollo/gateway's own executor. */
  executor: 'huimin' | 'apollo';
}

/** The gateway's side of mutual TLS with the subgraphs, as PEM. */
export interface SubgraphTlsIdentity {
  caPem: string;
  certPem: string;
  keyPem: string;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

function integer(env: Record<string, string | undefined>, key: string, fallback: number, min: number, max: number): number {
  const raw = env[key];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${key} must be an integer from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

function subgraphUrls(raw: string | undefined): Record<string, string> {
  const urls: Record<string, string> = {};
  if (!raw) return urls;
  for (const pair of raw.split(',')) {
    const [name, url] = pair.split('=').map((part) => part.trim());
    if (!name || !url || !/^https?:\/\//.test(url)) {
      throw new ConfigError(`HUIMIN_SUBGRAPH_URLS entries must be name=http(s)://..., got "${pair}"`);
    }
    urls[name] = url;
  }
  return urls;
}

/** Builds the config from the environment; every key is optional and documented in the README. */
export function loadGatewayConfig(env: Record<string, string | undefined> = process.env): GatewayConfig {
  return {
    host: env.HOST || '127.0.0.1',
    port: integer(env, 'PORT', 4000, 0, 65535),
    supergraphFile: env.HUIMIN_SUPERGRAPH_FILE || null,
    subgraphUrls: subgraphUrls(env.HUIMIN_SUBGRAPH_URLS),
    subgraphTimeoutMs: integer(env, 'HUIMIN_SUBGRAPH_TIMEOUT_MS', 5000, 1, 600_000),
    readyProbeTimeoutMs: integer(env, 'HUIMIN_READY_TIMEOUT_MS', 1000, 1, 60_000),
    maxBodyBytes: integer(env, 'HUIMIN_MAX_BODY_BYTES', 64 * 1024, 1024, 16 * 1024 * 1024),
    production: env.NODE_ENV === 'production',
    databaseUrl: env.DATABASE_URL || null,
    redisUrl: env.REDIS_URL || null,
    redisKeyPrefix: env.HUIMIN_REDIS_PREFIX || 'huimin:',
    audit: { file: env.HUIMIN_AUDIT_FILE || 'var/audit.jsonl', pgSchema: sqlName(env, 'HUIMIN_AUDIT_PG_SCHEMA', 'huimin_audit'), commitDelayMs: integer(env, 'HUIMIN_AUDIT_COMMIT_DELAY_MS', 5, 0, 100) },
    limits: {
      maxDepth: integer(env, 'HUIMIN_MAX_DEPTH', 8, 1, 100),
      maxAliases: integer(env, 'HUIMIN_MAX_ALIASES', 100, 0, 10_000),
      maxTokens: integer(env, 'HUIMIN_MAX_TOKENS', 5000, 10, 1_000_000),
      maxCost: integer(env, 'HUIMIN_MAX_COST', 10_000, 1, 100_000_000),
    },
    persistedOperations: persistedOperations(env),
    partnersFile: env.HUIMIN_PARTNERS_FILE || null,
    subgraphContextKey: hexKey(env, 'HUIMIN_SUBGRAPH_CONTEXT_KEY'),
    subgraphTls: subgraphTlsIdentity(env),
    tls: tlsFiles(env),
    deadlines: {
      counter: integer(env, 'HUIMIN_DEADLINE_MS_COUNTER', DEFAULT_DEADLINES.counter, 100, 600_000),
      standard: integer(env, 'HUIMIN_DEADLINE_MS_STANDARD', DEFAULT_DEADLINES.standard, 100, 600_000),
      analytics: integer(env, 'HUIMIN_DEADLINE_MS_ANALYTICS', DEFAULT_DEADLINES.analytics, 100, 600_000),
    },
    overload: {
      maxConcurrent: integer(env, 'HUIMIN_MAX_CONCURRENT', DEFAULT_OVERLOAD.maxConcurrent, 1, 100_000),
      maxQueue: integer(env, 'HUIMIN_MAX_QUEUE', DEFAULT_OVERLOAD.maxQueue, 0, 1_000_000),
      maxQueueWaitMs: integer(env, 'HUIMIN_MAX_QUEUE_WAIT_MS', DEFAULT_OVERLOAD.maxQueueWaitMs, 0, 600_000),
    },
    shutdownGraceMs: integer(env, 'HUIMIN_SHUTDOWN_GRACE_MS', env.NODE_ENV === 'production' ? 5000 : 0, 0, 600_000),
    executor: executorChoice(env.HUIMIN_EXECUTOR),
  };
}

function executorChoice(raw: string | undefined): 'huimin' | 'apollo' {
  if (raw === undefined || raw === '' || raw === 'huimin') return 'huimin';
  if (raw === 'apollo') return 'apollo';
  throw new ConfigError(`HUIMIN_EXECUTOR must be huimin or apollo, got "${raw}"`);
}

function hexKey(env: Record<string, string | undefined>, key: string): Buffer | null {
  const raw = env[key];
  if (!raw) return null;
  if (!/^(?:[0-9a-fA-F]{2}){16,64}$/.test(raw)) throw new ConfigError(`${key} must be 32 to 128 hex characters`);
  return Buffer.from(raw, 'hex');
}

function tlsFiles(env: Record<string, string | undefined>): GatewayConfig['tls'] {
  const certFile = env.HUIMIN_TLS_CERT || null;
  const keyFile = env.HUIMIN_TLS_KEY || null;
  const caFile = env.HUIMIN_TLS_CA || null;
  if (!certFile !== !keyFile) throw new ConfigError('HUIMIN_TLS_CERT and HUIMIN_TLS_KEY must be set together');
  if (caFile && !certFile) throw new ConfigError('HUIMIN_TLS_CA (client certificates) needs HUIMIN_TLS_CERT and HUIMIN_TLS_KEY');
  return certFile && keyFile ? { certFile, keyFile, caFile } : null;
}

const SUBGRAPH_TLS_KEYS = ['HUIMIN_SUBGRAPH_CA', 'HUIMIN_SUBGRAPH_CLIENT_CERT', 'HUIMIN_SUBGRAPH_CLIENT_KEY'] as const;

function pemFile(env: Record<string, string | undefined>, key: string): string {
  const file = env[key] as string;
  try {
    return readFileSync(file, 'utf8');
  } catch {
    throw new ConfigError(`${key}: cannot read "${file}"`);
  }
}

function subgraphTlsIdentity(env: Record<string, string | undefined>): SubgraphTlsIdentity | null {
  const set = SUBGRAPH_TLS_KEYS.filter((key) => env[key]);
  if (set.length === 0) return null;
  if (set.length < SUBGRAPH_TLS_KEYS.length) throw new ConfigError(`${SUBGRAPH_TLS_KEYS.join(', ')} must be set together`);
  return { caPem: pemFile(env, 'HUIMIN_SUBGRAPH_CA'), certPem: pemFile(env, 'HUIMIN_SUBGRAPH_CLIENT_CERT'), keyPem: pemFile(env, 'HUIMIN_SUBGRAPH_CLIENT_KEY') };
}

/** A PostgreSQL identifier interpolated into DDL, so only plain lower-case names. */
function sqlName(env: Record<string, string | undefined>, key: string, fallback: string): string {
  const raw = env[key] || fallback;
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(raw)) throw new ConfigError(`${key} must be a lower-case SQL name ([a-z_][a-z0-9_]*), got "${raw}"`);
  return raw;
}

function persistedOperations(env: Record<string, string | undefined>): GatewayConfig['persistedOperations'] {
  const file = env.HUIMIN_PERSISTED_OPERATIONS_FILE || null;
  const raw = env.HUIMIN_PERSISTED_ONLY;
  if (raw !== undefined && raw !== '' && raw !== 'true' && raw !== 'false') throw new ConfigError(`HUIMIN_PERSISTED_ONLY must be true or false, got "${raw}"`);
  const only = raw === 'true' || ((raw === undefined || raw === '') && env.NODE_ENV === 'production' && file !== null);
  if (only && file === null) throw new ConfigError('HUIMIN_PERSISTED_ONLY=true needs HUIMIN_PERSISTED_OPERATIONS_FILE');
  return { file, only };
}
