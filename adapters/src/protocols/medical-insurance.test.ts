import { randomBytes } from 'node:crypto';
import { ProtocolError, type ProtocolErrorCode } from '../errors';
import { generateSm2KeyPair, sm2Sign, sm4EcbEncrypt, type Sm2KeyPair } from '../crypto';
import { MemoryReplayGuard } from './freshness';
import {
  deriveMedicalDataKey,
  generateMedicalKeyMaterial,
  medicalSignString,
  openMedicalRequest,
  openMedicalResponse,
  sealMedicalRequest,
  sealMedicalResponse,
  type MedicalClientKeys,
  type MedicalEnvelope,
  type MedicalServerKeys,
} from './medical-insurance';

const NOW = Date.parse('2026-11-01T00:00:00Z');
const clock = (): number => NOW;
const APP = 'HUIMIN-GATEWAY-0001';
const QUERY = { idNumbers: ['330110199311072382'] };

const { client, server } = generateMedicalKeyMaterial(APP);
const K = deriveMedicalDataKey(APP, client.appSecrets.current);

/** Re-signs an envelope after a change, as a holder of the signing key and secret could. */
function resign(envelope: MedicalEnvelope, signer: Sm2KeyPair, secret = client.appSecrets.current): MedicalEnvelope {
  const { signData: _dropped, ...unsigned } = envelope;
  const signatureHex = sm2Sign(signer.privateKey, medicalSignString(unsigned, envelope.data.encData, secret), signer.publicKey);
  return { ...envelope, signData: Buffer.from(signatureHex, 'hex').toString('base64') };
}

/** A validly signed envelope carrying arbitrary ciphertext. */
function withCiphertext(envelope: MedicalEnvelope, ciphertext: Buffer, signer: Sm2KeyPair): MedicalEnvelope {
  return resign({ ...envelope, data: { encData: ciphertext.toString('hex').toUpperCase() } }, signer);
}

async function codeOf(action: () => Promise<unknown>): Promise<ProtocolErrorCode | 'OK'> {
  try {
    await action();
    return 'OK';
  } catch (error) {
    if (error instanceof ProtocolError) return error.code;
    throw error;
  }
}

const body = (envelope: MedicalEnvelope | string): string => (typeof envelope === 'string' ? envelope : JSON.stringify(envelope));
const openRequest = (envelope: MedicalEnvelope | string, options: { now?: number; guard?: MemoryReplayGuard; keys?: MedicalServerKeys } = {}) =>
  codeOf(() => openMedicalRequest(options.keys ?? server, body(envelope), { clock: () => options.now ?? NOW, replayGuard: options.guard ?? new MemoryReplayGuard() }));

describe('medical-insurance envelope: the platform format', () => {
  it('derives K as the ASCII of the first 16 upper-hex characters', () => {
    const expected = sm4EcbEncrypt(Buffer.from(APP).subarray(0, 16), Buffer.from(client.appSecrets.current)).toString('hex').toUpperCase().slice(0, 16);
    expect(K.toString('ascii')).toBe(expected);
    expect(() => deriveMedicalDataKey('too-short', 'secret')).toThrow(ProtocolError);
  });

  it('builds S sorted by code point, values as strings, empty dropped, &key= last', () => {
    const s = medicalSignString({ version: '1.0.0', timestamp: 1763712000, appCode: 'A', nonce: 'n', empty: '', signType: 'SM2', encType: 'SM4', signData: 'x' }, 'ENC', 'sec');
    expect(s).toBe('appCode=A&encData=ENC&encType=SM4&nonce=n&signType=SM2&timestamp=1763712000&version=1.0.0&key=sec');
  });

  it('seals upper-hex encData, base64 signData, timestamp in seconds', () => {
    const envelope = sealMedicalRequest(client, QUERY, { clock });
    expect(Object.keys(envelope)).toEqual(['data', 'appCode', 'version', 'encType', 'signType', 'timestamp', 'nonce', 'signData']);
    expect(envelope).toMatchObject({ appCode: APP, version: '1.0.0', encType: 'SM4', signType: 'SM2', timestamp: NOW / 1000 });
    expect(envelope.data.encData).toMatch(/^[0-9A-F]+$/);
    expect(Buffer.from(envelope.signData, 'base64')).toHaveLength(64);
  });
});

