/**
 * RSA-2048 through node's OpenSSL: PSS (SHA-256, MGF1-SHA-256, 32-byte salt) signatures and
 * OAEP (SHA-256, MGF1-SHA-256) key wrapping. node-forge is the reference in tests.
 */
import { constants, createPrivateKey, createPublicKey, generateKeyPairSync, privateDecrypt, publicEncrypt, sign, verify, type KeyObject } from 'node:crypto';
import { ProtocolError } from '../errors';

export interface RsaKeyPairPem {
  privateKeyPem: string;
  publicKeyPem: string;
}

export function generateRsaKeyPair(): RsaKeyPairPem {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048, publicExponent: 0x10001 });
  return {
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

export const toPrivateKey = (pem: string): KeyObject => createPrivateKey(pem);
export const toPublicKey = (pem: string): KeyObject => createPublicKey(pem);

const PSS = { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 } as const;

export function rsaPssSign(privateKey: KeyObject, data: Buffer | string): Buffer {
  return sign('sha256', Buffer.from(data), { key: privateKey, ...PSS });
}

export function rsaPssVerify(publicKey: KeyObject, data: Buffer | string, signature: Buffer): boolean {
  try {
    return verify('sha256', Buffer.from(data), { key: publicKey, ...PSS }, signature);
  } catch {
    return false;
  }
}

export function rsaOaepEncrypt(publicKey: KeyObject, data: Buffer): Buffer {
  return publicEncrypt({ key: publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, data);
}

/** Throws BAD_CIPHERTEXT when the wrapped key does not unwrap. */
export function rsaOaepDecrypt(privateKey: KeyObject, data: Buffer): Buffer {
  try {
    return privateDecrypt({ key: privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, data);
  } catch {
    throw new ProtocolError('BAD_CIPHERTEXT', 'RSA-OAEP key does not unwrap');
  }
}
