import { tlsFailureReason } from './bureau-tls';

const withCode = (code: string, message = 'detail the partner must not see'): Error => Object.assign(new Error(message), { code });

describe('tlsFailureReason', () => {
  it('names the kind of verification failure, found anywhere on the cause chain', () => {
    expect(tlsFailureReason(withCode('UNABLE_TO_VERIFY_LEAF_SIGNATURE'))).toBe('TLS verification failed: certificate not issued by a trusted CA');
    expect(tlsFailureReason(new TypeError('fetch failed', { cause: withCode('SELF_SIGNED_CERT_IN_CHAIN') }))).toMatch(/trusted CA/);
    expect(tlsFailureReason(withCode('CERT_HAS_EXPIRED'))).toBe('TLS verification failed: certificate expired or not yet valid');
    expect(tlsFailureReason(withCode('ERR_TLS_CERT_ALTNAME_INVALID'))).toBe('TLS verification failed: certificate does not name the bureau host');
    expect(tlsFailureReason(withCode('ERR_SSL_WRONG_VERSION_NUMBER'))).toBe('TLS handshake failed');
  });

  it('says nothing for failures that are not TLS, and never repeats the underlying message', () => {
    expect(tlsFailureReason(withCode('ECONNREFUSED'))).toBeNull();
    expect(tlsFailureReason('not an error')).toBeNull();
    expect(tlsFailureReason(withCode('CERT_REJECTED'))).not.toContain('detail');
  });
});