describe('medical-insurance envelope: round trip', () => {
  it('opens what the other side sealed, both ways, with reqNonce signed in', async () => {
    const request = sealMedicalRequest(client, QUERY, { clock });
    const opened = await openMedicalRequest(server, body(request), { clock, replayGuard: new MemoryReplayGuard() });
    expect(opened).toEqual({ appId: APP, nonce: request.nonce, secretSlot: 'current', request: QUERY });
    const response = sealMedicalResponse(server, opened, { results: [] }, { clock });
    expect(response.reqNonce).toBe(request.nonce);
    await expect(openMedicalResponse(client, body(response), request.nonce, { clock })).resolves.toEqual({ results: [] });
  });

  it('accepts the previous secret during a rotation and answers under it', async () => {
    const nextSecret = randomBytes(16).toString('hex');
    const app = server.apps.get(APP);
    if (!app) throw new Error('no app');
    const rotated: MedicalServerKeys = { ...server, apps: new Map([[APP, { ...app, appSecrets: { current: nextSecret, previous: client.appSecrets.current } }]]) };
    const request = sealMedicalRequest(client, QUERY, { clock });
    const opened = await openMedicalRequest(rotated, body(request), { clock, replayGuard: new MemoryReplayGuard() });
    expect(opened.secretSlot).toBe('previous');
    const response = sealMedicalResponse(rotated, opened, { ok: true }, { clock });
    await expect(openMedicalResponse(client, body(response), request.nonce, { clock })).resolves.toEqual({ ok: true });
    const upgraded: MedicalClientKeys = { ...client, appSecrets: { current: nextSecret, previous: client.appSecrets.current } };
    expect(await openRequest(sealMedicalRequest(upgraded, QUERY, { clock }), { keys: rotated })).toBe('OK');
  });
});

