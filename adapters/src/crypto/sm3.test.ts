/**
 * SM3 against GB/T 32905-2016 appendix A and, on random inputs, against sm-crypto; HMAC-SM3
 * against an RFC 2104 HMAC built here from sm-crypto's SM3 (and against sm-crypto's own HMAC).
 */
import fc from 'fast-check';
import { hmacSm3, hmacSm3Hex, sm3, sm3Hex } from './sm3';
import { smCrypto } from './test-support/references';

const RUNS = { numRuns: 100 };
const bytes = (max: number): fc.Arbitrary<Buffer> => fc.uint8Array({ minLength: 0, maxLength: max }).map((b) => Buffer.from(b));

/** SM3's block is 64 bytes. */
const BLOCK = 64;

/** RFC 2104: H((K' ^ opad) || H((K' ^ ipad) || m)), K' = H(K) when K is longer than a block. */
function referenceHmacSm3(key: Buffer, message: Buffer): Buffer {
  const referenceSm3 = (input: Buffer): Buffer => Buffer.from(smCrypto.sm3(input), 'hex');
  const shortKey = key.length > BLOCK ? referenceSm3(key) : key;
  const padded = Buffer.concat([shortKey, Buffer.alloc(BLOCK - shortKey.length)]);
  const xor = (pad: number): Buffer => Buffer.from(padded.map((byte) => byte ^ pad));
  return referenceSm3(Buffer.concat([xor(0x5c), referenceSm3(Buffer.concat([xor(0x36), message]))]));
}

describe('SM3: GB/T 32905-2016 appendix A', () => {
  it('example 1: "abc"', () => {
    expect(sm3Hex('abc')).toBe('66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0');
    expect(smCrypto.sm3('abc')).toBe('66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0');
  });

  it('example 2: the 64-byte "abcd" × 16', () => {
    const message = 'abcd'.repeat(16);
    expect(Buffer.byteLength(message)).toBe(64);
    expect(sm3(Buffer.from(message)).toString('hex')).toBe('debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732');
    expect(smCrypto.sm3(message)).toBe('debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732');
  });
});

describe('SM3 and HMAC-SM3 native vs sm-crypto on random inputs', () => {
  it('SM3 of bytes and of utf8 text', () => {
    fc.assert(
      fc.property(bytes(400), fc.string({ unit: 'binary', maxLength: 80 }), (data, text) => {
        expect(sm3(data).toString('hex')).toBe(smCrypto.sm3(data));
        // Text goes to the reference as utf8 bytes: its own string path is wrong above U+3FFFF.
        expect(sm3Hex(text)).toBe(smCrypto.sm3(Buffer.from(text, 'utf8')));
      }),
      RUNS,
    );
  });

  it('text is hashed as its utf8 bytes, where sm-crypto 0.5.8 mis-encodes code points ≥ U+40000', () => {
    // sm-crypto's sm3 utf8ToArray masks the lead byte with 0x1c instead of 0x07: U+40000 becomes
    // F0 80 80 80 rather than F1 80 80 80. Below U+40000 (all CJK included) it is right.
    const text = '\u{40000}';
    expect(Buffer.from(text, 'utf8').toString('hex')).toBe('f1808080');
    expect(sm3Hex(text)).toBe(smCrypto.sm3(Buffer.from('f1808080', 'hex')));
    expect(sm3Hex('民政 \u{20000}')).toBe(smCrypto.sm3('民政 \u{20000}'));
  });

  it('HMAC-SM3 equals the RFC 2104 construction over sm-crypto SM3, short and long keys', () => {
    fc.assert(
      fc.property(bytes(150), bytes(300), (key, message) => {
        const native = hmacSm3(key, message);
        expect(native.equals(referenceHmacSm3(key, message))).toBe(true);
        expect(hmacSm3Hex(key, message)).toBe(native.toString('hex'));
        // sm-crypto's own HMAC refuses an empty key; the construction above covers that case.
        if (key.length > 0) expect(smCrypto.sm3(message, { mode: 'hmac', key })).toBe(native.toString('hex'));
      }),
      RUNS,
    );
  });

  it('keys of exactly one block and one byte more take the two RFC 2104 branches', () => {
    const message = Buffer.from('huimin');
    for (const length of [BLOCK - 1, BLOCK, BLOCK + 1]) {
      const key = Buffer.alloc(length, 0xa5);
      expect(hmacSm3(key, message).equals(referenceHmacSm3(key, message))).toBe(true);
    }
  });
});
