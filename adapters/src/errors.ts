/**
 * Failures of the bureau protocols, on both sides. Servers answer them as HTTP 4xx/5xx with
 * `{"code","message"}`; adapters turn them into typed errors. Messages never hold personal data.
 */
export const PROTOCOL_ERROR_CODES = {
  CLOCK_SKEW: 401,
  REPLAY: 401,
  BAD_SIGNATURE: 401,
  BAD_CIPHERTEXT: 400,
  UNKNOWN_KEY: 401,
  UNKNOWN_APP: 401,
  MALFORMED: 400,
  NOT_FOUND: 404,
  RATE_LIMITED: 429,
  INTERNAL: 500,
} as const;

export type ProtocolErrorCode = keyof typeof PROTOCOL_ERROR_CODES;

/** A message failed a protocol check (either side). */
export class ProtocolError extends Error {
  override readonly name = 'ProtocolError';
  constructor(
    readonly code: ProtocolErrorCode,
    message: string,
  ) {
    super(message);
  }

  get httpStatus(): number {
    return PROTOCOL_ERROR_CODES[this.code];
  }
}

export type BureauSource = 'CIVIL_AFFAIRS' | 'MEDICAL_INSURANCE' | 'FINANCE' | 'TRANSIT';

/** Why an adapter call failed, as the subgraphs see it. */
export type UpstreamFailure = 'TIMEOUT' | 'UNAVAILABLE' | ProtocolErrorCode;

/** A bureau call that did not produce an answer. Never carries upstream bodies. */
export class UpstreamError extends Error {
  override readonly name = 'UpstreamError';
  constructor(
    readonly source: BureauSource,
    readonly failure: UpstreamFailure,
    message: string,
  ) {
    super(message);
  }

  /** The partner-facing error code (see @huimin/schema ERROR_CODES). */
  get partnerCode(): 'UPSTREAM_TIMEOUT' | 'UPSTREAM_UNAVAILABLE' {
    return this.failure === 'TIMEOUT' ? 'UPSTREAM_TIMEOUT' : 'UPSTREAM_UNAVAILABLE';
  }
}
