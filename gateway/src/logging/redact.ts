/**
 * What must never reach a log line: resident ID numbers, names, phone numbers, secrets,
 * signatures and credentials. Keys that name such things lose their value whole; every other
 * string is scrubbed of the patterns, because personal data also hides in messages and URLs.
 */

export const REDACTED = '[REDACTED]';

// Compared after lower-casing and dropping '-' and '_' (so x-huimin-signature, id_number match).
const SENSITIVE_KEYS = new Set([
  'name', 'fullname', 'realname', 'citizenname', 'idnumber', 'idno', 'idcard', 'residentid',
  'phone', 'mobile', 'phonenumber', 'tel', 'authorization', 'proxyauthorization', 'cookie', 'setcookie',
  'password', 'secret', 'signature', 'token', 'apikey', 'privatekey', 'bankaccount',
]);
const SENSITIVE_SUFFIXES = ['secret', 'signature', 'password', 'token', 'privatekey', 'apikey', 'idnumber', 'phone'];

// An 18-character resident ID (17 digits and a digit or X), not part of a longer run of digits.
const ID_NUMBER = /(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])/g;
// A mainland mobile number: 11 digits starting 13–19, optionally +86 / 86 in front. Not inside a
// longer token, so hashes and timestamps are left alone.
const MOBILE = /(?<![0-9A-Za-z])(?:\+?86[- ]?)?1[3-9]\d{9}(?![0-9A-Za-z])/g;
// Credentials in free text: "Bearer …", "Basic …", signature=… in query strings.
const BEARER = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi;
// Names cannot be told from other words by shape, so any run of Chinese characters goes: the
// gateway's own messages are English, and a masked name (张*三) is still a name.
const HAN_TEXT = /[\u3400-\u9fff\uf900-\ufaff][\u3400-\u9fff\uf900-\ufaff*·•]*/g;
const SIGNATURE_PARAM = /\b(signature|sig|secret|token|password)=([^&\s]+)/gi;

export function isSensitiveKey(key: string): boolean {
  const normalized = key.toLowerCase().replace(/[-_]/g, '');
  if (SENSITIVE_KEYS.has(normalized)) return true;
  return SENSITIVE_SUFFIXES.some((suffix) => normalized.endsWith(suffix));
}

export function redactText(text: string): string {
  return text
    .replace(ID_NUMBER, '[ID]')
    .replace(MOBILE, '[PHONE]')
    .replace(HAN_TEXT, '[NAME]')
    .replace(BEARER, (_match, scheme: string) => `${scheme} ${REDACTED}`)
    .replace(SIGNATURE_PARAM, (_match, key: string) => `${key}=${REDACTED}`);
}

/** A copy of the value safe to log; cycles and depth beyond 8 levels are cut. */
export function redact(value: unknown, depth = 0, seen: WeakSet<object> = new WeakSet()): unknown {
  if (typeof value === 'string') return redactText(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth > 8 || seen.has(value)) return '[…]';
  seen.add(value);
  if (value instanceof Error) return { error: value.name, message: redactText(value.message) };
  if (Array.isArray(value)) return value.map((item) => redact(item, depth + 1, seen));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    out[key] = isSensitiveKey(key) && item !== null && item !== undefined ? REDACTED : redact(item, depth + 1, seen);
  }
  return out;
}
