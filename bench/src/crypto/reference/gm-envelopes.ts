/**
 * The finance and medical-insurance envelopes (upstream-protocols.md) rebuilt on sm-crypto's SM2
 * and SM4: the same wire format, signed strings and checks as the protocol modules, so the bench
 * compares primitives and nothing else. run.ts checks each direction opens on the other side.
 */
import { randomBytes } from 'node:crypto';
import {
  MemoryReplayGuard,
  financeSignedString,
  medicalSignString,
  newNonce,
  type FinanceEnvelope,
  type FinanceRequestContext,
  type MedicalRequestContext,
} from '@huimin/adapters';
import { assertFreshMs, type BenchKeys, type EnvelopeSides, type Sealed } from '../envelopes';
import {
  referenceSm2Sign,
  referenceSm2Verify,
  referenceSm4CbcDecrypt,
  referenceSm4CbcEncrypt,
  referenceSm4EcbDecrypt,
  referenceSm4EcbEncrypt,
} from './primitives';

const json = (text: string | Buffer): Record<string, unknown> => JSON.parse(text.toString()) as Record<string, unknown>;

export function referenceFinance(keys: BenchKeys['finance']): EnvelopeSides<FinanceRequestContext> {
  const serverGuard = new MemoryReplayGuard();
  const clientGuard = new MemoryReplayGuard();
  const { client, server } = keys;

  function seal(signer: { privateKey: string; publicKey: string }, head: { appId: string; keyId: string; dataKey: Buffer }, body: object, requestNonce?: string): Sealed {
    const iv = randomBytes(16);
    const unsigned = {
      appId: head.appId,
      keyId: head.keyId,
      timestamp: Date.now(),
      nonce: newNonce(),
      iv: iv.toString('hex'),
      payload: referenceSm4CbcEncrypt(head.dataKey, iv, Buffer.from(JSON.stringify(body), 'utf8')).toString('hex'),
    };
    const signature = referenceSm2Sign(signer.privateKey, signer.publicKey, financeSignedString(unsigned, requestNonce));
    return { body: JSON.stringify({ ...unsigned, signature }), headers: {}, nonce: unsigned.nonce };
  }

  function open(envelope: FinanceEnvelope, publicKey: string, dataKeys: ReadonlyMap<string, Buffer>, requestNonce?: string): unknown {
    const dataKey = dataKeys.get(envelope.keyId);
    if (dataKey === undefined) throw new Error('reference finance: unknown keyId');
    assertFreshMs(envelope.timestamp, Date.now());
    if (!referenceSm2Verify(publicKey, financeSignedString(envelope, requestNonce), envelope.signature)) throw new Error('reference finance: bad signature');
    const plaintext = referenceSm4CbcDecrypt(dataKey, Buffer.from(envelope.iv, 'hex'), Buffer.from(envelope.payload, 'hex'));
    return json(plaintext);
  }

  return {
    sealRequest(payload) {
      const keyId = client.dataKeys.currentKeyId;
      const dataKey = client.dataKeys.byId.get(keyId);
      if (dataKey === undefined) throw new Error('reference finance: no current data key');
      return seal(client.appKeyPair, { appId: client.appId, keyId, dataKey }, payload);
    },
    async openRequest(sealed) {
      const envelope = json(sealed.body) as unknown as FinanceEnvelope;
      const app = server.apps.get(envelope.appId);
      if (app === undefined) throw new Error('reference finance: unknown app');
      const plaintext = open(envelope, app.appPublicKey, app.dataKeys);
      if (!(await serverGuard.remember(`finance:${envelope.appId}`, envelope.nonce, Date.now()))) throw new Error('reference finance: replay');
      return { context: { appId: envelope.appId, keyId: envelope.keyId, nonce: envelope.nonce }, request: plaintext };
    },
    sealResponse(context, payload) {
      const dataKey = server.apps.get(context.appId)?.dataKeys.get(context.keyId);
      if (dataKey === undefined) throw new Error('reference finance: no data key');
      return seal(server.bureauKeyPair, { appId: context.appId, keyId: context.keyId, dataKey }, payload, context.nonce);
    },
    async openResponse(sealed, requestNonce) {
      const envelope = json(sealed.body) as unknown as FinanceEnvelope;
      if (envelope.appId !== client.appId) throw new Error('reference finance: another app');
      const plaintext = open(envelope, client.bureauPublicKey, client.dataKeys.byId, requestNonce);
      if (!(await clientGuard.remember(`finance-response:${client.appId}`, envelope.nonce, Date.now()))) throw new Error('reference finance: replay');
      return plaintext;
    },
  };
}

