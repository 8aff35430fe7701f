/**
 * The civil-affairs bureau's RSA-2048 REST protocol, both sides (upstream-protocols.md, "Civil
 * affairs"). Requests are signed with the app's key (RSASSA-PSS-SHA256); responses are sealed
 * with a fresh AES-256-GCM key wrapped (RSA-OAEP-SHA256) for the app and signed by the bureau
 * over `iv|ciphertext|tag|requestNonce`, so an answer cannot be replayed onto another request.
 */
import { createHash, randomBytes, type KeyObject } from 'node:crypto';
import { ProtocolError } from '../errors';
import { aesGcmDecrypt, aesGcmEncrypt } from '../crypto/aes-gcm';
import { generateRsaKeyPair, rsaOaepDecrypt, rsaOaepEncrypt, rsaPssSign, rsaPssVerify, toPrivateKey, toPublicKey } from '../crypto/rsa';
import { assertFresh, assertNonceShape, newNonce, type ReplayGuard } from './freshness';
import {
  decodeBase64,
  keyFromRing,
  ownEntry,
  parseJsonPayload,
  parseTimestampMs,
  requireHeader,
  type HeaderSource,
  type KeyRing,
} from './envelope-fields';

/** What the app holds. */
export interface CivilClientKeys {
  appId: string;
  /** The app's current key: requests are signed with it and answers are wrapped for it. */
  appKey: { keyId: string; privateKey: KeyObject };
  /** The bureau's answer-signing keys, by the `keyId` the answer names. */
  bureauPublicKeys: KeyRing<KeyObject>;
}

/** What the bureau holds. */
export interface CivilServerKeys {
  bureauKey: { keyId: string; privateKey: KeyObject };
  /** Registered apps → their public keys (current and, during a rotation, previous). */
  apps: Readonly<Record<string, KeyRing<KeyObject>>>;
}

export type CivilRequestHeaders = Record<'X-App-Id' | 'X-Key-Id' | 'X-Timestamp' | 'X-Nonce' | 'X-Signature', string>;

/** The request facts the answer is bound to. */
export interface CivilRequestContext {
  appId: string;
  /** The app key the request was signed with; the answer's AES key is wrapped for it. */
  keyId: string;
  nonce: string;
}

/**
 * The answer envelope. `keyId` names the bureau key that signed it (so the app can follow a
 * bureau rotation); the wrapping key is the app key named by the request's X-Key-Id.
 */
export interface CivilResponseEnvelope {
  keyId: string;
  encryptedKey: string;
  iv: string;
  ciphertext: string;
  tag: string;
  signature: string;
}

/** Nonces are remembered per app, so two apps can never collide on each other's nonces. */
const replayScope = (appId: string): string => `civil-affairs/${appId}`;

const sha256Hex = (body: Buffer | string): string => createHash('sha256').update(body).digest('hex');

/**
 * `path` is the request target as sent: the path plus, for GET, `?` and the query string
 * (`/exports/daily?date=2026-11-01`). Signing the query is what stops a captured export request
 * being replayed for another date; both sides serialise the query with URLSearchParams so the
 * bytes agree.
 */
function requestSigningString(method: string, path: string, timestamp: string, nonce: string, body: Buffer | string): string {
  return `${method}\n${path}\n${timestamp}\n${nonce}\n${sha256Hex(body)}`;
}

/** Client: the five request headers. `nowMs`/`nonce` are injectable for tests. */
export function signCivilRequest(options: {
  method: 'GET' | 'POST';
  path: string;
  body: string;
  keys: CivilClientKeys;
  nowMs: number;
  nonce?: string;
}): { headers: CivilRequestHeaders; nonce: string } {
  const nonce = options.nonce ?? newNonce();
  const timestamp = String(options.nowMs);
  const signed = requestSigningString(options.method, options.path, timestamp, nonce, options.body);
  const signature = rsaPssSign(options.keys.appKey.privateKey, signed).toString('base64');
  return {
    nonce,
    headers: {
      'X-App-Id': options.keys.appId,
      'X-Key-Id': options.keys.appKey.keyId,
      'X-Timestamp': timestamp,
      'X-Nonce': nonce,
      'X-Signature': signature,
    },
  };
}

/**
 * Server: checks a request in cost order (shape, app, key, clock, signature) and only then
 * records the nonce, so unsigned traffic cannot burn an app's nonces.
 */
export async function verifyCivilRequest(options: {
  method: string;
  /** Path plus `?query` when there is one (see signCivilRequest). */
  path: string;
  headers: HeaderSource;
  body: Buffer;
  keys: CivilServerKeys;
  replayGuard: ReplayGuard;
  nowMs: number;
}): Promise<CivilRequestContext> {
  const { headers } = options;
  const appId = requireHeader(headers, 'X-App-Id');
  const keyId = requireHeader(headers, 'X-Key-Id');
  const timestamp = requireHeader(headers, 'X-Timestamp');
  const nonce = requireHeader(headers, 'X-Nonce');
  const signatureText = requireHeader(headers, 'X-Signature');
  const ring = ownEntry(options.keys.apps, appId);
  if (!ring) throw new ProtocolError('UNKNOWN_APP', 'unknown app');
  const publicKey = keyFromRing(ring, keyId);
  if (!publicKey) throw new ProtocolError('UNKNOWN_KEY', 'unknown key id for this app');
  const timestampMs = parseTimestampMs(timestamp);
  assertNonceShape(nonce);
  assertFresh(timestampMs, options.nowMs);
  const signature = decodeBase64(signatureText, 'X-Signature');
  const signed = requestSigningString(options.method, options.path, timestamp, nonce, options.body);
  if (!rsaPssVerify(publicKey, signed, signature)) throw new ProtocolError('BAD_SIGNATURE', 'request signature does not verify');
  if (!(await options.replayGuard.remember(replayScope(appId), nonce, options.nowMs))) {
    throw new ProtocolError('REPLAY', 'nonce already used inside the window');
  }
  return { appId, keyId, nonce };
}

