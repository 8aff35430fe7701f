/**
 * The transit bureau's HTTPS envelope, both sides (upstream-protocols.md, "Cards and top-ups over
 * HTTPS"). Bodies are AES-256-GCM under a shared data key named by `keyId`; requests carry
 * X-Signature = hex(HMAC-SHA256(appSecret, timestamp|nonce|body)) and answers
 * hex(HMAC-SHA256(appSecret, timestamp|requestNonce|body)), binding each answer to its request.
 *
 * The spec signs neither method nor path: a GET (empty body) is authenticated only as "this app,
 * at this time, with this nonce". That stays faithful here; TLS is what protects the path.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { ProtocolError } from '../errors';
import { aesGcmDecrypt, aesGcmEncrypt } from '../crypto/aes-gcm';
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

/** HMAC secrets have no id on the wire, so a receiver simply tries the current then the previous. */
export interface TransitAppSecrets {
  current: Buffer;
  previous?: Buffer;
}

/** One app's credentials: its HMAC secrets and the AES-256 data keys, each as held on both sides. */
export interface TransitAppCredentials {
  secrets: TransitAppSecrets;
  dataKeys: KeyRing<Buffer>;
}

export interface TransitClientKeys extends TransitAppCredentials {
  appId: string;
}

export interface TransitServerKeys {
  apps: Readonly<Record<string, TransitAppCredentials>>;
}

export type TransitRequestHeaders = Record<'X-App-Id' | 'X-Timestamp' | 'X-Nonce' | 'X-Signature', string>;
export type TransitResponseHeaders = Record<'X-Timestamp' | 'X-Signature', string>;

/** The request facts the answer is bound to. */
export interface TransitRequestContext {
  appId: string;
  nonce: string;
  /** Which secret verified the request; the answer is signed with the same one. */
  secret: 'current' | 'previous';
}

export interface TransitEnvelope {
  keyId: string;
  iv: string;
  ciphertext: string;
  tag: string;
}

const replayScope = (appId: string): string => `transit/${appId}`;
const MAC_HEX = /^[0-9a-f]{64}$/;

function mac(secret: Buffer, timestamp: string, nonce: string, body: Buffer | string): Buffer {
  return createHmac('sha256', secret).update(`${timestamp}|${nonce}|`).update(body).digest();
}

/** Which secret produced the MAC, compared in constant time; null when neither did. */
function matchingSecret(
  secrets: TransitAppSecrets,
  signatureHex: string,
  timestamp: string,
  nonce: string,
  body: Buffer | string,
): 'current' | 'previous' | null {
  if (!MAC_HEX.test(signatureHex)) throw new ProtocolError('MALFORMED', 'X-Signature must be 64 lower-case hex characters');
  const given = Buffer.from(signatureHex, 'hex');
  if (timingSafeEqual(given, mac(secrets.current, timestamp, nonce, body))) return 'current';
  if (secrets.previous && timingSafeEqual(given, mac(secrets.previous, timestamp, nonce, body))) return 'previous';
  return null;
}

function sealEnvelope(dataKeys: KeyRing<Buffer>, payloadJson: string): string {
  const iv = randomBytes(12);
  const sealed = aesGcmEncrypt(dataKeys.current.key, iv, Buffer.from(payloadJson, 'utf8'));
  const envelope: TransitEnvelope = {
    keyId: dataKeys.current.keyId,
    iv: iv.toString('base64'),
    ciphertext: sealed.ciphertext.toString('base64'),
    tag: sealed.tag.toString('base64'),
  };
  return JSON.stringify(envelope);
}

function openEnvelope(dataKeys: KeyRing<Buffer>, body: Buffer | string): unknown {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString());
  } catch {
    throw new ProtocolError('MALFORMED', 'body is not a JSON envelope');
  }
  if (typeof parsed !== 'object' || parsed === null) throw new ProtocolError('MALFORMED', 'body is not a JSON envelope');
  const fields = parsed as Record<string, unknown>;
  if (typeof fields.keyId !== 'string') throw new ProtocolError('MALFORMED', 'envelope keyId missing');
  const iv = decodeBase64(fields.iv, 'iv', 12);
  const ciphertext = decodeBase64(fields.ciphertext, 'ciphertext');
  const tag = decodeBase64(fields.tag, 'tag', 16);
  const dataKey = keyFromRing(dataKeys, fields.keyId);
  if (!dataKey) throw new ProtocolError('UNKNOWN_KEY', 'unknown data key id');
  return parseJsonPayload(aesGcmDecrypt(dataKey, iv, { ciphertext, tag }));
}

