/**
 * SM2 signatures against the standard's worked example and against sm-crypto (the reference).
 * sm-crypto is always called with every option spelled out — { hash: true, der: false,
 * userId: '1234567812345678' } — because its defaults changed between releases. Public keys are
 * `04`||x||y on both sides (sm-crypto would also take x||y). The C1C3C2/C1C2C3 ordering question
 * is SM2 encryption's, which the project does not use.
 */
import fc from 'fast-check';
import { sm2 as fastSm2 } from 'sm-crypto-v2';
import { SM2_DEFAULT_USER_ID, generateSm2KeyPair, sm2Digest, sm2Sign, sm2Verify } from './sm2';
import { referenceBigInteger, smCrypto } from './test-support/references';

const REFERENCE = { hash: true, der: false, userId: SM2_DEFAULT_USER_ID } as const;
const N = 0xfffffffeffffffffffffffffffffffff7203df6b21c6052b53bbf40939d54123n;
const hex64 = (value: bigint): string => value.toString(16).padStart(64, '0');

/** The x coordinate of kG, which with k is all a point pool entry holds. */
const x1Of = (kHex: string): string => fastSm2.getPublicKeyFromPrivateKey(kHex).slice(2, 66);

/**
 * GM/T 0003.5-2012 / GB/T 32918.5 annex A: the signature example on the recommended curve, as
 * OpenSSL's test/sm2_internal_test.c carries it (sm2_sig_test, "From Annex A in both
 * GM/T0003.5-2012 and GB/T 32918.5"). GB/T 32918.2's own annex A example (ID ALICE123@YAHOO.COM)
 * is on a different, example Fp-256 curve, so no SM2-curve library can reproduce it.
 */
const ANNEX_A = {
  d: '3945208f7b2144b13f36e38ac6d39f95889393692860b51a42fb81ef4df7c5b8',
  publicKey:
    '04' + '09f9df311e5421a150dd7d161e4bc5c672179fad1833fc076bb08ff356f35020' + 'ccea490ce26775a52dc6ea718cc1aa600aed05fbf35e084a6632f6072da9ad13',
  message: 'message digest',
  z: 'b2e14c5c79c6df5b85f4fe7ed8db7a262b9da7e07ccb0ea9f4747b8ccda8a4f3',
  e: 'f0b43e94ba45accaace692ed534382eb17e6ab5a19ce7b31f4486fdfc0d28640',
  k: '59276e27d506861a16680f3ad9c02dccef3cc1fa3cdbe4ce6d54b80deac1bc21',
  x1: '04ebfc718e8d1798620432268e77feb6415e2ede0e073c0f4f640ecd2e149a73',
  signature: ('F5A03B0648D2C4630EEAC513E1BB81A15944DA3827D5B74143AC7EACEEE720B3' + 'B1B6AA29DF212FD8763182BC0D421CA1BB9038FD1F7F42D4840B69C485BBC1AA').toLowerCase(),
};

describe('SM2: GM/T 0003.5 / GB/T 32918.5 annex A worked example', () => {
  it('derives the example public key and Z_A, e from the private key and message', () => {
    expect(fastSm2.getPublicKeyFromPrivateKey(ANNEX_A.d)).toBe(ANNEX_A.publicKey);
    expect(smCrypto.sm2.getPublicKeyFromPrivateKey(ANNEX_A.d)).toBe(ANNEX_A.publicKey);
    // Z_A pins the curve constants sm2.ts hashes; e = SM3(Z_A || M) is what the project signs.
    expect(Buffer.from(fastSm2.getZ(ANNEX_A.publicKey, SM2_DEFAULT_USER_ID)).toString('hex')).toBe(ANNEX_A.z);
    expect(sm2Digest(ANNEX_A.publicKey, ANNEX_A.message).toString('hex')).toBe(ANNEX_A.e);
  });

  it("the example's signature verifies under the project and the reference", () => {
    expect(sm2Verify(ANNEX_A.publicKey, ANNEX_A.message, ANNEX_A.signature)).toBe(true);
    expect(sm2Verify(ANNEX_A.publicKey, ANNEX_A.message, ANNEX_A.signature.toUpperCase())).toBe(true);
    expect(smCrypto.sm2.doVerifySignature(ANNEX_A.message, ANNEX_A.signature, ANNEX_A.publicKey, REFERENCE)).toBe(true);
    expect(sm2Verify(ANNEX_A.publicKey, 'message digesT', ANNEX_A.signature)).toBe(false);
  });

  it("with the example's k, both libraries produce the example's r||s byte for byte", () => {
    expect(x1Of(ANNEX_A.k)).toBe(ANNEX_A.x1);
    const fixedK = { k: BigInt(`0x${ANNEX_A.k}`), x1: BigInt(`0x${ANNEX_A.x1}`) };
    // The project's signing path: native e, then sm-crypto-v2's arithmetic with hash off.
    const e = sm2Digest(ANNEX_A.publicKey, ANNEX_A.message);
    expect(fastSm2.doSignature(e, ANNEX_A.d, { hash: false, der: false, pointPool: [fixedK] })).toBe(ANNEX_A.signature);
    const referencePoint = { k: referenceBigInteger(ANNEX_A.k), x1: referenceBigInteger(ANNEX_A.x1) };
    expect(smCrypto.sm2.doSignature(ANNEX_A.message, ANNEX_A.d, { ...REFERENCE, publicKey: ANNEX_A.publicKey, pointPool: [referencePoint] })).toBe(
      ANNEX_A.signature,
    );
  });
});

