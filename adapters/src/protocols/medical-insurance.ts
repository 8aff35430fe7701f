/**
 * The national medical-insurance platform's envelope (upstream-protocols.md, "Medical insurance"),
 * both sides. The platform's conventions are weak (SM4-ECB under a key derived from the app
 * secret, a secret mixed into the signed text) and are spoken faithfully here; the weakness stays
 * inside this module. Timestamps on this wire are Unix SECONDS.
 */
import { randomBytes } from 'node:crypto';
import { ProtocolError } from '../errors';
import { generateSm2KeyPair, sm2Sign, sm2Verify, sm4EcbDecrypt, sm4EcbEncrypt, type Sm2KeyPair } from '../crypto';
import { assertFresh, assertNonceShape, newNonce, systemClock, type Clock, type ReplayGuard } from './freshness';
import { parseJsonObject, requireSafeInteger, requireString } from './json-object';

/** `POST /api/{infno}`; 1101 is the insured-person query. */
export type MedicalInfno = '1101';
export const medicalPath = (infno: MedicalInfno): string => `/api/${infno}`;

/** The wire carries no key id: the "key" is the app secret, current or (during a rotation) previous. */
export interface MedicalAppSecrets {
  current: string;
  previous?: string;
}

export type MedicalSecretSlot = 'current' | 'previous';

export interface MedicalClientKeys {
  /** The platform's appCode: at least 16 ASCII characters. */
  appId: string;
  appSecrets: MedicalAppSecrets;
  appKeyPair: Sm2KeyPair;
  bureauPublicKey: string;
  /** During a rotation, the bureau's previous key: answers signed with either verify. */
  previousBureauPublicKey?: string;
}

export interface MedicalAppRegistration {
  appPublicKey: string;
  /** During a rotation, the app's previous key: requests signed with either verify. */
  previousAppPublicKey?: string;
  appSecrets: MedicalAppSecrets;
}

export interface MedicalServerKeys {
  bureauKeyPair: Sm2KeyPair;
  apps: ReadonlyMap<string, MedicalAppRegistration>;
}

export interface MedicalEnvelope {
  data: { encData: string };
  appCode: string;
  version: string;
  encType: string;
  signType: string;
  timestamp: number;
  nonce: string;
  /** Responses only: the request's nonce, signed. */
  reqNonce?: string;
  signData: string;
}

export interface MedicalSealOptions {
  clock?: Clock;
  /** Fixed nonce, for tests only. */
  nonce?: string;
}

export interface MedicalOpenOptions {
  clock?: Clock;
  replayGuard: ReplayGuard;
}

/** What the server needs from an opened request to answer it (which secret, never the secret). */
export interface MedicalRequestContext {
  appId: string;
  nonce: string;
  secretSlot: MedicalSecretSlot;
}

export interface OpenedMedicalRequest extends MedicalRequestContext {
  request: Record<string, unknown>;
}

const APP_CODE = /^[\x20-\x7e]{16,}$/;
const UPPER_HEX = /^(?:[0-9A-F]{2})+$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** K: ASCII of the first 16 characters of UPPER(hex(SM4-ECB(utf8(appId)[0..16], utf8(appSecret)))). */
export function deriveMedicalDataKey(appId: string, appSecret: string): Buffer {
  if (!APP_CODE.test(appId)) throw new ProtocolError('MALFORMED', 'appCode must be at least 16 ASCII characters');
  const derivationKey = Buffer.from(appId, 'utf8').subarray(0, 16);
  const hex = sm4EcbEncrypt(derivationKey, Buffer.from(appSecret, 'utf8')).toString('hex').toUpperCase();
  return Buffer.from(hex.slice(0, 16), 'ascii');
}

function compareCodePoints(a: string, b: string): number {
  const x = Array.from(a, (c) => c.codePointAt(0) ?? 0);
  const y = Array.from(b, (c) => c.codePointAt(0) ?? 0);
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return d;
  }
  return x.length - y.length;
}

