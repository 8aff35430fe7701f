/**
 * The civil-affairs (RSA-2048 PSS/OAEP + AES-256-GCM) and transit (AES-256-GCM + HMAC-SHA256)
 * envelopes rebuilt on node-forge: the same wire format, signed strings and checks as the
 * protocol modules. Keys are converted to forge's form once, as the modules parse theirs once.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { CIVIL_PERSONS_BATCH_PATH, MemoryReplayGuard, newNonce, type CivilRequestContext, type TransitRequestContext } from '@huimin/adapters';
import { assertFreshMs, headerValue, type BenchKeys, type EnvelopeSides, type Sealed } from '../envelopes';
import {
  referenceAesGcmDecrypt,
  referenceAesGcmEncrypt,
  referenceHmacSha256,
  referenceOaepDecrypt,
  referenceOaepEncrypt,
  referencePssSign,
  referencePssVerify,
  referenceSha256Hex,
  toForgePrivateKey,
  toForgePublicKey,
} from './primitives';

interface GcmEnvelope {
  iv: string;
  ciphertext: string;
  tag: string;
}

function gcmSeal(key: Buffer, plaintext: string): GcmEnvelope {
  const iv = randomBytes(12);
  const sealed = referenceAesGcmEncrypt(key, iv, Buffer.from(plaintext, 'utf8'));
  return { iv: iv.toString('base64'), ciphertext: sealed.ciphertext.toString('base64'), tag: sealed.tag.toString('base64') };
}

function gcmOpen(key: Buffer, envelope: GcmEnvelope): unknown {
  const plaintext = referenceAesGcmDecrypt(key, Buffer.from(envelope.iv, 'base64'), Buffer.from(envelope.ciphertext, 'base64'), Buffer.from(envelope.tag, 'base64'));
  return JSON.parse(plaintext.toString('utf8')) as unknown;
}

export function referenceCivil(keys: BenchKeys['civil']): EnvelopeSides<CivilRequestContext> {
  const serverGuard = new MemoryReplayGuard();
  const { client, server } = keys;
  const appPrivate = toForgePrivateKey(client.appKey.privateKey);
  const bureauPrivate = toForgePrivateKey(server.bureauKey.privateKey);
  const bureauPublic = toForgePublicKey(client.bureauPublicKeys.current.key);
  const appRing = server.apps[client.appId];
  if (appRing === undefined) throw new Error('reference civil: the app is not registered');
  const appPublic = toForgePublicKey(appRing.current.key);
  const requestString = (timestamp: string, nonce: string, body: string): string =>
    `POST\n${CIVIL_PERSONS_BATCH_PATH}\n${timestamp}\n${nonce}\n${referenceSha256Hex(Buffer.from(body, 'utf8'))}`;

  return {
    sealRequest(payload) {
      const body = JSON.stringify(payload);
      const nonce = newNonce();
      const timestamp = String(Date.now());
      const signature = referencePssSign(appPrivate, requestString(timestamp, nonce, body)).toString('base64');
      const headers = { 'X-App-Id': client.appId, 'X-Key-Id': client.appKey.keyId, 'X-Timestamp': timestamp, 'X-Nonce': nonce, 'X-Signature': signature };
      return { body, headers, nonce };
    },
    async openRequest(sealed) {
      const header = (name: string): string => headerValue(sealed.headers, name);
      const appId = header('X-App-Id');
      const keyId = header('X-Key-Id');
      if (appId !== client.appId || keyId !== appRing.current.keyId) throw new Error('reference civil: unknown app or key');
      const timestamp = header('X-Timestamp');
      const nonce = header('X-Nonce');
      assertFreshMs(Number(timestamp), Date.now());
      const signed = requestString(timestamp, nonce, sealed.body);
      if (!referencePssVerify(appPublic, signed, Buffer.from(header('X-Signature'), 'base64'))) throw new Error('reference civil: bad signature');
      if (!(await serverGuard.remember(`civil-affairs/${appId}`, nonce, Date.now()))) throw new Error('reference civil: replay');
      return { context: { appId, keyId, nonce }, request: JSON.parse(sealed.body) as unknown };
    },
    sealResponse(context, payload) {
      const aesKey = randomBytes(32);
      const gcm = gcmSeal(aesKey, JSON.stringify(payload));
      const signed = `${gcm.iv}|${gcm.ciphertext}|${gcm.tag}|${context.nonce}`;
      const envelope = {
        keyId: server.bureauKey.keyId,
        encryptedKey: referenceOaepEncrypt(appPublic, aesKey).toString('base64'),
        ...gcm,
        signature: referencePssSign(bureauPrivate, signed).toString('base64'),
      };
      return { body: JSON.stringify(envelope), headers: {}, nonce: context.nonce };
    },
    async openResponse(sealed, requestNonce) {
      const envelope = JSON.parse(sealed.body) as GcmEnvelope & { keyId: string; encryptedKey: string; signature: string };
      if (envelope.keyId !== client.bureauPublicKeys.current.keyId) throw new Error('reference civil: unknown bureau key');
      const signed = `${envelope.iv}|${envelope.ciphertext}|${envelope.tag}|${requestNonce}`;
      if (!referencePssVerify(bureauPublic, signed, Buffer.from(envelope.signature, 'base64'))) throw new Error('reference civil: bad signature');
      return gcmOpen(referenceOaepDecrypt(appPrivate, Buffer.from(envelope.encryptedKey, 'base64')), envelope);
    },
  };
}

export function referenceTransit(keys: BenchKeys['transit']): EnvelopeSides<TransitRequestContext> {
  const serverGuard = new MemoryReplayGuard();
  const { client, server } = keys;
  const app = server.apps[client.appId];
  if (app === undefined) throw new Error('reference transit: the app is not registered');
  const mac = (secret: Buffer, timestamp: string, nonce: string, body: string): Buffer =>
    referenceHmacSha256(secret, Buffer.from(`${timestamp}|${nonce}|${body}`, 'utf8'));
  const macMatches = (secret: Buffer, signatureHex: string, timestamp: string, nonce: string, body: string): boolean => {
    const given = Buffer.from(signatureHex, 'hex');
    return given.length === 32 && timingSafeEqual(given, mac(secret, timestamp, nonce, body));
  };
  const sealBody = (dataKeys: typeof client.dataKeys, payload: object): string =>
    JSON.stringify({ keyId: dataKeys.current.keyId, ...gcmSeal(dataKeys.current.key, JSON.stringify(payload)) });
  const openBody = (dataKeys: typeof client.dataKeys, body: string): unknown => {
    const envelope = JSON.parse(body) as GcmEnvelope & { keyId: string };
    if (envelope.keyId !== dataKeys.current.keyId) throw new Error('reference transit: unknown data key');
    return gcmOpen(dataKeys.current.key, envelope);
  };

  return {
    sealRequest(payload): Sealed {
      const nonce = newNonce();
      const timestamp = String(Date.now());
      const body = sealBody(client.dataKeys, payload);
      const headers = { 'X-App-Id': client.appId, 'X-Timestamp': timestamp, 'X-Nonce': nonce, 'X-Signature': mac(client.secrets.current, timestamp, nonce, body).toString('hex') };
      return { body, headers, nonce };
    },
    async openRequest(sealed) {
      const header = (name: string): string => headerValue(sealed.headers, name);
      const appId = header('X-App-Id');
      if (appId !== client.appId) throw new Error('reference transit: unknown app');
      const timestamp = header('X-Timestamp');
      const nonce = header('X-Nonce');
      assertFreshMs(Number(timestamp), Date.now());
      if (!macMatches(app.secrets.current, header('X-Signature'), timestamp, nonce, sealed.body)) throw new Error('reference transit: bad MAC');
      if (!(await serverGuard.remember(`transit/${appId}`, nonce, Date.now()))) throw new Error('reference transit: replay');
      return { context: { appId, nonce, secret: 'current' }, request: openBody(app.dataKeys, sealed.body) };
    },
    sealResponse(context, payload) {
      const body = sealBody(app.dataKeys, payload);
      const timestamp = String(Date.now());
      return { body, headers: { 'X-Timestamp': timestamp, 'X-Signature': mac(app.secrets.current, timestamp, context.nonce, body).toString('hex') }, nonce: context.nonce };
    },
    async openResponse(sealed, requestNonce) {
      const timestamp = headerValue(sealed.headers, 'X-Timestamp');
      assertFreshMs(Number(timestamp), Date.now());
      if (!macMatches(client.secrets.current, headerValue(sealed.headers, 'X-Signature'), timestamp, requestNonce, sealed.body)) throw new Error('reference transit: bad MAC');
      return openBody(client.dataKeys, sealed.body);
    },
  };
}