const responseSigningString = (iv: string, ciphertext: string, tag: string, requestNonce: string): string =>
  `${iv}|${ciphertext}|${tag}|${requestNonce}`;

/** Server: seals the JSON answer for the app that sent the request. */
export function sealCivilResponse(options: { body: string; request: CivilRequestContext; keys: CivilServerKeys }): CivilResponseEnvelope {
  const ring = ownEntry(options.keys.apps, options.request.appId);
  const appPublicKey = ring ? keyFromRing(ring, options.request.keyId) : undefined;
  if (!appPublicKey) throw new ProtocolError('UNKNOWN_KEY', 'no public key for the requesting app key');
  const aesKey = randomBytes(32);
  const ivBytes = randomBytes(12);
  const sealed = aesGcmEncrypt(aesKey, ivBytes, Buffer.from(options.body, 'utf8'));
  const iv = ivBytes.toString('base64');
  const ciphertext = sealed.ciphertext.toString('base64');
  const tag = sealed.tag.toString('base64');
  const signed = responseSigningString(iv, ciphertext, tag, options.request.nonce);
  return {
    keyId: options.keys.bureauKey.keyId,
    encryptedKey: rsaOaepEncrypt(appPublicKey, aesKey).toString('base64'),
    iv,
    ciphertext,
    tag,
    signature: rsaPssSign(options.keys.bureauKey.privateKey, signed).toString('base64'),
  };
}

function parseEnvelope(bodyText: string): CivilResponseEnvelope {
  let parsed: unknown;
  try {
    parsed = JSON.parse(bodyText);
  } catch {
    throw new ProtocolError('MALFORMED', 'answer is not a JSON envelope');
  }
  if (typeof parsed !== 'object' || parsed === null) throw new ProtocolError('MALFORMED', 'answer is not a JSON envelope');
  const fields = parsed as Record<string, unknown>;
  const envelope: Partial<CivilResponseEnvelope> = {};
  for (const name of ['keyId', 'encryptedKey', 'iv', 'ciphertext', 'tag', 'signature'] as const) {
    const value = fields[name];
    if (typeof value !== 'string') throw new ProtocolError('MALFORMED', `envelope field ${name} missing`);
    envelope[name] = value;
  }
  return envelope as CivilResponseEnvelope;
}

/**
 * Client: verifies the bureau's signature first (nothing is unwrapped or decrypted for an
 * unauthenticated answer), then unwraps the AES key and decrypts. Returns the parsed JSON.
 */
export function openCivilResponse(options: { bodyText: string; requestNonce: string; keys: CivilClientKeys }): unknown {
  const envelope = parseEnvelope(options.bodyText);
  const bureauKey = keyFromRing(options.keys.bureauPublicKeys, envelope.keyId);
  if (!bureauKey) throw new ProtocolError('UNKNOWN_KEY', 'answer signed with an unknown bureau key');
  const iv = decodeBase64(envelope.iv, 'iv', 12);
  const ciphertext = decodeBase64(envelope.ciphertext, 'ciphertext');
  const tag = decodeBase64(envelope.tag, 'tag', 16);
  const signature = decodeBase64(envelope.signature, 'signature');
  const encryptedKey = decodeBase64(envelope.encryptedKey, 'encryptedKey');
  const signed = responseSigningString(envelope.iv, envelope.ciphertext, envelope.tag, options.requestNonce);
  if (!rsaPssVerify(bureauKey, signed, signature)) throw new ProtocolError('BAD_SIGNATURE', 'answer signature does not verify');
  const aesKey = rsaOaepDecrypt(options.keys.appKey.privateKey, encryptedKey);
  if (aesKey.length !== 32) throw new ProtocolError('BAD_CIPHERTEXT', 'wrapped key is not an AES-256 key');
  return parseJsonPayload(aesGcmDecrypt(aesKey, iv, { ciphertext, tag }));
}

/** Fresh RSA-2048 keys for one app and the bureau, matched on both sides (tests, dev stack). */
export function generateCivilKeyMaterial(appId: string): { client: CivilClientKeys; server: CivilServerKeys } {
  const app = generateRsaKeyPair();
  const bureau = generateRsaKeyPair();
  const appKeyId = `${appId}-${newNonce().slice(0, 8)}`;
  const bureauKeyId = `civil-affairs-${newNonce().slice(0, 8)}`;
  return {
    client: {
      appId,
      appKey: { keyId: appKeyId, privateKey: toPrivateKey(app.privateKeyPem) },
      bureauPublicKeys: { current: { keyId: bureauKeyId, key: toPublicKey(bureau.publicKeyPem) } },
    },
    server: {
      bureauKey: { keyId: bureauKeyId, privateKey: toPrivateKey(bureau.privateKeyPem) },
      apps: { [appId]: { current: { keyId: appKeyId, key: toPublicKey(app.publicKeyPem) } } },
    },
  };
}