/** S: top-level fields but signData/data, plus encData; sorted; empty dropped; `&key=secret`. */
export function medicalSignString(envelope: Readonly<Record<string, unknown>>, encData: string, appSecret: string): string {
  const fields = new Map<string, string>([['encData', encData]]);
  for (const [key, value] of Object.entries(envelope)) {
    if (key === 'signData' || key === 'data' || key === 'encData' || value === undefined || value === null) continue;
    if (typeof value === 'object') throw new ProtocolError('MALFORMED', `envelope field ${key} must be a scalar`);
    fields.set(key, String(value));
  }
  const parts = [...fields.entries()]
    .filter(([, value]) => value !== '')
    .sort(([a], [b]) => compareCodePoints(a, b))
    .map(([key, value]) => `${key}=${value}`);
  return `${parts.join('&')}&key=${appSecret}`;
}

function seal(
  signer: Sm2KeyPair,
  appId: string,
  appSecret: string,
  body: object,
  requestNonce: string | undefined,
  options: MedicalSealOptions,
): MedicalEnvelope {
  const key = deriveMedicalDataKey(appId, appSecret);
  const encData = sm4EcbEncrypt(key, Buffer.from(JSON.stringify(body), 'utf8')).toString('hex').toUpperCase();
  const unsigned = {
    appCode: appId,
    version: '1.0.0',
    encType: 'SM4',
    signType: 'SM2',
    timestamp: Math.floor((options.clock ?? systemClock)() / 1000),
    nonce: options.nonce ?? newNonce(),
    ...(requestNonce !== undefined ? { reqNonce: requestNonce } : {}),
  };
  const signatureHex = sm2Sign(signer.privateKey, medicalSignString(unsigned, encData, appSecret), signer.publicKey);
  return { data: { encData }, ...unsigned, signData: Buffer.from(signatureHex, 'hex').toString('base64') };
}

interface ParsedEnvelope {
  raw: Record<string, unknown>;
  appCode: string;
  timestamp: number;
  nonce: string;
  encData: string;
  signatureHex: string;
}

function parseEnvelope(body: string | Uint8Array): ParsedEnvelope {
  const raw = parseJsonObject(body, 'medical-insurance envelope');
  const data = raw['data'];
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new ProtocolError('MALFORMED', 'envelope field data must be an object');
  const encData = requireString(data as Record<string, unknown>, 'encData', UPPER_HEX);
  const fixed = { version: '1.0.0', encType: 'SM4', signType: 'SM2' } as const;
  for (const [field, expected] of Object.entries(fixed)) {
    if (raw[field] !== expected) throw new ProtocolError('MALFORMED', `envelope field ${field} must be ${expected}`);
  }
  const parsed: ParsedEnvelope = {
    raw,
    appCode: requireString(raw, 'appCode', APP_CODE),
    timestamp: requireSafeInteger(raw, 'timestamp'),
    nonce: requireString(raw, 'nonce'),
    encData,
    signatureHex: Buffer.from(requireString(raw, 'signData', BASE64), 'base64').toString('hex'),
  };
  assertNonceShape(parsed.nonce);
  return parsed;
}

/** Which of the secrets the signature was made with; BAD_SIGNATURE when none. */
function verifiedSlot(envelope: ParsedEnvelope, publicKeys: ReadonlyArray<string | undefined>, secrets: MedicalAppSecrets): MedicalSecretSlot {
  const slots: Array<[MedicalSecretSlot, string | undefined]> = [['current', secrets.current], ['previous', secrets.previous]];
  for (const [slot, secret] of slots) {
    if (secret === undefined) continue;
    const signed = medicalSignString(envelope.raw, envelope.encData, secret);
    // The SM2 keys have no id on the wire either: during a rotation, current then previous.
    if (publicKeys.some((publicKey) => publicKey !== undefined && sm2Verify(publicKey, signed, envelope.signatureHex))) return slot;
  }
  // Without a key id on the wire, a message under a retired secret cannot be told from a forgery.
  throw new ProtocolError('BAD_SIGNATURE', 'medical-insurance envelope signature does not verify');
}

function secretIn(secrets: MedicalAppSecrets, slot: MedicalSecretSlot): string {
  const secret = slot === 'current' ? secrets.current : secrets.previous;
  if (secret === undefined) throw new ProtocolError('UNKNOWN_KEY', 'no previous app secret');
  return secret;
}

function decrypt(envelope: ParsedEnvelope, appSecret: string, what: string): Record<string, unknown> {
  const plaintext = sm4EcbDecrypt(deriveMedicalDataKey(envelope.appCode, appSecret), Buffer.from(envelope.encData, 'hex'));
  return parseJsonObject(plaintext, what);
}

