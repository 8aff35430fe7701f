/**
 * The reference primitives the crypto bench compares the project against: sm-crypto 0.5.8 for
 * SM2/SM3/SM4 (every option explicit: its defaults changed between releases) and node-forge for
 * SHA-256, HMAC-SHA256, AES-256-GCM and RSA-2048 PSS/OAEP. Used by the reference envelopes only.
 */
import type { KeyObject } from 'node:crypto';
import forge from 'node-forge';

interface SmCrypto {
  sm2: {
    doSignature(message: string, privateKey: string, options: { hash: true; der: false; userId: string; publicKey: string }): string;
    doVerifySignature(message: string, signatureHex: string, publicKey: string, options: { hash: true; der: false; userId: string }): boolean;
  };
  sm4: {
    encrypt(input: Uint8Array, keyHex: string, options: Sm4Options): number[];
    decrypt(input: Uint8Array, keyHex: string, options: Sm4Options): number[];
  };
}

interface Sm4Options {
  mode: 'ecb' | 'cbc';
  padding: 'pkcs#7';
  iv?: string;
  output: 'array';
}

// require, not import: sm-crypto ships no types; SmCrypto above is the part used here.
const smCrypto = require('sm-crypto') as SmCrypto;

const SM2_OPTIONS = { hash: true, der: false, userId: '1234567812345678' } as const;

/** SM2 over utf8 text with SM3 and the default user ID, raw r||s hex. */
export const referenceSm2Sign = (privateKey: string, publicKey: string, message: string): string =>
  smCrypto.sm2.doSignature(message, privateKey, { ...SM2_OPTIONS, publicKey });

export function referenceSm2Verify(publicKey: string, message: string, signatureHex: string): boolean {
  try {
    return smCrypto.sm2.doVerifySignature(message, signatureHex, publicKey, SM2_OPTIONS);
  } catch {
    return false;
  }
}

export const referenceSm4CbcEncrypt = (key: Buffer, iv: Buffer, plaintext: Buffer): Buffer =>
  Buffer.from(smCrypto.sm4.encrypt(plaintext, key.toString('hex'), { mode: 'cbc', padding: 'pkcs#7', iv: iv.toString('hex'), output: 'array' }));
export const referenceSm4CbcDecrypt = (key: Buffer, iv: Buffer, ciphertext: Buffer): Buffer =>
  Buffer.from(smCrypto.sm4.decrypt(ciphertext, key.toString('hex'), { mode: 'cbc', padding: 'pkcs#7', iv: iv.toString('hex'), output: 'array' }));
export const referenceSm4EcbEncrypt = (key: Buffer, plaintext: Buffer): Buffer =>
  Buffer.from(smCrypto.sm4.encrypt(plaintext, key.toString('hex'), { mode: 'ecb', padding: 'pkcs#7', output: 'array' }));
export const referenceSm4EcbDecrypt = (key: Buffer, ciphertext: Buffer): Buffer =>
  Buffer.from(smCrypto.sm4.decrypt(ciphertext, key.toString('hex'), { mode: 'ecb', padding: 'pkcs#7', output: 'array' }));

const bin = (bytes: Uint8Array): string => Buffer.from(bytes).toString('binary');
const bytes = (binary: string): Buffer => Buffer.from(binary, 'binary');

export function referenceSha256Hex(data: Buffer): string {
  const md = forge.md.sha256.create();
  md.update(bin(data));
  return md.digest().toHex();
}

export function referenceHmacSha256(key: Buffer, data: Buffer): Buffer {
  const hmac = forge.hmac.create();
  hmac.start('sha256', bin(key));
  hmac.update(bin(data));
  return bytes(hmac.digest().getBytes());
}

export function referenceAesGcmEncrypt(key: Buffer, iv: Buffer, plaintext: Buffer): { ciphertext: Buffer; tag: Buffer } {
  const cipher = forge.cipher.createCipher('AES-GCM', bin(key));
  cipher.start({ iv: bin(iv), tagLength: 128 });
  cipher.update(forge.util.createBuffer(bin(plaintext)));
  cipher.finish();
  return { ciphertext: bytes(cipher.output.getBytes()), tag: bytes(cipher.mode.tag.getBytes()) };
}

export function referenceAesGcmDecrypt(key: Buffer, iv: Buffer, ciphertext: Buffer, tag: Buffer): Buffer {
  const decipher = forge.cipher.createDecipher('AES-GCM', bin(key));
  decipher.start({ iv: bin(iv), tagLength: 128, tag: forge.util.createBuffer(bin(tag)) });
  decipher.update(forge.util.createBuffer(bin(ciphertext)));
  if (!decipher.finish()) throw new Error('reference AES-GCM: tag does not authenticate');
  return bytes(decipher.output.getBytes());
}

export type ForgePrivateKey = forge.pki.rsa.PrivateKey;
export type ForgePublicKey = forge.pki.rsa.PublicKey;

export const toForgePrivateKey = (key: KeyObject): ForgePrivateKey =>
  forge.pki.privateKeyFromPem(key.export({ type: 'pkcs1', format: 'pem' }).toString());
export const toForgePublicKey = (key: KeyObject): ForgePublicKey =>
  forge.pki.publicKeyFromPem(key.export({ type: 'spki', format: 'pem' }).toString()) as ForgePublicKey;

// The project's parameters: PSS with SHA-256, MGF1-SHA-256 and a 32-byte salt; OAEP with SHA-256.
const sha256 = (): forge.md.MessageDigest => forge.md.sha256.create();
const pss = (): forge.pss.PSS => forge.pss.create({ md: sha256(), mgf: forge.mgf.mgf1.create(sha256()), saltLength: 32 });
const oaep = (): { md: forge.md.MessageDigest; mgf1: { md: forge.md.MessageDigest } } => ({ md: sha256(), mgf1: { md: sha256() } });

export function referencePssSign(key: ForgePrivateKey, text: string): Buffer {
  const md = sha256();
  md.update(text, 'utf8');
  return bytes(key.sign(md, pss()));
}

export function referencePssVerify(key: ForgePublicKey, text: string, signature: Buffer): boolean {
  const md = sha256();
  md.update(text, 'utf8');
  try {
    return key.verify(md.digest().bytes(), bin(signature), pss());
  } catch {
    return false;
  }
}

export const referenceOaepEncrypt = (key: ForgePublicKey, data: Buffer): Buffer => bytes(key.encrypt(bin(data), 'RSA-OAEP', oaep()));
export const referenceOaepDecrypt = (key: ForgePrivateKey, data: Buffer): Buffer => bytes(key.decrypt(bin(data), 'RSA-OAEP', oaep()));