/** Private keys in [1, n-2], drawn by fast-check so a failure replays from its seed. */
const privateKey = fc.bigInt({ min: 1n, max: N - 2n }).map(hex64);
const message = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes)),
);

describe('SM2 project vs sm-crypto on random keys and messages', () => {
  it('project signatures verify under sm-crypto, and sm-crypto signatures under the project', () => {
    fc.assert(
      fc.property(privateKey, message, (d, text) => {
        const publicKey = smCrypto.sm2.getPublicKeyFromPrivateKey(d);
        const ours = sm2Sign(d, text, publicKey);
        expect(smCrypto.sm2.doVerifySignature(text, ours, publicKey, REFERENCE)).toBe(true);
        const theirs = smCrypto.sm2.doSignature(text, d, { ...REFERENCE, publicKey });
        expect(sm2Verify(publicKey, text, theirs)).toBe(true);
        expect(sm2Verify(publicKey, text, ours)).toBe(true);
      }),
      // sm-crypto spends ~15–40 ms an operation: a bounded run keeps the suite fast.
      { numRuns: 12 },
    );
  });

  it('with the same k, project and sm-crypto signatures are identical bytes', () => {
    const nonce = fc.bigInt({ min: 1n, max: N - 1n }).map(hex64);
    fc.assert(
      fc.property(privateKey, nonce, message, (d, k, text) => {
        const publicKey = fastSm2.getPublicKeyFromPrivateKey(d);
        const x1 = x1Of(k);
        const ours = fastSm2.doSignature(sm2Digest(publicKey, text), d, { hash: false, der: false, pointPool: [{ k: BigInt(`0x${k}`), x1: BigInt(`0x${x1}`) }] });
        const pool = [{ k: referenceBigInteger(k), x1: referenceBigInteger(x1) }];
        expect(smCrypto.sm2.doSignature(text, d, { ...REFERENCE, publicKey, pointPool: pool })).toBe(ours);
      }),
      { numRuns: 60 },
    );
  });

  it("generateSm2KeyPair's public key is the reference's for its private key, and signing derives it when omitted", () => {
    const pair = generateSm2KeyPair();
    expect(pair.publicKey).toBe(smCrypto.sm2.getPublicKeyFromPrivateKey(pair.privateKey));
    expect(pair.publicKey).toMatch(/^04[0-9a-f]{128}$/);
    expect(smCrypto.sm2.doVerifySignature('no public key given', sm2Sign(pair.privateKey, 'no public key given'), pair.publicKey, REFERENCE)).toBe(true);
  });
});

describe('SM2 rejections', () => {
  const pair = generateSm2KeyPair();
  const text = 'appId|keyId|1700000000000|nonce|iv|payload';
  const signature = sm2Sign(pair.privateKey, text, pair.publicKey);
  const r = signature.slice(0, 64);
  const s = signature.slice(64);

  it('a tampered message, signature or key does not verify', () => {
    expect(sm2Verify(pair.publicKey, `${text}!`, signature)).toBe(false);
    const flipped = signature[10] === '0' ? '1' : '0';
    expect(sm2Verify(pair.publicKey, text, signature.slice(0, 10) + flipped + signature.slice(11))).toBe(false);
    expect(sm2Verify(generateSm2KeyPair().publicKey, text, signature)).toBe(false);
    // r and s swapped is a different signature.
    expect(sm2Verify(pair.publicKey, text, s + r)).toBe(false);
  });

  it('malformed signatures and keys are false, never a throw', () => {
    for (const bad of ['', signature.slice(2), `${signature}00`, `${signature.slice(0, 127)}g`, hex64(0n) + s, r + hex64(0n), hex64(N) + s, r + hex64(N)]) {
      expect(sm2Verify(pair.publicKey, text, bad)).toBe(false);
    }
    expect(sm2Verify(pair.publicKey.slice(2), text, signature)).toBe(false);
    const y = BigInt(`0x${pair.publicKey.slice(66)}`);
    const offCurve = pair.publicKey.slice(0, 66) + hex64((y + 1n) % 2n ** 256n);
    expect(sm2Verify(offCurve, text, signature)).toBe(false);
  });

  it('an invalid private key is a programming error (RangeError)', () => {
    for (const bad of ['', hex64(0n), hex64(N - 1n), hex64(N), 'zz'.repeat(32)]) {
      expect(() => sm2Sign(bad, text, pair.publicKey)).toThrow(RangeError);
    }
    expect(() => sm2Sign(pair.privateKey, text, pair.publicKey.slice(2))).toThrow(RangeError);
  });
});

describe('SM2 speed floor', () => {
  // The bench measures the real rates (bench/results/crypto.md); this only catches a regression to
  // sm-crypto-class speed (~25–70 a second), with a margin wide enough for a loaded shared machine.
  it('signs and verifies 100 messages each in well under the time sm-crypto would need', () => {
    const pair = generateSm2KeyPair();
    sm2Verify(pair.publicKey, 'warm up', sm2Sign(pair.privateKey, 'warm up', pair.publicKey));
    const started = performance.now();
    for (let i = 0; i < 100; i++) {
      const text = `message ${i}`;
      expect(sm2Verify(pair.publicKey, text, sm2Sign(pair.privateKey, text, pair.publicKey))).toBe(true);
    }
    expect(performance.now() - started).toBeLessThan(1_500);
  });
});
