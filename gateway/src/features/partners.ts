/**
 * The partner registry, read once at start from HUIMIN_PARTNERS_FILE: who may call, how they
 * prove it, which scopes and purposes they hold, and the limits other features enforce.
 *
 * Secrets are never written into the file itself outside development: an HMAC secret is a
 * reference ({"env": "NAME"} or {"file": "/run/secrets/x"}; {"value": "..."} only in a file marked
 * `"development": true`, which is refused when NODE_ENV=production), and a bearer key is stored as
 * its SM3 hash. HMAC needs the secret itself, so it cannot be stored hashed.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../config';
import type { PriorityClass, Scope } from './partner-context';

/** The repository's development partners (README "Partners and authentication"). */
export const DEV_PARTNERS_FILE = join(__dirname, '..', '..', 'partners.dev.json');

// A Record so that adding a scope to the union does not compile until it is listed here.
const SCOPE_NAMES: Record<Scope, true> = {
  'identity:read': true,
  'identity:full': true,
  'eligibility:read': true,
  'balance:read': true,
  'medical:read': true,
  'subsidy:read': true,
  'transit:read': true,
  'transit:topup': true,
  'analytics:read': true,
  'audit:read': true,
};
export const ALL_SCOPES = Object.keys(SCOPE_NAMES) as Scope[];

const PRIORITY_CLASSES: Record<PriorityClass, true> = { counter: true, standard: true, analytics: true };

export function isScope(value: unknown): value is Scope {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(SCOPE_NAMES, value);
}

export interface PartnerRecord {
  id: string;
  /** Null: the partner may not sign with HMAC-SM3. */
  hmacSecret: Buffer | null;
  /** May authenticate with a client certificate whose subject CN is the partner id. */
  mtls: boolean;
  /** SM3 of the bearer key, hex; null: no bearer key. */
  bearerKeySm3: string | null;
  scopes: ReadonlySet<Scope>;
  purposes: ReadonlySet<string>;
  priorityClass: PriorityClass;
  rateLimit: { perSecond: number; burst: number };
  costBudget: number;
}

export interface PartnerRegistry {
  byId(id: string): PartnerRecord | undefined;
  /** The partner whose bearer key hashes to this SM3 (hex). */
  byBearerKeySm3(hash: string): PartnerRecord | undefined;
  all(): readonly PartnerRecord[];
}

export interface PartnerLoadOptions {
  production: boolean;
  /** Where {"env": …} secret references are looked up. */
  env: Record<string, string | undefined>;
  /** Named in error messages. */
  source?: string;
}

const PARTNER_ID = /^[a-z0-9][a-z0-9-]{1,63}$/;
const PURPOSE = /^[A-Z][A-Z0-9_]{0,63}$/;

/** The SM3 hash (hex) a bearer key is stored as. */
export function bearerKeyHash(key: string): string {
  return createHash('sm3').update(key, 'utf8').digest('hex');
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function secretOf(where: string, ref: unknown, development: boolean, options: PartnerLoadOptions): Buffer {
  if (!isObject(ref)) throw new ConfigError(`${where} must be {"env": NAME}, {"file": PATH} or (development only) {"value": SECRET}`);
  let secret: string | undefined;
  if (typeof ref.env === 'string') {
    secret = options.env[ref.env];
    if (!secret) throw new ConfigError(`${where} names environment variable ${ref.env}, which is not set`);
  } else if (typeof ref.file === 'string') {
    try {
      secret = readFileSync(ref.file, 'utf8').trim();
    } catch {
      throw new ConfigError(`${where} names file ${ref.file}, which cannot be read`);
    }
  } else if (typeof ref.value === 'string') {
    if (!development) throw new ConfigError(`${where}: literal secret values are allowed only in a development partners file`);
    secret = ref.value;
  }
  if (!secret || secret.length < 16) throw new ConfigError(`${where} must resolve to a secret of at least 16 characters`);
  return Buffer.from(secret, 'utf8');
}

function positive(where: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) throw new ConfigError(`${where} must be a positive number`);
  return value;
}

function stringList(where: string, value: unknown): string[] {
  if (!Array.isArray(value) || !value.every((item): item is string => typeof item === 'string')) throw new ConfigError(`${where} must be a list of strings`);
  return value;
}

