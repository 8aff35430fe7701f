/**
 * SM2 signatures (GB/T 32918.2) on the recommended curve (GB/T 32918.5) with SM3 and the default
 * user ID 1234567812345678, as raw r||s hex: the project's one SM2 implementation.
 *
 * Why it is fast enough (≥500 signatures and verifications a second on one core; sm-crypto does
 * ~25–70): the curve arithmetic is sm-crypto-v2's (noble-curves, bigint), the digest
 * e = SM3(Z_A || M) runs in node's native SM3 (the libraries' JavaScript SM3 took ~100 ms over a
 * 1 MB batch answer), and each public key's Z_A and precomputed multiples table are built once.
 * sm-crypto stays the reference: the tests check these signatures against it byte for byte.
 *
 * Only signatures are used, so the SM2 ciphertext orders (C1C3C2 vs C1C2C3) do not arise here.
 * Public keys are uncompressed `04`||x||y hex; sm-crypto also takes x||y without the `04`, which
 * this module refuses so that one key has one spelling (and one cache entry).
 */
import { sm2 } from 'sm-crypto-v2';
import { sm3 } from './sm3';

export const SM2_DEFAULT_USER_ID = '1234567812345678';

export interface Sm2KeyPair {
  /** 64 hex characters. */
  privateKey: string;
  /** Uncompressed, 130 hex characters starting 04. */
  publicKey: string;
}

/** The curve order n (GB/T 32918.5). */
const N = 0xfffffffeffffffffffffffffffffffff7203df6b21c6052b53bbf40939d54123n;

/** a, b, x_G, y_G as Z_A hashes them (GB/T 32918.5); a test pins them to the libraries' curve. */
const CURVE_FOR_Z = Buffer.from(
  'fffffffeffffffffffffffffffffffffffffffff00000000fffffffffffffffc' +
    '28e9fa9e9d9f5e344d5a9e4bcf6509a7f39789f515ab8f92ddbcbd414d940e93' +
    '32c4ae2c1f1981195f9904466a39c9948fe30bbff2660be1715a4589334c74c7' +
    'bc3736a2f4f6779c59bdcee36b692153d0a9877cc62a474002df32e52139f0a0',
  'hex',
);

const PUBLIC_KEY = /^04[0-9a-f]{128}$/;
const PRIVATE_KEY = /^[0-9a-f]{64}$/;
const SIGNATURE = /^[0-9a-f]{128}$/;

type PrecomputedPoint = ReturnType<typeof sm2.precomputePublicKey>;

interface PreparedKey {
  z: Buffer;
  /** Built on the first verification only: signers never need it. */
  point?: PrecomputedPoint;
}

// Bounded so a process that rotates keys does not grow without limit. The keys held here are
// public, so sharing them across requests leaks nothing; private keys are never cached.
const MAX_CACHED_KEYS = 256;
const prepared = new Map<string, PreparedKey>();

/** Z_A = SM3(ENTL_A || ID_A || a || b || x_G || y_G || x_A || y_A) for the default user ID. */
function zOf(publicKeyHex: string): Buffer {
  const id = Buffer.from(SM2_DEFAULT_USER_ID, 'utf8');
  const entl = Buffer.alloc(2);
  entl.writeUInt16BE(id.length * 8);
  return sm3(Buffer.concat([entl, id, CURVE_FOR_Z, Buffer.from(publicKeyHex.slice(2), 'hex')]));
}

function preparedKey(publicKeyHex: string): PreparedKey {
  let entry = prepared.get(publicKeyHex);
  if (entry === undefined) {
    entry = { z: zOf(publicKeyHex) };
    if (prepared.size >= MAX_CACHED_KEYS) {
      const oldest = prepared.keys().next();
      if (!oldest.done) prepared.delete(oldest.value);
    }
    prepared.set(publicKeyHex, entry);
  }
  return entry;
}

function normalPublicKey(publicKeyHex: string): string | null {
  const key = publicKeyHex.toLowerCase();
  return PUBLIC_KEY.test(key) ? key : null;
}

const bytesOf = (message: string | Uint8Array): Uint8Array => (typeof message === 'string' ? Buffer.from(message, 'utf8') : message);

/**
 * e = SM3(Z_A || M), the 32 bytes SM2 signs, for utf8 text or bytes. Strings must be well-formed
 * UTF-16: a lone surrogate becomes U+FFFD here, while sm-crypto throws on it.
 */
export function sm2Digest(publicKeyHex: string, message: string | Uint8Array): Buffer {
  const key = normalPublicKey(publicKeyHex);
  if (key === null) throw new RangeError('an SM2 public key is 130 hex characters starting 04');
  return sm3(Buffer.concat([preparedKey(key).z, bytesOf(message)]));
}

export function generateSm2KeyPair(): Sm2KeyPair {
  // No argument: with one, sm-crypto-v2 derives the key from it instead of from the CSPRNG.
  const pair = sm2.generateKeyPairHex();
  return { privateKey: pair.privateKey, publicKey: pair.publicKey };
}

/**
 * Signs utf8 text or bytes; returns r||s as 128 hex characters. `publicKeyHex` must be the pair's
 * public key (it is hashed into Z_A); pass it to spare deriving it on every call.
 */
export function sm2Sign(privateKeyHex: string, message: string | Uint8Array, publicKeyHex?: string): string {
  const privateKey = privateKeyHex.toLowerCase();
  const d = PRIVATE_KEY.test(privateKey) ? BigInt(`0x${privateKey}`) : 0n;
  // d = n-1 has no (1+d)^-1 mod n; GB/T 32918.1 draws d from [1, n-2].
  if (d < 1n || d > N - 2n) throw new RangeError('an SM2 private key is 64 hex characters in [1, n-2]');
  const publicKey = publicKeyHex ?? sm2.getPublicKeyFromPrivateKey(privateKey);
  return sm2.doSignature(sm2Digest(publicKey, message), privateKey, { hash: false, der: false });
}

/** Verifies a 128-hex r||s signature over utf8 text or bytes; false for anything malformed. */
export function sm2Verify(publicKeyHex: string, message: string | Uint8Array, signatureHex: string): boolean {
  const key = normalPublicKey(publicKeyHex);
  const signature = signatureHex.toLowerCase();
  if (key === null || !SIGNATURE.test(signature)) return false;
  // GB/T 32918.2 §7.1 B1–B2: r and s in [1, n-1]. sm-crypto-v2 does not check this itself.
  const r = BigInt(`0x${signature.slice(0, 64)}`);
  const s = BigInt(`0x${signature.slice(64)}`);
  if (r < 1n || r >= N || s < 1n || s >= N) return false;
  try {
    const entry = preparedKey(key);
    // Precomputing costs ~40 ms and makes each later verification ~5× faster: once per key.
    entry.point ??= sm2.precomputePublicKey(key);
    const e = sm3(Buffer.concat([entry.z, bytesOf(message)]));
    return sm2.doVerifySignature(e, signature, entry.point, { hash: false, der: false });
  } catch {
    // A public key off the curve fails here, as a verification that does not hold.
    return false;
  }
}
