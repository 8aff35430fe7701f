/**
 * SM4 against GB/T 32907-2016 appendix A and, on random inputs, against sm-crypto: the native
 * (OpenSSL) cipher must give the reference's bytes in every mode the protocols use.
 */
import { createCipheriv } from 'node:crypto';
import fc from 'fast-check';
import { ProtocolError } from '../errors';
import { sm4CbcDecrypt, sm4CbcEncrypt, sm4EcbDecrypt, sm4EcbEncrypt } from './sm4';
import { smCrypto } from './test-support/references';

const hex = (value: string): Buffer => Buffer.from(value, 'hex');
const key = fc.uint8Array({ minLength: 16, maxLength: 16 }).map((bytes) => Buffer.from(bytes));
const text = fc.uint8Array({ minLength: 0, maxLength: 300 }).map((bytes) => Buffer.from(bytes));
const RUNS = { numRuns: 150 };

describe('SM4 block cipher: GB/T 32907-2016 appendix A', () => {
  const KEY = hex('0123456789abcdeffedcba9876543210');

  it('example 1: one block, key = plaintext', () => {
    const raw = createCipheriv('sm4-ecb', KEY, null).setAutoPadding(false);
    expect(Buffer.concat([raw.update(KEY), raw.final()]).toString('hex')).toBe('681edf34d206965e86b3e94f536e4246');
    // The project's ECB (PKCS#7) gives the same first block, then the padding block.
    expect(sm4EcbEncrypt(KEY, KEY).subarray(0, 16).toString('hex')).toBe('681edf34d206965e86b3e94f536e4246');
    expect(Buffer.from(smCrypto.sm4.encrypt(KEY, KEY.toString('hex'), { mode: 'ecb', padding: 'none', output: 'array' })).toString('hex')).toBe(
      '681edf34d206965e86b3e94f536e4246',
    );
  });

  it('example 2: the block encrypted 1,000,000 times under the same key', () => {
    // Padding off, one cipher object: each update() is exactly one raw block encryption.
    const raw = createCipheriv('sm4-ecb', KEY, null).setAutoPadding(false);
    let block = KEY;
    for (let i = 0; i < 1_000_000; i++) block = raw.update(block);
    expect(block.toString('hex')).toBe('595298c7c6fd271f0402f804c33d3f66');
  });
});

describe('SM4 native vs sm-crypto on random inputs', () => {
  it('raw blocks (no padding) give identical bytes', () => {
    const blocks = fc.integer({ min: 1, max: 8 }).chain((n) => fc.uint8Array({ minLength: 16 * n, maxLength: 16 * n }));
    fc.assert(
      fc.property(key, blocks, (k, plaintext) => {
        const raw = createCipheriv('sm4-ecb', k, null).setAutoPadding(false);
        const native = Buffer.concat([raw.update(plaintext), raw.final()]);
        const reference = smCrypto.sm4.encrypt(plaintext, k.toString('hex'), { mode: 'ecb', padding: 'none', output: 'array' });
        expect(native.equals(Buffer.from(reference))).toBe(true);
      }),
      RUNS,
    );
  });

  it('ECB with PKCS#7: identical ciphertext, and each side decrypts the other', () => {
    fc.assert(
      fc.property(key, text, (k, plaintext) => {
        const options = { mode: 'ecb', padding: 'pkcs#7', output: 'array' } as const;
        const native = sm4EcbEncrypt(k, plaintext);
        const reference = Buffer.from(smCrypto.sm4.encrypt(plaintext, k.toString('hex'), options));
        expect(native.equals(reference)).toBe(true);
        expect(sm4EcbDecrypt(k, reference).equals(plaintext)).toBe(true);
        expect(Buffer.from(smCrypto.sm4.decrypt(native, k.toString('hex'), options)).equals(plaintext)).toBe(true);
      }),
      RUNS,
    );
  });

  it('CBC with PKCS#7: identical ciphertext, and each side decrypts the other', () => {
    fc.assert(
      fc.property(key, key, text, (k, iv, plaintext) => {
        const options = { mode: 'cbc', padding: 'pkcs#7', iv: iv.toString('hex'), output: 'array' } as const;
        const native = sm4CbcEncrypt(k, iv, plaintext);
        const reference = Buffer.from(smCrypto.sm4.encrypt(plaintext, k.toString('hex'), options));
        expect(native.equals(reference)).toBe(true);
        expect(sm4CbcDecrypt(k, iv, reference).equals(plaintext)).toBe(true);
        expect(Buffer.from(smCrypto.sm4.decrypt(native, k.toString('hex'), options)).equals(plaintext)).toBe(true);
      }),
      RUNS,
    );
  });
});

describe('SM4 failures', () => {
  const k = hex('00112233445566778899aabbccddeeff');
  const iv = hex('ffeeddccbbaa99887766554433221100');
  const code = (fn: () => unknown): string | undefined => {
    try {
      fn();
      return undefined;
    } catch (error) {
      return error instanceof ProtocolError ? error.code : 'not a ProtocolError';
    }
  };

  it('bad padding and ragged lengths are BAD_CIPHERTEXT, never a crash or plaintext', () => {
    const sealed = sm4CbcEncrypt(k, iv, Buffer.from('{"ok":true}'));
    expect(code(() => sm4CbcDecrypt(k, iv, sealed.subarray(0, 15)))).toBe('BAD_CIPHERTEXT');
    expect(code(() => sm4EcbDecrypt(k, Buffer.alloc(0)))).toBe('BAD_CIPHERTEXT');
    // A forged last block decrypts to bytes that are not PKCS#7 padding (fixed inputs: deterministic).
    const ecb = sm4EcbEncrypt(k, Buffer.from('sixteen byte msg'));
    expect(code(() => sm4EcbDecrypt(k, Buffer.concat([ecb.subarray(0, 16), Buffer.alloc(16, 0xff)])))).toBe('BAD_CIPHERTEXT');
  });

  it('a key that is not 16 bytes is a programming error (RangeError)', () => {
    expect(() => sm4EcbEncrypt(Buffer.alloc(15), Buffer.alloc(1))).toThrow(RangeError);
    expect(() => sm4CbcDecrypt(Buffer.alloc(32), iv, Buffer.alloc(16))).toThrow(RangeError);
  });
});