describe('medical-insurance envelope: the platform rejects requests', () => {
  const sealed = (): MedicalEnvelope => sealMedicalRequest(client, QUERY, { clock });

  it('tampered ciphertext or signature, another app key → BAD_SIGNATURE', async () => {
    const envelope = sealed();
    const encData = envelope.data.encData;
    expect(await openRequest({ ...envelope, data: { encData: (encData.startsWith('A') ? 'B' : 'A') + encData.slice(1) } })).toBe('BAD_SIGNATURE');
    const signature = Buffer.from(envelope.signData, 'base64');
    signature[5] = (signature[5] ?? 0) ^ 1;
    expect(await openRequest({ ...envelope, signData: signature.toString('base64') })).toBe('BAD_SIGNATURE');
    expect(await openRequest(resign(envelope, generateSm2KeyPair()))).toBe('BAD_SIGNATURE');
  });

  it('a secret the platform does not hold (no key id on this wire) → BAD_SIGNATURE', async () => {
    const retired = { ...client, appSecrets: { current: randomBytes(16).toString('hex') } };
    expect(await openRequest(sealMedicalRequest(retired, QUERY, { clock }))).toBe('BAD_SIGNATURE');
  });

  it('encrypted under the wrong key, or not a whole block → BAD_CIPHERTEXT', async () => {
    // Fixed plaintext and keys: the wrong-key decryption fails the padding check deterministically.
    const wrongKey = Buffer.from('0123456789ABCDEF', 'ascii');
    const underWrongKey = sm4EcbEncrypt(wrongKey, Buffer.from(JSON.stringify(QUERY)));
    const fixedKeys = generateMedicalKeyMaterial(APP);
    fixedKeys.client.appSecrets.current = 'fixed-secret-for-test';
    const fixedServer: MedicalServerKeys = { ...fixedKeys.server, apps: new Map([[APP, { appPublicKey: fixedKeys.client.appKeyPair.publicKey, appSecrets: { current: 'fixed-secret-for-test' } }]]) };
    const envelope = sealMedicalRequest(fixedKeys.client, QUERY, { clock });
    const resignFixed = (ciphertext: Buffer): MedicalEnvelope => {
      const changed = { ...envelope, data: { encData: ciphertext.toString('hex').toUpperCase() } };
      const { signData: _dropped, ...unsigned } = changed;
      const hex = sm2Sign(fixedKeys.client.appKeyPair.privateKey, medicalSignString(unsigned, changed.data.encData, 'fixed-secret-for-test'), fixedKeys.client.appKeyPair.publicKey);
      return { ...changed, signData: Buffer.from(hex, 'hex').toString('base64') };
    };
    expect(await openRequest(resignFixed(underWrongKey), { keys: fixedServer })).toBe('BAD_CIPHERTEXT');
    expect(await openRequest(resignFixed(randomBytes(15)), { keys: fixedServer })).toBe('BAD_CIPHERTEXT');
  });

  it('unknown app → UNKNOWN_APP', async () => {
    expect(await openRequest(sealMedicalRequest({ ...client, appId: 'SOMEONE-ELSE-000001' }, QUERY, { clock }))).toBe('UNKNOWN_APP');
  });

  it('replayed nonce → REPLAY', async () => {
    const guard = new MemoryReplayGuard();
    const envelope = sealed();
    expect(await openRequest(envelope, { guard })).toBe('OK');
    expect(await openRequest(envelope, { guard, now: NOW + 2000 })).toBe('REPLAY');
  });

  it('timestamp outside ±300 s → CLOCK_SKEW', async () => {
    expect(await openRequest(sealed(), { now: NOW + 301_000 })).toBe('CLOCK_SKEW');
    expect(await openRequest(sealed(), { now: NOW - 301_000 })).toBe('CLOCK_SKEW');
    expect(await openRequest(sealed(), { now: NOW + 299_000 })).toBe('OK');
  });

  it('truncated body, bad shapes, invalid JSON inside a valid envelope → MALFORMED', async () => {
    expect(await openRequest(body(sealed()).slice(0, 50))).toBe('MALFORMED');
    expect(await openRequest({ ...sealed(), encType: 'AES' })).toBe('MALFORMED');
    expect(await openRequest({ ...sealed(), data: { encData: 'abcdef' } })).toBe('MALFORMED');
    expect(await openRequest({ ...sealed(), reqNonce: 'x' })).toBe('MALFORMED');
    expect(await openRequest(withCiphertext(sealed(), sm4EcbEncrypt(K, Buffer.from('{"idNumbers":')), client.appKeyPair))).toBe('MALFORMED');
    expect(await openRequest(withCiphertext(sealed(), sm4EcbEncrypt(K, Buffer.from('"text"')), client.appKeyPair))).toBe('MALFORMED');
  });
});

