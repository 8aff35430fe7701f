/**
 * Configuration of the development stack (`npm start`): the sandbox bureaus, the four subgraphs
 * and the gateway in one process, on embedded defaults. Read once from the environment.
 */
import { join } from 'node:path';
import { certsDirFrom } from '@huimin/certs';
import { ConfigError, loadGatewayConfig, type GatewayConfig } from '@huimin/gateway';

export interface StackConfig {
  gateway: GatewayConfig;
  /** POPULATION_FILE: a formatVersion 1 population; default: the generator. */
  populationFile: string | null;
  /** HUIMIN_POPULATION_SIZE / HUIMIN_POPULATION_SEED: the generator's size (default 2000) and seed (default 1). */
  populationSize: number;
  populationSeed: number;
  /** HUIMIN_PSEUDONYM_ID_KEY / HUIMIN_PSEUDONYM_REF_KEY: 32 hex characters each; default: var/pseudonym-keys.json, made on first start. */
  pseudonymIdKey: Buffer | null;
  pseudonymRefKey: Buffer | null;
  /** HUIMIN_UPSTREAM_TIMEOUT_MS: every bureau call's timeout. Default 3000. */
  upstreamTimeoutMs: number;
  /** HUIMIN_CERTS_DIR: the development CA, TLS certificates and bureau keys. Default var/certs, made on first start. */
  certsDir: string;
  /** HUIMIN_KEYS_<BUREAU>_<SIDE>: a bureau's key file as JSON, in place of the file in certsDir. */
  keyFileEnv: Record<string, string>;
  /** MQTT_URL: the card-status feed's broker (mqtt:// or mqtts://); default: an embedded aedes broker. */
  mqttUrl: string | null;
  /** HUIMIN_CARD_SNAPSHOT_INTERVAL_MS: how often the card system publishes full snapshots. Default 900000 (15 minutes). */
  cardSnapshotIntervalMs: number;
  /** HUIMIN_STALE_MAX_AGE_MS: the oldest remembered balance served (stale) while its bureau is unavailable. Default 86400000 (24 h). */
  staleMaxAgeMs: number;
  /**
   * The transit top-up ledger and transaction records: DATABASE_URL (PostgreSQL, schema
   * HUIMIN_TRANSIT_PG_SCHEMA, default huimin_transit), else journal files in HUIMIN_TRANSIT_DATA_DIR
   * (default var/transit).
   */
  transitStore: { databaseUrl: string | null; pgSchema: string; dir: string };
}

function hexKey(env: Record<string, string | undefined>, key: string): Buffer | null {
  const raw = env[key];
  if (!raw) return null;
  if (!/^[0-9a-fA-F]{32,128}$/.test(raw)) throw new ConfigError(`${key} must be 32 to 128 hex characters`);
  return Buffer.from(raw, 'hex');
}

function positiveInteger(env: Record<string, string | undefined>, key: string, fallback: number): number {
  const raw = env[key];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new ConfigError(`${key} must be a positive integer, got "${raw}"`);
  return value;
}

function sqlName(env: Record<string, string | undefined>, key: string, fallback: string): string {
  const raw = env[key] || fallback;
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(raw)) throw new ConfigError(`${key} must be a lower-case SQL name (a-z, 0-9, _), got "${raw}"`);
  return raw;
}

function mqttUrl(env: Record<string, string | undefined>, key: string): string | null {
  const raw = env[key];
  if (!raw) return null;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`${key} must be an mqtt:// or mqtts:// URL`);
  }
  if (url.protocol !== 'mqtt:' && url.protocol !== 'mqtts:') throw new ConfigError(`${key} must be an mqtt:// or mqtts:// URL`);
  return raw;
}

export function loadStackConfig(env: Record<string, string | undefined> = process.env): StackConfig {
  return {
    gateway: loadGatewayConfig(env),
    populationFile: env.POPULATION_FILE || null,
    populationSize: positiveInteger(env, 'HUIMIN_POPULATION_SIZE', 2000),
    populationSeed: positiveInteger(env, 'HUIMIN_POPULATION_SEED', 1),
    pseudonymIdKey: hexKey(env, 'HUIMIN_PSEUDONYM_ID_KEY'),
    pseudonymRefKey: hexKey(env, 'HUIMIN_PSEUDONYM_REF_KEY'),
    upstreamTimeoutMs: positiveInteger(env, 'HUIMIN_UPSTREAM_TIMEOUT_MS', 3000),
    certsDir: certsDirFrom(env),
    keyFileEnv: Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[0].startsWith('HUIMIN_KEYS_') && !!entry[1])),
    mqttUrl: mqttUrl(env, 'MQTT_URL'),
    cardSnapshotIntervalMs: positiveInteger(env, 'HUIMIN_CARD_SNAPSHOT_INTERVAL_MS', 900_000),
    staleMaxAgeMs: positiveInteger(env, 'HUIMIN_STALE_MAX_AGE_MS', 86_400_000),
    transitStore: {
      databaseUrl: env.DATABASE_URL || null,
      pgSchema: sqlName(env, 'HUIMIN_TRANSIT_PG_SCHEMA', 'huimin_transit'),
      dir: env.HUIMIN_TRANSIT_DATA_DIR || join(__dirname, '..', '..', 'var', 'transit'),
    },
  };
}
