/**
 * Precomputed SM2 verifiers, one per public key. Precomputing costs ~40 ms and makes every later
 * verification ~5× faster, so it must happen once per key, not once per message.
 */
import { prepareSm2PublicKey, type Sm2PublicKey } from '../crypto';

// Bounded so a long-running process that rotates keys does not grow without limit; the keys held
// here are public, so sharing them across requests leaks nothing.
const MAX_CACHED_KEYS = 256;
const verifiers = new Map<string, Sm2PublicKey>();

/** The precomputed verifier for a public key (130 hex characters, 04…). */
export function sm2VerifierFor(publicKeyHex: string): Sm2PublicKey {
  const key = publicKeyHex.toLowerCase();
  let verifier = verifiers.get(key);
  if (verifier === undefined) {
    verifier = prepareSm2PublicKey(key);
    if (verifiers.size >= MAX_CACHED_KEYS) {
      const oldest = verifiers.keys().next();
      if (!oldest.done) verifiers.delete(oldest.value);
    }
    verifiers.set(key, verifier);
  }
  return verifier;
}