function parsePartner(raw: unknown, index: number, development: boolean, options: PartnerLoadOptions): PartnerRecord {
  if (!isObject(raw)) throw new ConfigError(`partners[${index}] must be an object`);
  const id = raw.id;
  if (typeof id !== 'string' || !PARTNER_ID.test(id)) throw new ConfigError(`partners[${index}].id must be lower-case letters, digits and dashes`);
  const where = `partner ${id}`;
  const auth = raw.auth;
  if (!isObject(auth)) throw new ConfigError(`${where}: auth must be an object`);
  const hmacSecret = auth.hmacSecret === undefined ? null : secretOf(`${where}: auth.hmacSecret`, auth.hmacSecret, development, options);
  const mtls = auth.mtls === true;
  let bearerKeySm3: string | null = null;
  if (auth.bearerKeySm3 !== undefined) {
    if (typeof auth.bearerKeySm3 !== 'string' || !/^[0-9a-f]{64}$/.test(auth.bearerKeySm3)) throw new ConfigError(`${where}: auth.bearerKeySm3 must be 64 lower-case hex characters`);
    bearerKeySm3 = auth.bearerKeySm3;
  }
  if (!hmacSecret && !mtls && !bearerKeySm3) throw new ConfigError(`${where}: auth must allow at least one of hmacSecret, mtls, bearerKeySm3`);

  const scopes = stringList(`${where}: scopes`, raw.scopes);
  const unknown = scopes.filter((scope) => !isScope(scope));
  if (unknown.length > 0) throw new ConfigError(`${where}: unknown scopes ${unknown.join(', ')}`);
  const purposes = stringList(`${where}: purposes`, raw.purposes);
  if (purposes.length === 0 || !purposes.every((p) => PURPOSE.test(p))) throw new ConfigError(`${where}: purposes must be a non-empty list of UPPER_SNAKE names`);
  const priorityClass = raw.priorityClass;
  if (typeof priorityClass !== 'string' || !(priorityClass in PRIORITY_CLASSES)) throw new ConfigError(`${where}: priorityClass must be one of ${Object.keys(PRIORITY_CLASSES).join(', ')}`);
  const rateLimit = raw.rateLimit;
  if (!isObject(rateLimit)) throw new ConfigError(`${where}: rateLimit must be {"perSecond": n, "burst": n}`);
  return {
    id,
    hmacSecret,
    mtls,
    bearerKeySm3,
    scopes: new Set(scopes.filter(isScope)),
    purposes: new Set(purposes),
    priorityClass: priorityClass as PriorityClass,
    rateLimit: { perSecond: positive(`${where}: rateLimit.perSecond`, rateLimit.perSecond), burst: positive(`${where}: rateLimit.burst`, rateLimit.burst) },
    costBudget: positive(`${where}: costBudget`, raw.costBudget),
  };
}

/** Validates a parsed partners file; every message names the partner and key at fault. */
export function parsePartners(json: unknown, options: PartnerLoadOptions): PartnerRegistry {
  const source = options.source ?? 'partners file';
  if (!isObject(json) || json.formatVersion !== 1 || !Array.isArray(json.partners)) {
    throw new ConfigError(`${source} must be {"formatVersion": 1, "partners": [...]}`);
  }
  const development = json.development === true;
  if (development && options.production) {
    throw new ConfigError(`${source} is a development partners file and is refused when NODE_ENV=production`);
  }
  const partners = json.partners.map((raw, index) => parsePartner(raw, index, development, options));
  const byId = new Map<string, PartnerRecord>();
  const byBearer = new Map<string, PartnerRecord>();
  for (const partner of partners) {
    if (byId.has(partner.id)) throw new ConfigError(`${source}: partner ${partner.id} is listed twice`);
    byId.set(partner.id, partner);
    if (partner.bearerKeySm3) {
      if (byBearer.has(partner.bearerKeySm3)) throw new ConfigError(`${source}: partner ${partner.id} shares a bearer key with another partner`);
      byBearer.set(partner.bearerKeySm3, partner);
    }
  }
  return {
    byId: (id) => byId.get(id),
    byBearerKeySm3: (hash) => byBearer.get(hash),
    all: () => partners,
  };
}

/** Reads and validates HUIMIN_PARTNERS_FILE. */
export function loadPartnersFile(file: string, options: Omit<PartnerLoadOptions, 'source'>): PartnerRegistry {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new ConfigError(`HUIMIN_PARTNERS_FILE ${file} cannot be read`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ConfigError(`HUIMIN_PARTNERS_FILE ${file} is not valid JSON`);
  }
  return parsePartners(json, { ...options, source: `HUIMIN_PARTNERS_FILE ${file}` });
}
