/**
 * Contender (e)'s access layer as the load generator and the same-data check see it: the bench
 * partner from bench/partners.bench.json (every scope; rate limit and cost budget far above what
 * the bench can send, so nothing is throttled), its HMAC-SM3 signature made afresh for every
 * request, and the identity masking that makes its answers comparable with the others'.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { maskIdNumber, maskName, maskPhone, parsePartners, signPartnerRequest, type PartnerRecord } from '@huimin/gateway';

/** bench/partners.bench.json, from src/gateway (jest) and dist/gateway (node) alike. */
export const BENCH_PARTNERS_FILE = join(__dirname, '..', '..', 'partners.bench.json');

/** Headers for one request: a new timestamp and nonce each call (the gateway refuses a replayed nonce). */
export type RequestSigner = (path: string, body: string) => Record<string, string>;

/** The bench partner, validated exactly as the gateway validates its partners file. */
export function loadBenchPartner(file: string = BENCH_PARTNERS_FILE): PartnerRecord & { hmacSecret: Buffer } {
  const registry = parsePartners(JSON.parse(readFileSync(file, 'utf8')) as unknown, { production: false, env: {}, source: file });
  const [partner, ...others] = registry.all();
  if (!partner || others.length > 0) throw new Error(`${file} must hold exactly one partner`);
  const { hmacSecret } = partner;
  if (!hmacSecret) throw new Error(`${file}: the bench partner must sign with HMAC-SM3`);
  return { ...partner, hmacSecret };
}

/** Signs as the bench partner, declaring its first registered purpose. */
export function benchPartnerSigner(file: string = BENCH_PARTNERS_FILE): RequestSigner {
  const partner = loadBenchPartner(file);
  const [purpose] = partner.purposes;
  if (!purpose) throw new Error(`${file}: the bench partner has no purpose`);
  return (path, body) => signPartnerRequest({ partner: partner.id, secret: partner.hmacSecret, purpose, method: 'POST', path, body });
}

const IDENTITY_MASKS: Record<string, (value: string) => string> = { name: maskName, idNumber: maskIdNumber, phone: maskPhone };

/**
 * A copy of `data` with every `identity { name idNumber phone }` masked by the gateway's own
 * masks. The bench partner holds identity:full, so single-citizen answers come back unmasked,
 * while the contenders without our access layer always answer masked. The masks are idempotent,
 * so masked values stay as they are and unmasked ones must mask to exactly what the others say.
 */
export function maskIdentities(data: unknown): unknown {
  if (Array.isArray(data)) return data.map(maskIdentities);
  if (typeof data !== 'object' || data === null) return data;
  const copy: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(data)) {
    copy[key] = key === 'identity' && typeof value === 'object' && value !== null && !Array.isArray(value) ? maskedIdentity(value) : maskIdentities(value);
  }
  return copy;
}

function maskedIdentity(identity: object): Record<string, unknown> {
  const copy: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(identity)) {
    const mask = IDENTITY_MASKS[key];
    copy[key] = mask && typeof value === 'string' ? mask(value) : value;
  }
  return copy;
}
