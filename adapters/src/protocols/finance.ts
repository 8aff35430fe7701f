/**
 * The finance bureau's GM envelope (upstream-protocols.md, "Finance bureau"), both sides:
 * SM4-CBC-PKCS7 payload under a shared data key chosen by keyId, SM2 signature over
 * appId|keyId|timestamp|nonce|iv|payload (responses append |requestNonce). Timestamps in ms.
 */
import { randomBytes } from 'node:crypto';
import { ProtocolError } from '../errors';
import { generateSm2KeyPair, sm2Sign, sm2Verify, sm4CbcDecrypt, sm4CbcEncrypt, type Sm2KeyPair } from '../crypto';
import { assertFresh, assertNonceShape, newNonce, systemClock, type Clock, type ReplayGuard } from './freshness';
import { parseJsonObject, requireSafeInteger, requireString } from './json-object';

/** `POST /api/v1/{operation}`. */
export type FinanceOperation = 'disbursements.query' | 'programs.list';
export const financePath = (operation: FinanceOperation): string => `/api/v1/${operation}`;

/** The data keys an app shares with the bureau; the previous key stays listed during a rotation. */
export interface FinanceDataKeys {
  currentKeyId: string;
  /** keyId → 16-byte SM4 key. */
  byId: ReadonlyMap<string, Buffer>;
}

export interface FinanceClientKeys {
  appId: string;
  dataKeys: FinanceDataKeys;
  appKeyPair: Sm2KeyPair;
  /** Uncompressed hex (04…). */
  bureauPublicKey: string;
  /** During a rotation, the bureau's previous key: answers signed with either verify. */
  previousBureauPublicKey?: string;
}

export interface FinanceAppRegistration {
  appPublicKey: string;
  /** During a rotation, the app's previous key: requests signed with either verify. */
  previousAppPublicKey?: string;
  /** keyId → 16-byte SM4 key: the current and, during a rotation, the previous key. */
  dataKeys: ReadonlyMap<string, Buffer>;
}

export interface FinanceServerKeys {
  bureauKeyPair: Sm2KeyPair;
  /** appId → the app's public key and data keys. */
  apps: ReadonlyMap<string, FinanceAppRegistration>;
}

/** The wire shape of both requests and responses. */
export interface FinanceEnvelope {
  appId: string;
  keyId: string;
  timestamp: number;
  nonce: string;
  iv: string;
  payload: string;
  signature: string;
}

export interface FinanceSealOptions {
  clock?: Clock;
  /** Fixed nonce / IV, for tests only; fresh random values otherwise. */
  nonce?: string;
  iv?: Buffer;
}

export interface FinanceOpenOptions {
  clock?: Clock;
  replayGuard: ReplayGuard;
}

/** What the server needs from an opened request to answer it. */
export interface FinanceRequestContext {
  appId: string;
  keyId: string;
  nonce: string;
}

export interface OpenedFinanceRequest extends FinanceRequestContext {
  request: Record<string, unknown>;
}

type UnsignedEnvelope = Omit<FinanceEnvelope, 'signature'>;

/** The exact signed text; responses pass the request's nonce. */
export function financeSignedString(envelope: UnsignedEnvelope, requestNonce?: string): string {
  const fields = [envelope.appId, envelope.keyId, String(envelope.timestamp), envelope.nonce, envelope.iv, envelope.payload];
  if (requestNonce !== undefined) fields.push(requestNonce);
  return fields.join('|');
}

function seal(
  signer: Sm2KeyPair,
  head: { appId: string; keyId: string; dataKey: Buffer },
  body: object,
  requestNonce: string | undefined,
  options: FinanceSealOptions,
): FinanceEnvelope {
  const iv = options.iv ?? randomBytes(16);
  const unsigned: UnsignedEnvelope = {
    appId: head.appId,
    keyId: head.keyId,
    timestamp: (options.clock ?? systemClock)(),
    nonce: options.nonce ?? newNonce(),
    iv: iv.toString('hex'),
    payload: sm4CbcEncrypt(head.dataKey, iv, Buffer.from(JSON.stringify(body), 'utf8')).toString('hex'),
  };
  const signature = sm2Sign(signer.privateKey, financeSignedString(unsigned, requestNonce), signer.publicKey);
  return { ...unsigned, signature };
}

function parseEnvelope(body: string | Uint8Array): FinanceEnvelope {
  const raw = parseJsonObject(body, 'finance envelope');
  const envelope: FinanceEnvelope = {
    appId: requireString(raw, 'appId'),
    keyId: requireString(raw, 'keyId'),
    timestamp: requireSafeInteger(raw, 'timestamp'),
    nonce: requireString(raw, 'nonce'),
    iv: requireString(raw, 'iv', /^[0-9a-fA-F]{32}$/),
    payload: requireString(raw, 'payload', /^(?:[0-9a-fA-F]{2})+$/),
    signature: requireString(raw, 'signature'),
  };
  assertNonceShape(envelope.nonce);
  return envelope;
}