/** K = ASCII of the first 16 characters of UPPER(hex(SM4-ECB(utf8(appId)[0..16], utf8(secret)))), with sm-crypto. */
function medicalDataKey(appId: string, secret: string): Buffer {
  const hex = referenceSm4EcbEncrypt(Buffer.from(appId, 'utf8').subarray(0, 16), Buffer.from(secret, 'utf8')).toString('hex').toUpperCase();
  return Buffer.from(hex.slice(0, 16), 'ascii');
}

export function referenceMedical(keys: BenchKeys['medical']): EnvelopeSides<MedicalRequestContext> {
  const serverGuard = new MemoryReplayGuard();
  const clientGuard = new MemoryReplayGuard();
  const { client, server } = keys;

  function seal(signer: { privateKey: string; publicKey: string }, appId: string, secret: string, body: object, requestNonce?: string): Sealed {
    const encData = referenceSm4EcbEncrypt(medicalDataKey(appId, secret), Buffer.from(JSON.stringify(body), 'utf8')).toString('hex').toUpperCase();
    const unsigned = {
      appCode: appId,
      version: '1.0.0',
      encType: 'SM4',
      signType: 'SM2',
      timestamp: Math.floor(Date.now() / 1000),
      nonce: newNonce(),
      ...(requestNonce !== undefined ? { reqNonce: requestNonce } : {}),
    };
    const signatureHex = referenceSm2Sign(signer.privateKey, signer.publicKey, medicalSignString(unsigned, encData, secret));
    const envelope = { data: { encData }, ...unsigned, signData: Buffer.from(signatureHex, 'hex').toString('base64') };
    return { body: JSON.stringify(envelope), headers: {}, nonce: unsigned.nonce };
  }

  /** Verifies under the current secret (the bench never rotates) and decrypts. */
  function open(raw: Record<string, unknown>, publicKey: string, secret: string): unknown {
    const encData = (raw['data'] as { encData: string }).encData;
    assertFreshMs(Number(raw['timestamp']) * 1000, Date.now());
    const signatureHex = Buffer.from(String(raw['signData']), 'base64').toString('hex');
    if (!referenceSm2Verify(publicKey, medicalSignString(raw, encData, secret), signatureHex)) throw new Error('reference medical: bad signature');
    const plaintext = referenceSm4EcbDecrypt(medicalDataKey(String(raw['appCode']), secret), Buffer.from(encData, 'hex'));
    return json(plaintext);
  }

  return {
    sealRequest: (payload) => seal(client.appKeyPair, client.appId, client.appSecrets.current, payload),
    async openRequest(sealed) {
      const raw = json(sealed.body);
      const appCode = raw['appCode'];
      const app = typeof appCode === 'string' ? server.apps.get(appCode) : undefined;
      if (app === undefined || typeof appCode !== 'string') throw new Error('reference medical: unknown app');
      const plaintext = open(raw, app.appPublicKey, app.appSecrets.current);
      const nonce = String(raw['nonce']);
      if (!(await serverGuard.remember(`medical:${appCode}`, nonce, Date.now()))) throw new Error('reference medical: replay');
      return { context: { appId: appCode, nonce, secretSlot: 'current' }, request: plaintext };
    },
    sealResponse(context, payload) {
      const app = server.apps.get(context.appId);
      if (app === undefined) throw new Error('reference medical: unknown app');
      return seal(server.bureauKeyPair, context.appId, app.appSecrets.current, payload, context.nonce);
    },
    async openResponse(sealed, requestNonce) {
      const raw = json(sealed.body);
      if (raw['reqNonce'] !== requestNonce) throw new Error('reference medical: not bound to this request');
      const plaintext = open(raw, client.bureauPublicKey, client.appSecrets.current);
      if (!(await clientGuard.remember(`medical-response:${client.appId}`, String(raw['nonce']), Date.now()))) throw new Error('reference medical: replay');
      return plaintext;
    },
  };
}
