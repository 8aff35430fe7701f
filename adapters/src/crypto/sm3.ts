/** SM3 (GB/T 32905) and HMAC-SM3 through node's OpenSSL; sm-crypto is the reference in tests. */
import { createHash, createHmac } from 'node:crypto';

export function sm3(data: Buffer | string): Buffer {
  return createHash('sm3').update(data).digest();
}

export function sm3Hex(data: Buffer | string): string {
  return createHash('sm3').update(data).digest('hex');
}

export function hmacSm3(key: Buffer | string, data: Buffer | string): Buffer {
  return createHmac('sm3', key).update(data).digest();
}

export function hmacSm3Hex(key: Buffer | string, data: Buffer | string): string {
  return createHmac('sm3', key).update(data).digest('hex');
}