// The signature is checked before any decryption so that unauthenticated bytes never reach the
// cipher: distinct BAD_CIPHERTEXT/MALFORMED answers to forged input would be a padding oracle.
// The SM2 keys have no id on the wire (keyId names the data key), so during a rotation the
// current then the previous public key is tried.
function verifySignature(envelope: FinanceEnvelope, publicKeys: ReadonlyArray<string | undefined>, requestNonce?: string): void {
  const signed = financeSignedString(envelope, requestNonce);
  if (!publicKeys.some((publicKey) => publicKey !== undefined && sm2Verify(publicKey, signed, envelope.signature))) {
    throw new ProtocolError('BAD_SIGNATURE', 'finance envelope signature does not verify');
  }
}

function decryptPayload(envelope: FinanceEnvelope, dataKey: Buffer, what: string): Record<string, unknown> {
  const plaintext = sm4CbcDecrypt(dataKey, Buffer.from(envelope.iv, 'hex'), Buffer.from(envelope.payload, 'hex'));
  return parseJsonObject(plaintext, what);
}

/** Client: seals a request under the current data key, signed with the app's key. */
export function sealFinanceRequest(keys: FinanceClientKeys, request: object, options: FinanceSealOptions = {}): FinanceEnvelope {
  const keyId = keys.dataKeys.currentKeyId;
  const dataKey = keys.dataKeys.byId.get(keyId);
  if (dataKey === undefined) throw new RangeError(`finance current key ${keyId} is not among the data keys`);
  return seal(keys.appKeyPair, { appId: keys.appId, keyId, dataKey }, request, undefined, options);
}

/** Server: authenticates and decrypts a request body; throws ProtocolError with the failing check. */
export async function openFinanceRequest(
  keys: FinanceServerKeys,
  body: string | Uint8Array,
  options: FinanceOpenOptions,
): Promise<OpenedFinanceRequest> {
  const envelope = parseEnvelope(body);
  const app = keys.apps.get(envelope.appId);
  if (app === undefined) throw new ProtocolError('UNKNOWN_APP', 'unknown appId');
  const dataKey = app.dataKeys.get(envelope.keyId);
  if (dataKey === undefined) throw new ProtocolError('UNKNOWN_KEY', 'unknown keyId');
  const now = (options.clock ?? systemClock)();
  assertFresh(envelope.timestamp, now);
  verifySignature(envelope, [app.appPublicKey, app.previousAppPublicKey]);
  // The nonce is remembered only once the signature holds, so forged messages cannot burn nonces.
  if (!(await options.replayGuard.remember(`finance:${envelope.appId}`, envelope.nonce, now))) {
    throw new ProtocolError('REPLAY', 'nonce already used inside the window');
  }
  const request = decryptPayload(envelope, dataKey, 'finance request');
  return { appId: envelope.appId, keyId: envelope.keyId, nonce: envelope.nonce, request };
}

/** Server: seals the answer to an opened request under the same data key, bound to its nonce. */
export function sealFinanceResponse(
  keys: FinanceServerKeys,
  context: FinanceRequestContext,
  response: object,
  options: FinanceSealOptions = {},
): FinanceEnvelope {
  const dataKey = keys.apps.get(context.appId)?.dataKeys.get(context.keyId);
  if (dataKey === undefined) throw new ProtocolError('UNKNOWN_KEY', 'no data key for this request');
  return seal(keys.bureauKeyPair, { appId: context.appId, keyId: context.keyId, dataKey }, response, context.nonce, options);
}

/** Client: verifies the bureau's answer to the request with `requestNonce` and decrypts it. */
export async function openFinanceResponse(
  keys: FinanceClientKeys,
  body: string | Uint8Array,
  requestNonce: string,
  options: Partial<FinanceOpenOptions> = {},
): Promise<Record<string, unknown>> {
  const envelope = parseEnvelope(body);
  if (envelope.appId !== keys.appId) throw new ProtocolError('UNKNOWN_APP', 'response is addressed to another app');
  const dataKey = keys.dataKeys.byId.get(envelope.keyId);
  if (dataKey === undefined) throw new ProtocolError('UNKNOWN_KEY', 'unknown keyId');
  const now = (options.clock ?? systemClock)();
  assertFresh(envelope.timestamp, now);
  verifySignature(envelope, [keys.bureauPublicKey, keys.previousBureauPublicKey], requestNonce);
  if (options.replayGuard && !(await options.replayGuard.remember(`finance-response:${keys.appId}`, envelope.nonce, now))) {
    throw new ProtocolError('REPLAY', 'response nonce already seen inside the window');
  }
  return decryptPayload(envelope, dataKey, 'finance response');
}

/** Fresh random key material for one app: what the app holds and what the bureau holds. */
export function generateFinanceKeyMaterial(appId: string): { client: FinanceClientKeys; server: FinanceServerKeys } {
  const keyId = `fin-${randomBytes(4).toString('hex')}`;
  const dataKey = randomBytes(16);
  const appKeyPair = generateSm2KeyPair();
  const bureauKeyPair = generateSm2KeyPair();
  return {
    client: {
      appId,
      dataKeys: { currentKeyId: keyId, byId: new Map([[keyId, dataKey]]) },
      appKeyPair,
      bureauPublicKey: bureauKeyPair.publicKey,
    },
    server: {
      bureauKeyPair,
      apps: new Map([[appId, { appPublicKey: appKeyPair.publicKey, dataKeys: new Map([[keyId, Buffer.from(dataKey)]]) }]]),
    },
  };
}
