/**
 * The one registry of error codes a partner can see. Every GraphQL error leaving the gateway
 * carries `extensions.code` from here; the README's error table is generated from this record
 * (and a test fails when they drift).
 */
export const ERROR_CODES = {
  UNAUTHENTICATED: { httpStatus: 401, description: 'The request is not signed, badly signed, stale, replayed, or from an unknown partner.' },
  FORBIDDEN: { httpStatus: 403, description: 'The partner lacks the scope for a field, answered null; `extensions.path` names the field refused (403 when nothing in the operation is permitted). Also: an X-Huimin-Purpose not registered for the partner.' },
  INVALID_ID_NUMBER: { httpStatus: 200, description: 'The resident ID number is not 18 characters, has an impossible birth date, or fails its GB 11643 check digit.' },
  INVALID_CARD_NUMBER: { httpStatus: 200, description: 'The transit card number is not 16–19 digits or fails its Luhn check digit.' },
  CARD_NOT_FOUND: { httpStatus: 200, description: 'A top-up names a valid card number the card system does not know. Nothing was recorded.' },
  CARD_NOT_TOPUPABLE: { httpStatus: 200, description: 'A top-up names a card that is `LOST`, `FROZEN` or `CANCELLED`. Nothing was recorded.' },
  TOPUP_AMOUNT_OUT_OF_RANGE: { httpStatus: 200, description: 'A top-up amount is outside its channel\'s per-transaction limits (`WECHAT_BALANCE` ¥50–2,000, `BANK_CARD` ¥100–5,000, `CREDIT_CARD` ¥300–1,000). Nothing was recorded.' },
  IDEMPOTENCY_KEY_REUSED: { httpStatus: 200, description: 'The partner already used this idempotency key for a different top-up (another card, amount, channel or payment reference). Nothing was recorded.' },
  TOPUP_NOT_REFUNDABLE: { httpStatus: 200, description: 'confirmTopUpRefund names no top-up of this partner in `REFUND_REQUIRED` (or already `REFUNDED` with another refund reference).' },
  BAD_USER_INPUT: { httpStatus: 200, description: 'An argument is malformed or out of range (dates, cursors, page sizes, batch sizes, mutually exclusive arguments).' },
  BAD_REQUEST: { httpStatus: 400, description: 'The HTTP request is not a GraphQL request: wrong method or content type, body not JSON, or no query; an APQ hash that is not the SHA-256 of the query sent with it; or it lacks the X-Huimin-Purpose header.' },
  GRAPHQL_PARSE_FAILED: { httpStatus: 400, description: 'The query is not valid GraphQL syntax.' },
  GRAPHQL_VALIDATION_FAILED: { httpStatus: 400, description: 'The query does not match the schema.' },
  QUERY_TOO_COMPLEX: { httpStatus: 400, description: 'The query exceeds a depth, alias, token or cost limit; `extensions.limit` names it.' },
  PERSISTED_QUERY_NOT_FOUND: { httpStatus: 400, description: 'The persisted-operation hash is not registered for this partner.' },
  RATE_LIMITED: { httpStatus: 429, description: 'The partner exceeded its request rate; retry after `Retry-After` seconds.' },
  UPSTREAM_UNAVAILABLE: { httpStatus: 200, description: 'A bureau could not be reached or refused the call; `extensions.source` names it. Other bureaus\' data is still served.' },
  UPSTREAM_TIMEOUT: { httpStatus: 200, description: 'A bureau did not answer within its timeout; `extensions.source` names it.' },
  OVERLOADED: { httpStatus: 503, description: 'The gateway is shedding load; retry after `Retry-After` seconds.' },
  AUDIT_UNAVAILABLE: { httpStatus: 503, description: 'The access could not be recorded in the audit trail, so no data is served; retry after `Retry-After` seconds.' },
  INTERNAL: { httpStatus: 500, description: 'An unexpected failure. Details are logged, never returned.' },
} as const satisfies Record<string, { httpStatus: number; description: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(ERROR_CODES, value);
}
