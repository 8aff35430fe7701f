/**
 * How an adapter reaches a bureau: one keep-alive pool per client and, over HTTPS, trust in the
 * development CA (or the bureau's real CA) only. A failed verification is told apart from an
 * unreachable bureau, in words that name no certificate internals.
 */
import { Agent, type Dispatcher } from 'undici';

export interface BureauTlsOptions {
  /** PEM CA certificate(s) the bureau's certificate must chain to; they replace the system roots. */
  ca: string | Buffer | ReadonlyArray<string | Buffer>;
}

/** A client's own connection pool; `tls` absent means the system roots (or plain HTTP). */
export function createBureauDispatcher(tls?: BureauTlsOptions): Dispatcher {
  const ca = tls === undefined ? undefined : Array.isArray(tls.ca) ? [...(tls.ca as ReadonlyArray<string | Buffer>)] : (tls.ca as string | Buffer);
  return new Agent({
    // Bounded like the gateway's subgraph pool: a burst queues instead of opening (and
    // TLS-handshaking) hundreds of sockets at once.
    connections: 64,
    keepAliveTimeout: 30_000,
    connect: { rejectUnauthorized: true, ...(ca !== undefined ? { ca } : {}) },
  });
}

// OpenSSL's certificate verification failures (node passes them through as error codes).
const UNTRUSTED = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_SIGNATURE_FAILURE',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'INVALID_CA',
  'INVALID_PURPOSE',
  'CERT_CHAIN_TOO_LONG',
]);
const OUT_OF_DATE = new Set(['CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID']);
const WRONG_NAME = new Set(['ERR_TLS_CERT_ALTNAME_INVALID', 'HOSTNAME_MISMATCH']);

// Duck-typed rather than `instanceof Error`: node's own errors come from another realm under
// test runners that sandbox globals (jest), and the cause chain is what carries the code.
function errorCodes(error: unknown): string[] {
  const codes: string[] = [];
  for (let at: unknown = error, depth = 0; typeof at === 'object' && at !== null && depth < 5; depth++) {
    const { code, cause } = at as { code?: unknown; cause?: unknown };
    if (typeof code === 'string') codes.push(code);
    at = cause;
  }
  return codes;
}

/** Why a TLS connection to a bureau failed, for the UpstreamError message; null when it was not TLS. */
export function tlsFailureReason(error: unknown): string | null {
  const codes = errorCodes(error);
  if (codes.some((code) => UNTRUSTED.has(code))) return 'TLS verification failed: certificate not issued by a trusted CA';
  if (codes.some((code) => OUT_OF_DATE.has(code))) return 'TLS verification failed: certificate expired or not yet valid';
  if (codes.some((code) => WRONG_NAME.has(code))) return 'TLS verification failed: certificate does not name the bureau host';
  if (codes.some((code) => code.startsWith('ERR_SSL_') || code === 'EPROTO')) return 'TLS handshake failed';
  return null;
}
