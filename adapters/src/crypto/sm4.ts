/** SM4 (GB/T 32907) in CBC and ECB with PKCS#7 padding, through node's OpenSSL. */
import { createCipheriv, createDecipheriv } from 'node:crypto';
import { ProtocolError } from '../errors';

function checkKey(key: Buffer): void {
  if (key.length !== 16) throw new RangeError('SM4 keys are 16 bytes');
}

export function sm4CbcEncrypt(key: Buffer, iv: Buffer, plaintext: Buffer): Buffer {
  checkKey(key);
  const cipher = createCipheriv('sm4-cbc', key, iv);
  return Buffer.concat([cipher.update(plaintext), cipher.final()]);
}

/** Throws BAD_CIPHERTEXT on a wrong length or bad padding. */
export function sm4CbcDecrypt(key: Buffer, iv: Buffer, ciphertext: Buffer): Buffer {
  checkKey(key);
  try {
    const decipher = createDecipheriv('sm4-cbc', key, iv);
    return Buffer.concat([decipher.update(ciphertext), decipher.final()]);
  } catch {
    throw new ProtocolError('BAD_CIPHERTEXT', 'SM4-CBC ciphertext does not decrypt');
  }
}

export function sm4EcbEncrypt(key: Buffer, plaintext: Buffer): Buffer {
  checkKey(key);
  const cipher = createCipheriv('sm4-ecb', key, null);
  return Buffer.concat([cipher.update(plaintext), cipher.final()]);
}

/** Throws BAD_CIPHERTEXT on a wrong length or bad padding. */
export function sm4EcbDecrypt(key: Buffer, ciphertext: Buffer): Buffer {
  checkKey(key);
  try {
    const decipher = createDecipheriv('sm4-ecb', key, null);
    return Buffer.concat([decipher.update(ciphertext), decipher.final()]);
  } catch {
    throw new ProtocolError('BAD_CIPHERTEXT', 'SM4-ECB ciphertext does not decrypt');
  }
}
