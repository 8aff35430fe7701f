/** Envelope and payload parsing shared by the bureau protocols: everything must be a JSON object. */
import { ProtocolError } from '../errors';

// fatal: bytes that are not UTF-8 are a broken message, not text with replacement characters.
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Parses UTF-8 JSON that must be an object; anything else is MALFORMED. */
export function parseJsonObject(input: string | Uint8Array, what: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(typeof input === 'string' ? input : utf8.decode(input));
  } catch {
    throw new ProtocolError('MALFORMED', `${what} is not valid JSON`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ProtocolError('MALFORMED', `${what} is not a JSON object`);
  }
  return parsed as Record<string, unknown>;
}

export function requireString(object: Record<string, unknown>, field: string, pattern?: RegExp): string {
  const value = object[field];
  if (typeof value !== 'string' || value.length === 0 || (pattern !== undefined && !pattern.test(value))) {
    throw new ProtocolError('MALFORMED', `envelope field ${field} is missing or malformed`);
  }
  return value;
}

export function requireSafeInteger(object: Record<string, unknown>, field: string): number {
  const value = object[field];
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    throw new ProtocolError('MALFORMED', `envelope field ${field} must be an integer`);
  }
  return value;
}
