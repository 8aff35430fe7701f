/**
 * AES-256-GCM against the GCM specification's test case 15 and, on random inputs, against
 * node-forge: identical ciphertext and tag bytes, each side opening the other's.
 */
import fc from 'fast-check';
import { ProtocolError } from '../errors';
import { aesGcmDecrypt, aesGcmEncrypt } from './aes-gcm';
import { forgeAesGcmDecrypt, forgeAesGcmEncrypt } from './test-support/references';

const hex = (value: string): Buffer => Buffer.from(value, 'hex');
const bytes = (min: number, max: number): fc.Arbitrary<Buffer> => fc.uint8Array({ minLength: min, maxLength: max }).map((b) => Buffer.from(b));

describe('AES-256-GCM: McGrew & Viega, "The Galois/Counter Mode of Operation", test case 15', () => {
  const key = hex('feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308');
  const iv = hex('cafebabefacedbaddecaf888');
  const plaintext = hex(
    'd9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255',
  );
  const ciphertext = hex(
    '522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662898015ad',
  );
  const tag = hex('b094dac5d93471bdec1a502270e3cc6c');

  it('native and node-forge both give the published ciphertext and tag', () => {
    expect(aesGcmEncrypt(key, iv, plaintext)).toEqual({ ciphertext, tag });
    expect(forgeAesGcmEncrypt(key, iv, plaintext)).toEqual({ ciphertext, tag });
    expect(aesGcmDecrypt(key, iv, { ciphertext, tag })).toEqual(plaintext);
  });
});

describe('AES-256-GCM native vs node-forge on random inputs', () => {
  it('identical bytes, and each side decrypts the other', () => {
    fc.assert(
      fc.property(bytes(32, 32), bytes(12, 12), bytes(0, 2048), (key, iv, plaintext) => {
        const native = aesGcmEncrypt(key, iv, plaintext);
        const reference = forgeAesGcmEncrypt(key, iv, plaintext);
        expect(native.ciphertext.equals(reference.ciphertext)).toBe(true);
        expect(native.tag.equals(reference.tag)).toBe(true);
        expect(aesGcmDecrypt(key, iv, reference).equals(plaintext)).toBe(true);
        expect(forgeAesGcmDecrypt(key, iv, native.ciphertext, native.tag)?.equals(plaintext)).toBe(true);
      }),
      { numRuns: 100 },
    );
  });

  it('any flipped bit in ciphertext or tag fails on both sides', () => {
    fc.assert(
      fc.property(bytes(32, 32), bytes(12, 12), bytes(1, 256), fc.nat(), fc.boolean(), (key, iv, plaintext, position, inTag) => {
        const sealed = aesGcmEncrypt(key, iv, plaintext);
        const target = Buffer.from(inTag ? sealed.tag : sealed.ciphertext);
        const bit = position % (target.length * 8);
        target[bit >> 3] = (target[bit >> 3] ?? 0) ^ (1 << (bit & 7));
        const tampered = inTag ? { ciphertext: sealed.ciphertext, tag: target } : { ciphertext: target, tag: sealed.tag };
        expect(() => aesGcmDecrypt(key, iv, tampered)).toThrow(ProtocolError);
        expect(forgeAesGcmDecrypt(key, iv, tampered.ciphertext, tampered.tag)).toBeNull();
      }),
      { numRuns: 50 },
    );
  });
});

describe('AES-256-GCM failures', () => {
  const key = Buffer.alloc(32, 7);
  const iv = Buffer.alloc(12, 9);
  const sealed = aesGcmEncrypt(key, iv, Buffer.from('{"ok":true}'));

  it('a wrong key, a short tag or a wrong IV length is BAD_CIPHERTEXT', () => {
    const code = (fn: () => unknown): string | undefined => {
      try {
        fn();
        return undefined;
      } catch (error) {
        return error instanceof ProtocolError ? error.code : 'not a ProtocolError';
      }
    };
    expect(code(() => aesGcmDecrypt(Buffer.alloc(32, 8), iv, sealed))).toBe('BAD_CIPHERTEXT');
    expect(code(() => aesGcmDecrypt(key, iv, { ciphertext: sealed.ciphertext, tag: sealed.tag.subarray(0, 12) }))).toBe('BAD_CIPHERTEXT');
    expect(code(() => aesGcmDecrypt(key, Buffer.alloc(16), sealed))).toBe('BAD_CIPHERTEXT');
  });

  it('sealing with a wrong key or IV length is a programming error (RangeError)', () => {
    expect(() => aesGcmEncrypt(Buffer.alloc(16), iv, Buffer.alloc(1))).toThrow(RangeError);
    expect(() => aesGcmEncrypt(key, Buffer.alloc(16), Buffer.alloc(1))).toThrow(RangeError);
  });
});