/** Client: seals a payload (POST) or signs an empty body (GET, `payload` undefined). */
export function sealTransitRequest(options: {
  payload?: unknown;
  keys: TransitClientKeys;
  nowMs: number;
  nonce?: string;
}): { headers: TransitRequestHeaders; body: string; nonce: string } {
  const nonce = options.nonce ?? newNonce();
  const timestamp = String(options.nowMs);
  const body = options.payload === undefined ? '' : sealEnvelope(options.keys.dataKeys, JSON.stringify(options.payload));
  return {
    nonce,
    body,
    headers: {
      'X-App-Id': options.keys.appId,
      'X-Timestamp': timestamp,
      'X-Nonce': nonce,
      'X-Signature': mac(options.keys.secrets.current, timestamp, nonce, body).toString('hex'),
    },
  };
}

/**
 * Server: authenticates (app, clock, MAC) before recording the nonce or touching the body, then
 * decrypts. `payload` is null for an empty body (GET).
 */
export async function openTransitRequest(options: {
  headers: HeaderSource;
  body: Buffer;
  keys: TransitServerKeys;
  replayGuard: ReplayGuard;
  nowMs: number;
}): Promise<{ context: TransitRequestContext; payload: unknown }> {
  const appId = requireHeader(options.headers, 'X-App-Id');
  const timestamp = requireHeader(options.headers, 'X-Timestamp');
  const nonce = requireHeader(options.headers, 'X-Nonce');
  const signature = requireHeader(options.headers, 'X-Signature');
  const app = ownEntry(options.keys.apps, appId);
  if (!app) throw new ProtocolError('UNKNOWN_APP', 'unknown app');
  const timestampMs = parseTimestampMs(timestamp);
  assertNonceShape(nonce);
  assertFresh(timestampMs, options.nowMs);
  const secret = matchingSecret(app.secrets, signature, timestamp, nonce, options.body);
  if (!secret) throw new ProtocolError('BAD_SIGNATURE', 'request MAC does not verify');
  if (!(await options.replayGuard.remember(replayScope(appId), nonce, options.nowMs))) {
    throw new ProtocolError('REPLAY', 'nonce already used inside the window');
  }
  const payload = options.body.length === 0 ? null : openEnvelope(app.dataKeys, options.body);
  return { context: { appId, nonce, secret }, payload };
}

/** Server: seals the JSON answer and signs it against the request's nonce. */
export function sealTransitResponse(options: {
  payloadJson: string;
  request: TransitRequestContext;
  keys: TransitServerKeys;
  nowMs: number;
}): { headers: TransitResponseHeaders; body: string } {
  const app = ownEntry(options.keys.apps, options.request.appId);
  const secret = options.request.secret === 'current' ? app?.secrets.current : app?.secrets.previous;
  if (!app || !secret) throw new ProtocolError('UNKNOWN_APP', 'no credentials for the requesting app');
  const body = sealEnvelope(app.dataKeys, options.payloadJson);
  const timestamp = String(options.nowMs);
  return {
    body,
    headers: { 'X-Timestamp': timestamp, 'X-Signature': mac(secret, timestamp, options.request.nonce, body).toString('hex') },
  };
}

/** Client: checks the answer's clock and MAC (against our request nonce) before decrypting. */
export function openTransitResponse(options: {
  headers: HeaderSource;
  bodyText: string;
  requestNonce: string;
  keys: TransitClientKeys;
  nowMs: number;
}): unknown {
  const timestamp = requireHeader(options.headers, 'X-Timestamp');
  const signature = requireHeader(options.headers, 'X-Signature');
  assertFresh(parseTimestampMs(timestamp), options.nowMs);
  if (!matchingSecret(options.keys.secrets, signature, timestamp, options.requestNonce, options.bodyText)) {
    throw new ProtocolError('BAD_SIGNATURE', 'answer MAC does not verify');
  }
  return openEnvelope(options.keys.dataKeys, options.bodyText);
}

/** Fresh secret and data key for one app, matched on both sides (tests, dev stack). */
export function generateTransitKeyMaterial(appId: string): { client: TransitClientKeys; server: TransitServerKeys } {
  const secret = randomBytes(32);
  const dataKey = { keyId: `transit-${newNonce().slice(0, 8)}`, key: randomBytes(32) };
  // Each side gets its own copies, as if loaded from its own files: rotating one never moves the other.
  const credentials = (): TransitAppCredentials => ({
    secrets: { current: Buffer.from(secret) },
    dataKeys: { current: { keyId: dataKey.keyId, key: Buffer.from(dataKey.key) } },
  });
  return { client: { appId, ...credentials() }, server: { apps: { [appId]: credentials() } } };
}
