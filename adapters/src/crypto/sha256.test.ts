/**
 * SHA-256 and HMAC-SHA256, which the civil-affairs (body digest) and transit (request and answer
 * MACs) envelopes take straight from node:crypto, against node-forge on random inputs.
 */
import { createHash, createHmac } from 'node:crypto';
import fc from 'fast-check';
import { forgeHmacSha256Hex, forgeSha256Hex } from './test-support/references';

const bytes = (max: number): fc.Arbitrary<Buffer> => fc.uint8Array({ maxLength: max }).map((b) => Buffer.from(b));

describe('SHA-256 / HMAC-SHA256: node vs node-forge', () => {
  it('RFC 4231 test case 2 on both', () => {
    const key = Buffer.from('Jefe');
    const data = Buffer.from('what do ya want for nothing?');
    const expected = '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843';
    expect(createHmac('sha256', key).update(data).digest('hex')).toBe(expected);
    expect(forgeHmacSha256Hex(key, data)).toBe(expected);
  });

  it('identical digests and MACs on random inputs, keys shorter and longer than a block', () => {
    fc.assert(
      fc.property(bytes(150), bytes(2048), (key, data) => {
        expect(createHash('sha256').update(data).digest('hex')).toBe(forgeSha256Hex(data));
        expect(createHmac('sha256', key).update(data).digest('hex')).toBe(forgeHmacSha256Hex(key, data));
      }),
      { numRuns: 100 },
    );
  });
});