describe('medical-insurance envelope: the adapter rejects responses', () => {
  const request = sealMedicalRequest(client, QUERY, { clock });
  const context = { appId: APP, nonce: request.nonce, secretSlot: 'current' as const };
  const answer = (): MedicalEnvelope => sealMedicalResponse(server, context, { results: [] }, { clock });
  const openResponse = (envelope: MedicalEnvelope | string, options: { now?: number; guard?: MemoryReplayGuard; nonce?: string } = {}) =>
    codeOf(() =>
      openMedicalResponse(client, body(envelope), options.nonce ?? request.nonce, {
        clock: () => options.now ?? NOW,
        ...(options.guard ? { replayGuard: options.guard } : {}),
      }),
    );

  it('a valid response replayed onto another request → BAD_SIGNATURE', async () => {
    expect(await openResponse(answer())).toBe('OK');
    expect(await openResponse(answer(), { nonce: sealMedicalRequest(client, QUERY, { clock }).nonce })).toBe('BAD_SIGNATURE');
    // Rewriting reqNonce to match breaks the signature instead.
    const other = sealMedicalRequest(client, QUERY, { clock }).nonce;
    expect(await openResponse({ ...answer(), reqNonce: other }, { nonce: other })).toBe('BAD_SIGNATURE');
  });

  it('tampered ciphertext or signature, another signer, another secret → BAD_SIGNATURE', async () => {
    const envelope = answer();
    expect(await openResponse({ ...envelope, data: { encData: envelope.data.encData.slice(0, -1) + (envelope.data.encData.endsWith('0') ? '1' : '0') } })).toBe('BAD_SIGNATURE');
    expect(await openResponse({ ...envelope, signData: Buffer.alloc(64, 1).toString('base64') })).toBe('BAD_SIGNATURE');
    expect(await openResponse(resign(envelope, generateSm2KeyPair()))).toBe('BAD_SIGNATURE');
    expect(await openResponse(resign(envelope, server.bureauKeyPair, 'a-secret-we-do-not-hold'))).toBe('BAD_SIGNATURE');
  });

  it('another app → UNKNOWN_APP; wrong ciphertext → BAD_CIPHERTEXT', async () => {
    expect(await openResponse(resign({ ...answer(), appCode: 'SOMEONE-ELSE-000001' }, server.bureauKeyPair))).toBe('UNKNOWN_APP');
    expect(await openResponse(withCiphertext(answer(), randomBytes(17), server.bureauKeyPair))).toBe('BAD_CIPHERTEXT');
  });

  it('replayed response nonce → REPLAY; timestamp outside ±300 s → CLOCK_SKEW', async () => {
    const guard = new MemoryReplayGuard();
    const envelope = answer();
    expect(await openResponse(envelope, { guard })).toBe('OK');
    expect(await openResponse(envelope, { guard })).toBe('REPLAY');
    expect(await openResponse(answer(), { now: NOW + 301_000 })).toBe('CLOCK_SKEW');
  });

  it('truncated body, missing reqNonce or invalid JSON inside a valid envelope → MALFORMED', async () => {
    expect(await openResponse(body(answer()).slice(0, -3))).toBe('MALFORMED');
    const { reqNonce: _dropped, ...bare } = answer();
    expect(await openResponse(resign(bare, server.bureauKeyPair))).toBe('MALFORMED');
    const invalid = { ...answer(), data: { encData: sm4EcbEncrypt(K, Buffer.from('{oops')).toString('hex').toUpperCase() } };
    expect(await openResponse(resign(invalid, server.bureauKeyPair))).toBe('MALFORMED');
  });
});

describe('medical-insurance envelope: byte-compatible with the sm-crypto reference', () => {
  interface SmCryptoReference {
    sm2: { doVerifySignature(message: string, signature: string, publicKey: string, options: object): boolean };
    sm4: {
      encrypt(input: string, key: string, options: object): string;
      decrypt(input: string, key: string, options: object): number[];
    };
  }
  const reference = require('sm-crypto') as SmCryptoReference;
  const options = { hash: true, der: false, userId: '1234567812345678' };

  it('derives the same K, verifies both signatures and decrypts both payloads to the same bytes', async () => {
    const request = sealMedicalRequest(client, QUERY, { clock });
    const opened = await openMedicalRequest(server, body(request), { clock, replayGuard: new MemoryReplayGuard() });
    const response = sealMedicalResponse(server, opened, { 姓名: '参保人' }, { clock });

    const derivationKey = Buffer.from(APP).subarray(0, 16).toString('hex');
    const referenceK = reference.sm4.encrypt(client.appSecrets.current, derivationKey, { mode: 'ecb', padding: 'pkcs#7' }).toUpperCase().slice(0, 16);
    expect(K.toString('ascii')).toBe(referenceK);

    const s = (envelope: MedicalEnvelope): string => {
      const { signData: _dropped, ...unsigned } = envelope;
      return medicalSignString(unsigned, envelope.data.encData, client.appSecrets.current);
    };
    const hex = (envelope: MedicalEnvelope): string => Buffer.from(envelope.signData, 'base64').toString('hex');
    expect(reference.sm2.doVerifySignature(s(request), hex(request), client.appKeyPair.publicKey, options)).toBe(true);
    expect(reference.sm2.doVerifySignature(s(response), hex(response), server.bureauKeyPair.publicKey, options)).toBe(true);
    expect(s(response)).toContain(`&reqNonce=${request.nonce}&`);

    const decrypt = (envelope: MedicalEnvelope): Buffer =>
      Buffer.from(reference.sm4.decrypt(envelope.data.encData.toLowerCase(), K.toString('hex'), { mode: 'ecb', padding: 'pkcs#7', output: 'array' }));
    expect(decrypt(request).equals(Buffer.from(JSON.stringify(QUERY), 'utf8'))).toBe(true);
    expect(decrypt(response).equals(Buffer.from(JSON.stringify({ 姓名: '参保人' }), 'utf8'))).toBe(true);
  });
});
