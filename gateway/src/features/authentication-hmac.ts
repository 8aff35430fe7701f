/**
 * HMAC-SM3 request signatures exactly as api.md "Partner authentication" defines them; both the
 * signing side (partners, the sign-request CLI, tests) and the verifying side, so they cannot drift.
 *
 * PATH is the request target as sent (path and query string): a GET request carries its
 * operation in the query string, which must be covered by the signature too.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const PARTNER_HEADERS = {
  partner: 'x-huimin-partner',
  timestamp: 'x-huimin-timestamp',
  nonce: 'x-huimin-nonce',
  purpose: 'x-huimin-purpose',
  signature: 'x-huimin-signature',
} as const;

/** ±300 s around the gateway's clock. */
export const SIGNATURE_WINDOW_MS = 300_000;

const NONCE = /^[0-9a-f]{32}$/;
const TIMESTAMP = /^\d{1,16}$/;

/** METHOD \n PATH \n timestamp \n nonce \n hex(SM3(body)) */
export function canonicalRequest(method: string, path: string, timestamp: string, nonce: string, body: Buffer | string): string {
  const bodyHash = createHash('sm3').update(body).digest('hex');
  return `${method.toUpperCase()}\n${path}\n${timestamp}\n${nonce}\n${bodyHash}`;
}

export function hmacSm3Hex(secret: Buffer | string, data: string): string {
  return createHmac('sm3', secret).update(data, 'utf8').digest('hex');
}

export interface SignRequestInput {
  partner: string;
  secret: Buffer | string;
  purpose: string;
  method: string;
  /** Path and query string, e.g. /graphql */
  path: string;
  body: Buffer | string;
  /** Defaults: now and 16 random bytes. */
  timestamp?: number;
  nonce?: string;
}

/** The five X-Huimin-* headers for one request. */
export function signPartnerRequest(input: SignRequestInput): Record<string, string> {
  const timestamp = String(input.timestamp ?? Date.now());
  const nonce = input.nonce ?? randomBytes(16).toString('hex');
  return {
    [PARTNER_HEADERS.partner]: input.partner,
    [PARTNER_HEADERS.timestamp]: timestamp,
    [PARTNER_HEADERS.nonce]: nonce,
    [PARTNER_HEADERS.purpose]: input.purpose,
    [PARTNER_HEADERS.signature]: hmacSm3Hex(input.secret, canonicalRequest(input.method, input.path, timestamp, nonce, input.body)),
  };
}

export type SignatureCheck =
  | { ok: true; nonce: string; timestamp: number }
  | { ok: false; reason: 'malformed' | 'stale' | 'bad-signature' };

/** Checks format, freshness and the signature; the nonce's novelty is the caller's (shared store). */
export function checkSignature(input: {
  secret: Buffer;
  method: string;
  path: string;
  body: Buffer;
  timestamp: string | undefined;
  nonce: string | undefined;
  signature: string | undefined;
  now: number;
}): SignatureCheck {
  const { timestamp, signature } = input;
  const nonce = input.nonce?.toLowerCase();
  if (!timestamp || !TIMESTAMP.test(timestamp) || !nonce || !NONCE.test(nonce) || !signature || !/^[0-9a-fA-F]{64}$/.test(signature)) {
    return { ok: false, reason: 'malformed' };
  }
  const at = Number(timestamp);
  if (Math.abs(input.now - at) > SIGNATURE_WINDOW_MS) return { ok: false, reason: 'stale' };
  const expected = Buffer.from(hmacSm3Hex(input.secret, canonicalRequest(input.method, input.path, timestamp, input.nonce ?? '', input.body)), 'hex');
  if (!timingSafeEqual(expected, Buffer.from(signature, 'hex'))) return { ok: false, reason: 'bad-signature' };
  return { ok: true, nonce, timestamp: at };
}
