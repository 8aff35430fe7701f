/**
 * SM2 signatures (GB/T 32918) with SM3 and the default user ID 1234567812345678, raw r||s hex.
 * sm-crypto-v2 (noble curves) signs ~40× faster than sm-crypto with byte-compatible output; the
 * options are all passed explicitly because the libraries' defaults differ between releases.
 */
import { sm2 } from 'sm-crypto-v2';

export const SM2_DEFAULT_USER_ID = '1234567812345678';

export interface Sm2KeyPair {
  /** 64 hex characters. */
  privateKey: string;
  /** Uncompressed, 130 hex characters starting 04. */
  publicKey: string;
}

export function generateSm2KeyPair(): Sm2KeyPair {
  const pair = sm2.generateKeyPairHex();
  return { privateKey: pair.privateKey, publicKey: pair.publicKey };
}

/** A verifier with the public key's multiples precomputed (faster verification of many messages). */
export type Sm2PublicKey = ReturnType<typeof sm2.precomputePublicKey>;

export function prepareSm2PublicKey(publicKeyHex: string): Sm2PublicKey {
  return sm2.precomputePublicKey(publicKeyHex);
}

/** Signs utf8 text or bytes; returns r||s as 128 hex characters. */
export function sm2Sign(privateKeyHex: string, message: string | Uint8Array, publicKeyHex?: string): string {
  return sm2.doSignature(message, privateKeyHex, {
    hash: true,
    der: false,
    userId: SM2_DEFAULT_USER_ID,
    ...(publicKeyHex ? { publicKey: publicKeyHex } : {}),
  });
}

export function sm2Verify(publicKey: string | Sm2PublicKey, message: string | Uint8Array, signatureHex: string): boolean {
  if (!/^[0-9a-fA-F]{128}$/.test(signatureHex)) return false;
  try {
    return sm2.doVerifySignature(message, signatureHex, publicKey, { hash: true, der: false, userId: SM2_DEFAULT_USER_ID });
  } catch {
    return false;
  }
}
