/**
 * RSA-2048 PSS and OAEP, native vs node-forge, on random messages. Both schemes are randomized
 * (salt, seed), so the property is interoperability both ways rather than equal bytes. The
 * civil-affairs envelope's own forge cross-checks live in protocols/civil-affairs.forge.test.ts.
 */
import fc from 'fast-check';
import { ProtocolError } from '../errors';
import { generateRsaKeyPair, rsaOaepDecrypt, rsaOaepEncrypt, rsaPssSign, rsaPssVerify, toPrivateKey, toPublicKey } from './rsa';
import { forgeOaepDecrypt, forgeOaepEncrypt, forgePrivateKey, forgePssSign, forgePssVerify, forgePublicKey } from './test-support/references';

const pair = generateRsaKeyPair();
const privateKey = toPrivateKey(pair.privateKeyPem);
const publicKey = toPublicKey(pair.publicKeyPem);
const forgePrivate = forgePrivateKey(privateKey);
const forgePublic = forgePublicKey(publicKey);

// node-forge spends ~10–40 ms on each RSA-2048 private-key operation: bounded runs.
const RUNS = { numRuns: 10 };
const bytes = (min: number, max: number): fc.Arbitrary<Buffer> => fc.uint8Array({ minLength: min, maxLength: max }).map((b) => Buffer.from(b));

describe('RSA-PSS (SHA-256, MGF1-SHA-256, 32-byte salt): native vs node-forge', () => {
  it('native signatures verify under forge and forge signatures under native', () => {
    fc.assert(
      fc.property(bytes(0, 4096), (message) => {
        const native = rsaPssSign(privateKey, message);
        expect(native.length).toBe(256);
        expect(forgePssVerify(forgePublic, message, native)).toBe(true);
        const reference = forgePssSign(forgePrivate, message);
        expect(rsaPssVerify(publicKey, message, reference)).toBe(true);
      }),
      RUNS,
    );
  });

  it('neither side accepts the other’s signature over a different message', () => {
    fc.assert(
      fc.property(bytes(1, 512), (message) => {
        const other = Buffer.concat([message, Buffer.from([0])]);
        expect(forgePssVerify(forgePublic, other, rsaPssSign(privateKey, message))).toBe(false);
        expect(rsaPssVerify(publicKey, other, forgePssSign(forgePrivate, message))).toBe(false);
      }),
      { numRuns: 4 },
    );
  });

  it('a malformed signature is false, never a throw', () => {
    expect(rsaPssVerify(publicKey, 'x', Buffer.alloc(0))).toBe(false);
    expect(rsaPssVerify(publicKey, 'x', Buffer.alloc(300, 1))).toBe(false);
  });
});

describe('RSA-OAEP (SHA-256, MGF1-SHA-256): native vs node-forge', () => {
  // 2048-bit OAEP-SHA-256 carries at most 256 - 2·32 - 2 = 190 bytes.
  it('what one side wraps the other unwraps, up to the 190-byte limit', () => {
    fc.assert(
      fc.property(bytes(0, 190), (secret) => {
        expect(forgeOaepDecrypt(forgePrivate, rsaOaepEncrypt(publicKey, secret)).equals(secret)).toBe(true);
        expect(rsaOaepDecrypt(privateKey, forgeOaepEncrypt(forgePublic, secret)).equals(secret)).toBe(true);
      }),
      RUNS,
    );
  });

  it('a wrapped key that does not unwrap is BAD_CIPHERTEXT', () => {
    const wrapped = rsaOaepEncrypt(publicKey, Buffer.alloc(32, 3));
    wrapped[100] = (wrapped[100] ?? 0) ^ 1;
    expect(() => rsaOaepDecrypt(privateKey, wrapped)).toThrow(ProtocolError);
    expect(() => rsaOaepDecrypt(privateKey, Buffer.alloc(5))).toThrow(ProtocolError);
  });
});
