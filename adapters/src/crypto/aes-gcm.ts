/** AES-256-GCM with a 12-byte IV and a 16-byte tag. */
import { createCipheriv, createDecipheriv } from 'node:crypto';
import { ProtocolError } from '../errors';

export interface GcmSealed {
  ciphertext: Buffer;
  tag: Buffer;
}

export function aesGcmEncrypt(key: Buffer, iv: Buffer, plaintext: Buffer): GcmSealed {
  if (key.length !== 32 || iv.length !== 12) throw new RangeError('AES-256-GCM needs a 32-byte key and a 12-byte IV');
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { ciphertext, tag: cipher.getAuthTag() };
}

/** Throws BAD_CIPHERTEXT when the tag does not authenticate. */
export function aesGcmDecrypt(key: Buffer, iv: Buffer, sealed: GcmSealed): Buffer {
  if (key.length !== 32 || iv.length !== 12 || sealed.tag.length !== 16) {
    throw new ProtocolError('BAD_CIPHERTEXT', 'AES-256-GCM key, IV or tag has the wrong length');
  }
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, iv);
    decipher.setAuthTag(sealed.tag);
    return Buffer.concat([decipher.update(sealed.ciphertext), decipher.final()]);
  } catch {
    throw new ProtocolError('BAD_CIPHERTEXT', 'AES-256-GCM ciphertext does not authenticate');
  }
}
