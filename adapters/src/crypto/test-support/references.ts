/**
 * The reference implementations the tests hold the native primitives to, typed: sm-crypto 0.5.8
 * (pinned in adapters/package.json; untyped upstream) for SM2/SM3/SM4 and node-forge for SHA-256,
 * HMAC-SHA256, AES-GCM and RSA. Callers pass every sm-crypto option explicitly: its defaults
 * (hash, padding, output) changed between releases. Not exported from the package: tests only.
 */
import type { KeyObject } from 'node:crypto';
import forge from 'node-forge';

/** jsbn's BigInteger, as sm-crypto's SM2 takes it in a point pool. */
export interface ReferenceBigInteger {
  toString(radix: number): string;
}

export interface ReferenceSm2Point {
  k: ReferenceBigInteger;
  x1: ReferenceBigInteger;
}

export interface ReferenceSm2Options {
  hash: boolean;
  der: boolean;
  userId: string;
}

export interface SmCrypto {
  sm2: {
    generateKeyPairHex(): { privateKey: string; publicKey: string };
    getPublicKeyFromPrivateKey(privateKey: string): string;
    /** A random k with x1 of kG; its `k.constructor` is jsbn's BigInteger. */
    getPoint(): ReferenceSm2Point;
    doSignature(
      message: string | Uint8Array,
      privateKey: string,
      options: ReferenceSm2Options & { publicKey: string; pointPool?: ReferenceSm2Point[] },
    ): string;
    doVerifySignature(message: string | Uint8Array, signatureHex: string, publicKey: string, options: ReferenceSm2Options): boolean;
  };
  /** Strings are utf8; an HMAC key given as a string is hex. Returns hex. */
  sm3(input: string | Uint8Array, options?: { mode: 'hmac'; key: Uint8Array }): string;
  sm4: {
    encrypt(input: Uint8Array, keyHex: string, options: Sm4ReferenceOptions): number[];
    /** Throws on bad padding. */
    decrypt(input: Uint8Array, keyHex: string, options: Sm4ReferenceOptions): number[];
  };
}

export interface Sm4ReferenceOptions {
  mode: 'ecb' | 'cbc';
  padding: 'pkcs#7' | 'none';
  /** Hex; CBC only. */
  iv?: string;
  output: 'array';
}

// require, not import: sm-crypto ships no types, SmCrypto above is the part we use.
export const smCrypto = require('sm-crypto') as SmCrypto;

type BigIntegerConstructor = new (value: string, radix: number) => ReferenceBigInteger;
let bigIntegerConstructor: BigIntegerConstructor | undefined;

/** jsbn BigInteger from hex, built with sm-crypto's own constructor (jsbn is not our dependency). */
export function referenceBigInteger(hex: string): ReferenceBigInteger {
  bigIntegerConstructor ??= smCrypto.sm2.getPoint().k.constructor as BigIntegerConstructor;
  return new bigIntegerConstructor(hex, 16);
}

const bin = (bytes: Uint8Array): string => Buffer.from(bytes).toString('binary');
const bytes = (binary: string): Buffer => Buffer.from(binary, 'binary');

/** AES-256-GCM, 12-byte IV, 16-byte tag, no AAD, through node-forge. */
export function forgeAesGcmEncrypt(key: Buffer, iv: Buffer, plaintext: Buffer): { ciphertext: Buffer; tag: Buffer } {
  const cipher = forge.cipher.createCipher('AES-GCM', bin(key));
  cipher.start({ iv: bin(iv), tagLength: 128 });
  cipher.update(forge.util.createBuffer(bin(plaintext)));
  cipher.finish();
  return { ciphertext: bytes(cipher.output.getBytes()), tag: bytes(cipher.mode.tag.getBytes()) };
}

/** null when the tag does not authenticate. */
export function forgeAesGcmDecrypt(key: Buffer, iv: Buffer, ciphertext: Buffer, tag: Buffer): Buffer | null {
  const decipher = forge.cipher.createDecipher('AES-GCM', bin(key));
  decipher.start({ iv: bin(iv), tagLength: 128, tag: forge.util.createBuffer(bin(tag)) });
  decipher.update(forge.util.createBuffer(bin(ciphertext)));
  return decipher.finish() ? bytes(decipher.output.getBytes()) : null;
}

export function forgeSha256Hex(data: Buffer): string {
  const md = forge.md.sha256.create();
  md.update(bin(data));
  return md.digest().toHex();
}

export function forgeHmacSha256Hex(key: Buffer, data: Buffer): string {
  const hmac = forge.hmac.create();
  hmac.start('sha256', bin(key));
  hmac.update(bin(data));
  return hmac.digest().toHex();
}

export const forgePrivateKey = (key: KeyObject): forge.pki.rsa.PrivateKey =>
  forge.pki.privateKeyFromPem(key.export({ type: 'pkcs1', format: 'pem' }).toString());
export const forgePublicKey = (key: KeyObject): forge.pki.rsa.PublicKey =>
  forge.pki.publicKeyFromPem(key.export({ type: 'spki', format: 'pem' }).toString()) as forge.pki.rsa.PublicKey;

const sha256 = (): forge.md.MessageDigest => forge.md.sha256.create();
// The project's parameters (rsa.ts): SHA-256, MGF1-SHA-256, 32-byte salt; OAEP with SHA-256 for both.
const pss = (): forge.pss.PSS => forge.pss.create({ md: sha256(), mgf: forge.mgf.mgf1.create(sha256()), saltLength: 32 });
const oaep = (): { md: forge.md.MessageDigest; mgf1: { md: forge.md.MessageDigest } } => ({ md: sha256(), mgf1: { md: sha256() } });

export function forgePssSign(key: forge.pki.rsa.PrivateKey, data: Buffer): Buffer {
  const md = sha256();
  md.update(bin(data));
  return bytes(key.sign(md, pss()));
}

export function forgePssVerify(key: forge.pki.rsa.PublicKey, data: Buffer, signature: Buffer): boolean {
  const md = sha256();
  md.update(bin(data));
  try {
    return key.verify(md.digest().bytes(), bin(signature), pss());
  } catch {
    return false;
  }
}

export const forgeOaepEncrypt = (key: forge.pki.rsa.PublicKey, data: Buffer): Buffer => bytes(key.encrypt(bin(data), 'RSA-OAEP', oaep()));
export const forgeOaepDecrypt = (key: forge.pki.rsa.PrivateKey, data: Buffer): Buffer => bytes(key.decrypt(bin(data), 'RSA-OAEP', oaep()));