/** Client: seals a request under the current app secret, signed with the app's key. */
export function sealMedicalRequest(keys: MedicalClientKeys, request: object, options: MedicalSealOptions = {}): MedicalEnvelope {
  return seal(keys.appKeyPair, keys.appId, keys.appSecrets.current, request, undefined, options);
}

/** Server: authenticates and decrypts a request body; throws ProtocolError with the failing check. */
export async function openMedicalRequest(
  keys: MedicalServerKeys,
  body: string | Uint8Array,
  options: MedicalOpenOptions,
): Promise<OpenedMedicalRequest> {
  const envelope = parseEnvelope(body);
  if (envelope.raw['reqNonce'] !== undefined) throw new ProtocolError('MALFORMED', 'a request carries no reqNonce');
  const app = keys.apps.get(envelope.appCode);
  if (app === undefined) throw new ProtocolError('UNKNOWN_APP', 'unknown appCode');
  const now = (options.clock ?? systemClock)();
  assertFresh(envelope.timestamp * 1000, now);
  // Signature before decryption: forged bytes never reach the ECB cipher (no padding oracle).
  const secretSlot = verifiedSlot(envelope, [app.appPublicKey, app.previousAppPublicKey], app.appSecrets);
  if (!(await options.replayGuard.remember(`medical:${envelope.appCode}`, envelope.nonce, now))) {
    throw new ProtocolError('REPLAY', 'nonce already used inside the window');
  }
  const request = decrypt(envelope, secretIn(app.appSecrets, secretSlot), 'medical-insurance request');
  return { appId: envelope.appCode, nonce: envelope.nonce, secretSlot, request };
}

/** Server: answers under the secret the request used, with the request's nonce signed in. */
export function sealMedicalResponse(
  keys: MedicalServerKeys,
  context: MedicalRequestContext,
  response: object,
  options: MedicalSealOptions = {},
): MedicalEnvelope {
  const app = keys.apps.get(context.appId);
  if (app === undefined) throw new ProtocolError('UNKNOWN_APP', 'unknown appCode');
  return seal(keys.bureauKeyPair, context.appId, secretIn(app.appSecrets, context.secretSlot), response, context.nonce, options);
}

/** Client: verifies the bureau's answer to the request with `requestNonce` and decrypts it. */
export async function openMedicalResponse(
  keys: MedicalClientKeys,
  body: string | Uint8Array,
  requestNonce: string,
  options: Partial<MedicalOpenOptions> = {},
): Promise<Record<string, unknown>> {
  const envelope = parseEnvelope(body);
  if (envelope.appCode !== keys.appId) throw new ProtocolError('UNKNOWN_APP', 'response is addressed to another app');
  const now = (options.clock ?? systemClock)();
  assertFresh(envelope.timestamp * 1000, now);
  if (typeof envelope.raw['reqNonce'] !== 'string') throw new ProtocolError('MALFORMED', 'a response carries reqNonce');
  // A genuine answer to another request: its signature holds, but not over our nonce.
  if (envelope.raw['reqNonce'] !== requestNonce) throw new ProtocolError('BAD_SIGNATURE', 'response is not bound to this request');
  const slot = verifiedSlot(envelope, [keys.bureauPublicKey, keys.previousBureauPublicKey], keys.appSecrets);
  if (options.replayGuard && !(await options.replayGuard.remember(`medical-response:${keys.appId}`, envelope.nonce, now))) {
    throw new ProtocolError('REPLAY', 'response nonce already seen inside the window');
  }
  return decrypt(envelope, secretIn(keys.appSecrets, slot), 'medical-insurance response');
}

/** Fresh random key material for one app: what the app holds and what the bureau holds. */
export function generateMedicalKeyMaterial(appId: string): { client: MedicalClientKeys; server: MedicalServerKeys } {
  if (!APP_CODE.test(appId)) throw new RangeError('a medical-insurance appId is at least 16 ASCII characters');
  const appSecret = randomBytes(16).toString('hex');
  const appKeyPair = generateSm2KeyPair();
  const bureauKeyPair = generateSm2KeyPair();
  return {
    client: { appId, appSecrets: { current: appSecret }, appKeyPair, bureauPublicKey: bureauKeyPair.publicKey },
    server: { bureauKeyPair, apps: new Map([[appId, { appPublicKey: appKeyPair.publicKey, appSecrets: { current: appSecret } }]]) },
  };
}
