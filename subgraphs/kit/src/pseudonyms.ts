/**
 * Pseudonyms for a person: a public `id` (HMAC-SM3 of the ID number, one-way) and a sealed `ref`
 * (SM4-CBC of the ID number) that only the subgraphs can open. Both are deterministic so the same
 * person always gets the same id and ref, which the federation key `id ref` relies on.
 */
import { timingSafeEqual } from 'node:crypto';
import { GraphQLError } from 'graphql';
import { hmacSm3, hmacSm3Hex, sm4CbcDecrypt, sm4CbcEncrypt } from '@huimin/adapters';

export interface PseudonymKeys {
  /** HMAC-SM3 key for ids; at least 16 bytes. */
  idKey: Buffer;
  /** SM4 key (exactly 16 bytes) that also derives each ref's iv. */
  refKey: Buffer;
}

export interface Pseudonyms {
  /** hex HMAC-SM3(idKey, idNumber). */
  idOf(idNumber: string): string;
  /** base64url(iv || SM4-CBC(refKey, iv, idNumber)), iv = first 16 bytes of HMAC-SM3(refKey, idNumber). */
  refOf(idNumber: string): string;
  /** The ID number inside a ref; a forged or damaged ref is BAD_USER_INPUT. */
  openRef(ref: string): string;
}

const IV_BYTES = 16;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

function badRef(): GraphQLError {
  return new GraphQLError('Malformed citizen reference', { extensions: { code: 'BAD_USER_INPUT' } });
}

export function createPseudonyms(keys: PseudonymKeys): Pseudonyms {
  if (keys.idKey.length < 16) throw new RangeError('pseudonyms.idKey must be at least 16 bytes');
  if (keys.refKey.length !== 16) throw new RangeError('pseudonyms.refKey must be exactly 16 bytes (SM4)');
  const idKey = Buffer.from(keys.idKey);
  const refKey = Buffer.from(keys.refKey);
  const ivOf = (plaintext: string): Buffer => hmacSm3(refKey, plaintext).subarray(0, IV_BYTES);

  return {
    idOf: (idNumber) => hmacSm3Hex(idKey, idNumber),
    refOf(idNumber) {
      const iv = ivOf(idNumber);
      const sealed = sm4CbcEncrypt(refKey, iv, Buffer.from(idNumber, 'utf8'));
      return Buffer.concat([iv, sealed]).toString('base64url');
    },
    openRef(ref) {
      if (typeof ref !== 'string' || ref.length > 256 || !BASE64URL.test(ref)) throw badRef();
      const bytes = Buffer.from(ref, 'base64url');
      if (bytes.length < IV_BYTES * 2 || bytes.length % IV_BYTES !== 0) throw badRef();
      const iv = bytes.subarray(0, IV_BYTES);
      let plaintext: string;
      try {
        plaintext = sm4CbcDecrypt(refKey, iv, bytes.subarray(IV_BYTES)).toString('utf8');
      } catch {
        throw badRef();
      }
      // The iv is a MAC of the plaintext: re-deriving it rejects refs we did not seal.
      if (!timingSafeEqual(iv, ivOf(plaintext))) throw badRef();
      return plaintext;
    },
  };
}
