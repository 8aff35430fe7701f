/**
 * Field-level parsing shared by the civil-affairs and transit envelopes: header lookup, strict
 * base64 and decimal timestamps. Every failure is MALFORMED so the specific crypto codes are kept
 * for messages that are well formed but wrong.
 */
import { ProtocolError } from '../errors';

/**
 * Incoming headers as node gives them (lower-case names) or as a fetch gives them: node's global
 * fetch or undici's, whose Headers class is another one (so no instanceof check).
 */
export type HeaderSource = { get(name: string): string | null } | Readonly<Record<string, string | undefined>>;

function isHeadersObject(headers: HeaderSource): headers is { get(name: string): string | null } {
  return typeof headers.get === 'function';
}

export function headerOf(headers: HeaderSource, name: string): string | undefined {
  const lower = name.toLowerCase();
  if (isHeadersObject(headers)) return headers.get(lower) ?? undefined;
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === lower) return value;
  return undefined;
}

export function requireHeader(headers: HeaderSource, name: string): string {
  const value = headerOf(headers, name);
  if (value === undefined || value === '') throw new ProtocolError('MALFORMED', `missing ${name} header`);
  return value;
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Node's base64 decoder silently skips junk; a signed field must decode from exactly the text
 * that was signed, so anything but canonical padded base64 is refused.
 */
export function decodeBase64(value: unknown, field: string, expectedBytes?: number): Buffer {
  if (typeof value !== 'string' || !BASE64.test(value)) throw new ProtocolError('MALFORMED', `${field} must be base64`);
  const bytes = Buffer.from(value, 'base64');
  if (expectedBytes !== undefined && bytes.length !== expectedBytes) {
    throw new ProtocolError('MALFORMED', `${field} must be ${expectedBytes} bytes`);
  }
  return bytes;
}

const DECIMAL_MS = /^\d{1,16}$/;

/** Unix milliseconds as decimal text, exactly as sent (it is part of the signed string). */
export function parseTimestampMs(value: string): number {
  if (!DECIMAL_MS.test(value)) throw new ProtocolError('MALFORMED', 'timestamp must be Unix milliseconds');
  return Number(value);
}

/** The decrypted body as JSON; a valid envelope around something that is not JSON is MALFORMED. */
export function parseJsonPayload(plaintext: Buffer | string): unknown {
  try {
    return JSON.parse(plaintext.toString()) as unknown;
  } catch {
    throw new ProtocolError('MALFORMED', 'payload is not JSON');
  }
}

/** Looks a key up without reaching into Object.prototype (an app called "constructor"). */
export function ownEntry<T>(record: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

/** A current key and, during a rotation, the previous one; receivers accept both. */
export interface KeyRing<T> {
  current: { keyId: string; key: T };
  previous?: { keyId: string; key: T };
}

export function keyFromRing<T>(ring: KeyRing<T>, keyId: string): T | undefined {
  if (ring.current.keyId === keyId) return ring.current.key;
  if (ring.previous?.keyId === keyId) return ring.previous.key;
  return undefined;
}
