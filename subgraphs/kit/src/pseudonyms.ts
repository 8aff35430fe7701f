/**
 * Pseudonyms for a person: a public `id` (HMAC-SM3 of the ID number, one-way) and a sealed `ref`
 * (SM4-CBC of the ID number) that only the subgraphs can open. Both are deterministic so the same
 * person always gets the same id and ref, which the federation key `id ref` relies on.
 *
 * Deterministic also means they can be remembered: one query plan opens the same ref and derives
 * the same id in several fetches, and the crypto was a quarter of a subgraph's CPU on a batch. The
 * memo is process-local and bounded, holds only what this process computed or opened itself (a
 * forged ref is never remembered), and is never logged; holding ID numbers next to their
 * pseudonyms in memory is no more than the civil-affairs replica or a bureau answer already holds.
 */
import { timingSafeEqual } from 'node:crypto';
import { GraphQLError } from 'graphql';
import { hmacSm3, hmacSm3Hex, sm4CbcDecrypt, sm4CbcEncrypt } from '@huimin/adapters';
import { BoundedMemo } from './bounded-memo';

export interface PseudonymKeys {
  /** HMAC-SM3 key for ids; at least 16 bytes. */
  idKey: Buffer;
  /** SM4 key (exactly 16 bytes) that also derives each ref's iv. */
  refKey: Buffer;
}

export interface PseudonymOptions {
  /** People remembered per memo (ids, refs, opened refs, opened keys), least recently used dropped first; 0 turns the memo off. Default 10 000. */
  memoSize?: number;
}

/** Enough for the largest citizens(ids:) batch (500) many times over, a few MB at most. */
export const DEFAULT_PSEUDONYM_MEMO_SIZE = 10_000;

export interface Pseudonyms {
  /** hex HMAC-SM3(idKey, idNumber). */
  idOf(idNumber: string): string;
  /** base64url(iv || SM4-CBC(refKey, iv, idNumber)), iv = first 16 bytes of HMAC-SM3(refKey, idNumber). */
  refOf(idNumber: string): string;
  /** The ID number inside a ref; a forged or damaged ref is BAD_USER_INPUT. */
  openRef(ref: string): string;
  /**
   * The ID number behind a Citizen key `id ref`: openRef, then the id re-derived and compared, so
   * a representation cannot pair one person's id with another's ref (BAD_USER_INPUT).
   */
  openKey(id: string, ref: string): string;
}

const IV_BYTES = 16;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

function badRef(): GraphQLError {
  return new GraphQLError('Malformed citizen reference', { extensions: { code: 'BAD_USER_INPUT' } });
}

function mismatchedKey(): GraphQLError {
  return new GraphQLError('Citizen id and reference do not match', { extensions: { code: 'BAD_USER_INPUT' } });
}

export function createPseudonyms(keys: PseudonymKeys, options: PseudonymOptions = {}): Pseudonyms {
  if (keys.idKey.length < 16) throw new RangeError('pseudonyms.idKey must be at least 16 bytes');
  if (keys.refKey.length !== 16) throw new RangeError('pseudonyms.refKey must be exactly 16 bytes (SM4)');
  const idKey = Buffer.from(keys.idKey);
  const refKey = Buffer.from(keys.refKey);
  const memoSize = options.memoSize ?? DEFAULT_PSEUDONYM_MEMO_SIZE;
  const ids = new BoundedMemo<string, string>(memoSize);
  const refs = new BoundedMemo<string, string>(memoSize);
  /** ref -> ID number, for refs that opened here. */
  const opened = new BoundedMemo<string, string>(memoSize);
  /** ref -> its ID number and the id derived from it: one lookup per representation on the hot path. */
  const keysByRef = new BoundedMemo<string, { id: string; idNumber: string }>(memoSize);
  const ivOf = (plaintext: string): Buffer => hmacSm3(refKey, plaintext).subarray(0, IV_BYTES);
  const derive = (idNumber: string): string => hmacSm3Hex(idKey, idNumber);

  const seal = (idNumber: string): string => {
    const iv = ivOf(idNumber);
    const sealed = sm4CbcEncrypt(refKey, iv, Buffer.from(idNumber, 'utf8'));
    return Buffer.concat([iv, sealed]).toString('base64url');
  };

  const open = (ref: string): string => {
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
  };

  const idOf = (idNumber: string): string => ids.through(idNumber, derive);
  // Only refs that opened are remembered (a throw remembers nothing), so a hit is a ref we sealed.
  const openRef = (ref: string): string => opened.through(ref, open);
  const keyOf = (ref: string): { id: string; idNumber: string } => {
    const idNumber = openRef(ref);
    return { id: idOf(idNumber), idNumber };
  };

  return {
    idOf,
    refOf: (idNumber) => refs.through(idNumber, seal),
    openRef,
    openKey(id, ref) {
      const key = keysByRef.through(ref, keyOf);
      if (key.id !== id) throw mismatchedKey();
      return key.idNumber;
    },
  };
}
