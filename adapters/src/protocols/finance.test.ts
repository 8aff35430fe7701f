import { randomBytes } from 'node:crypto';
import { ProtocolError, type ProtocolErrorCode } from '../errors';
import { generateSm2KeyPair, sm2Sign, sm4CbcEncrypt, type Sm2KeyPair } from '../crypto';
import { MemoryReplayGuard } from './freshness';
import {
  financeSignedString,
  generateFinanceKeyMaterial,
  openFinanceRequest,
  openFinanceResponse,
  sealFinanceRequest,
  sealFinanceResponse,
  type FinanceClientKeys,
  type FinanceEnvelope,
  type FinanceServerKeys,
} from './finance';

const NOW = Date.parse('2026-11-01T00:00:00Z');
const clock = (): number => NOW;
const APP = 'huimin-gateway';
const QUERY = { idNumbers: ['330110199311072382'] };

// Fixed data keys so that decrypting under the wrong one fails the padding check deterministically.
const KEY_ID = 'fin-test-1';
const DATA_KEY = Buffer.alloc(16, 0x11);
const OTHER_KEY = Buffer.alloc(16, 0x22);

function material(): { client: FinanceClientKeys; server: FinanceServerKeys } {
  const { client, server } = generateFinanceKeyMaterial(APP);
  const app = server.apps.get(APP);
  if (!app) throw new Error('generated material lacks the app');
  return {
    client: { ...client, dataKeys: { currentKeyId: KEY_ID, byId: new Map([[KEY_ID, DATA_KEY]]) } },
    server: { ...server, apps: new Map([[APP, { ...app, dataKeys: new Map([[KEY_ID, DATA_KEY]]) }]]) },
  };
}

const { client, server } = material();

/** Re-signs an envelope after a change, as a holder of the signing key could. */
function resign(envelope: FinanceEnvelope, signer: Sm2KeyPair, requestNonce?: string): FinanceEnvelope {
  return { ...envelope, signature: sm2Sign(signer.privateKey, financeSignedString(envelope, requestNonce), signer.publicKey) };
}

/** A validly signed envelope carrying arbitrary ciphertext. */
function withCiphertext(envelope: FinanceEnvelope, ciphertext: Buffer, signer: Sm2KeyPair, requestNonce?: string): FinanceEnvelope {
  return resign({ ...envelope, payload: ciphertext.toString('hex') }, signer, requestNonce);
}

function encryptUnder(key: Buffer, envelope: FinanceEnvelope, plaintext: string): Buffer {
  return sm4CbcEncrypt(key, Buffer.from(envelope.iv, 'hex'), Buffer.from(plaintext, 'utf8'));
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

const openRequest = (envelope: FinanceEnvelope | string, options: { now?: number; guard?: MemoryReplayGuard; keys?: FinanceServerKeys } = {}) =>
  codeOf(() =>
    openFinanceRequest(options.keys ?? server, typeof envelope === 'string' ? envelope : JSON.stringify(envelope), {
      clock: () => options.now ?? NOW,
      replayGuard: options.guard ?? new MemoryReplayGuard(),
    }),
  );

describe('finance envelope: round trip', () => {
  it('opens what the other side sealed, both ways', async () => {
    const request = sealFinanceRequest(client, QUERY, { clock });
    const opened = await openFinanceRequest(server, JSON.stringify(request), { clock, replayGuard: new MemoryReplayGuard() });
    expect(opened).toEqual({ appId: APP, keyId: KEY_ID, nonce: request.nonce, request: QUERY });

    const response = sealFinanceResponse(server, opened, { asOf: 'x', results: [] }, { clock });
    expect(response.nonce).not.toBe(request.nonce);
    expect(response.iv).not.toBe(request.iv);
    await expect(openFinanceResponse(client, JSON.stringify(response), request.nonce, { clock })).resolves.toEqual({ asOf: 'x', results: [] });
  });

  it('signs exactly appId|keyId|timestamp|nonce|iv|payload, responses with |requestNonce', () => {
    const envelope = sealFinanceRequest(client, QUERY, { clock });
    const { appId, keyId, timestamp, nonce, iv, payload } = envelope;
    expect(financeSignedString(envelope)).toBe(`${appId}|${keyId}|${timestamp}|${nonce}|${iv}|${payload}`);
    expect(financeSignedString(envelope, 'abc')).toBe(`${appId}|${keyId}|${timestamp}|${nonce}|${iv}|${payload}|abc`);
    expect(timestamp).toBe(NOW);
    expect(Object.keys(envelope)).toEqual(['appId', 'keyId', 'timestamp', 'nonce', 'iv', 'payload', 'signature']);
  });

  it('accepts the previous data key during a rotation', async () => {
    const app = server.apps.get(APP);
    if (!app) throw new Error('no app');
    const next = { currentKeyId: 'fin-test-2', byId: new Map([['fin-test-2', randomBytes(16)], [KEY_ID, DATA_KEY]]) };
    const rotated: FinanceServerKeys = { ...server, apps: new Map([[APP, { ...app, dataKeys: next.byId }]]) };
    expect(await openRequest(sealFinanceRequest(client, QUERY, { clock }), { keys: rotated })).toBe('OK');
    expect(await openRequest(sealFinanceRequest({ ...client, dataKeys: next }, QUERY, { clock }), { keys: rotated })).toBe('OK');
  });
});

describe('finance envelope: the bureau rejects requests', () => {
  const sealed = (): FinanceEnvelope => sealFinanceRequest(client, QUERY, { clock });

  it('tampered ciphertext → BAD_SIGNATURE (checked before decrypting)', async () => {
    const envelope = sealed();
    const flipped = (parseInt(envelope.payload.slice(0, 2), 16) ^ 1).toString(16).padStart(2, '0');
    expect(await openRequest({ ...envelope, payload: flipped + envelope.payload.slice(2) })).toBe('BAD_SIGNATURE');
  });

  it('tampered signature → BAD_SIGNATURE', async () => {
    const envelope = sealed();
    const signature = (envelope.signature.startsWith('0') ? '1' : '0') + envelope.signature.slice(1);
    expect(await openRequest({ ...envelope, signature })).toBe('BAD_SIGNATURE');
    expect(await openRequest({ ...envelope, signature: 'zz' })).toBe('BAD_SIGNATURE');
  });

  it('signed with another app key → BAD_SIGNATURE', async () => {
    expect(await openRequest(resign(sealed(), generateSm2KeyPair()))).toBe('BAD_SIGNATURE');
  });

  it('encrypted under the wrong data key, or not a whole block → BAD_CIPHERTEXT', async () => {
    const envelope = sealed();
    expect(await openRequest(withCiphertext(envelope, encryptUnder(OTHER_KEY, envelope, JSON.stringify(QUERY)), client.appKeyPair))).toBe('BAD_CIPHERTEXT');
    expect(await openRequest(withCiphertext(envelope, randomBytes(15), client.appKeyPair))).toBe('BAD_CIPHERTEXT');
  });

  it('unknown key id → UNKNOWN_KEY, unknown app → UNKNOWN_APP', async () => {
    expect(await openRequest(resign({ ...sealed(), keyId: 'fin-retired' }, client.appKeyPair))).toBe('UNKNOWN_KEY');
    expect(await openRequest(resign({ ...sealed(), appId: 'stranger' }, client.appKeyPair))).toBe('UNKNOWN_APP');
  });

  it('replayed nonce → REPLAY, per app', async () => {
    const guard = new MemoryReplayGuard();
    const envelope = sealed();
    expect(await openRequest(envelope, { guard })).toBe('OK');
    expect(await openRequest(envelope, { guard, now: NOW + 1000 })).toBe('REPLAY');
    // The same nonce from another app is that app's business.
    expect(guard.remember(`finance:other-app`, envelope.nonce, NOW)).toBe(true);
  });

  it('timestamp outside ±300 s → CLOCK_SKEW', async () => {
    expect(await openRequest(sealed(), { now: NOW + 300_001 })).toBe('CLOCK_SKEW');
    expect(await openRequest(sealed(), { now: NOW - 300_001 })).toBe('CLOCK_SKEW');
    expect(await openRequest(sealed(), { now: NOW + 299_000 })).toBe('OK');
  });

  it('truncated body, bad shapes, invalid JSON inside a valid envelope → MALFORMED', async () => {
    const text = JSON.stringify(sealed());
    expect(await openRequest(text.slice(0, text.length - 10))).toBe('MALFORMED');
    expect(await openRequest('[]')).toBe('MALFORMED');
    expect(await openRequest({ ...sealed(), timestamp: String(NOW) } as unknown as FinanceEnvelope)).toBe('MALFORMED');
    expect(await openRequest({ ...sealed(), nonce: 'short' })).toBe('MALFORMED');
    expect(await openRequest({ ...sealed(), payload: 'xyz' })).toBe('MALFORMED');
    const envelope = sealed();
    expect(await openRequest(withCiphertext(envelope, encryptUnder(DATA_KEY, envelope, '{"idNumbers":['), client.appKeyPair))).toBe('MALFORMED');
    const other = sealed();
    expect(await openRequest(withCiphertext(other, encryptUnder(DATA_KEY, other, '[1,2]'), client.appKeyPair))).toBe('MALFORMED');
  });
});

describe('finance envelope: the adapter rejects responses', () => {
  const request = sealFinanceRequest(client, QUERY, { clock });
  const context = { appId: APP, keyId: KEY_ID, nonce: request.nonce };
  const answer = (): FinanceEnvelope => sealFinanceResponse(server, context, { asOf: 'x', results: [] }, { clock });
  const openResponse = (envelope: FinanceEnvelope | string, options: { now?: number; guard?: MemoryReplayGuard; nonce?: string } = {}) =>
    codeOf(() =>
      openFinanceResponse(client, typeof envelope === 'string' ? envelope : JSON.stringify(envelope), options.nonce ?? request.nonce, {
        clock: () => options.now ?? NOW,
        ...(options.guard ? { replayGuard: options.guard } : {}),
      }),
    );

  it('a valid response replayed onto another request → BAD_SIGNATURE', async () => {
    expect(await openResponse(answer())).toBe('OK');
    expect(await openResponse(answer(), { nonce: sealFinanceRequest(client, QUERY, { clock }).nonce })).toBe('BAD_SIGNATURE');
  });

  it('tampered ciphertext or signature, or another signer → BAD_SIGNATURE', async () => {
    const envelope = answer();
    expect(await openResponse({ ...envelope, payload: envelope.payload.slice(0, -2) + (envelope.payload.endsWith('00') ? '01' : '00') })).toBe('BAD_SIGNATURE');
    expect(await openResponse({ ...envelope, signature: envelope.signature.split('').reverse().join('') })).toBe('BAD_SIGNATURE');
    expect(await openResponse(resign(envelope, generateSm2KeyPair(), request.nonce))).toBe('BAD_SIGNATURE');
    // Signed without the request nonce, as a request would be.
    expect(await openResponse(resign(envelope, server.bureauKeyPair))).toBe('BAD_SIGNATURE');
  });

  it('wrong data key → BAD_CIPHERTEXT', async () => {
    const envelope = answer();
    expect(await openResponse(withCiphertext(envelope, encryptUnder(OTHER_KEY, envelope, '{"asOf":"x"}'), server.bureauKeyPair, request.nonce))).toBe('BAD_CIPHERTEXT');
  });

  it('unknown key id → UNKNOWN_KEY, another app → UNKNOWN_APP', async () => {
    expect(await openResponse(resign({ ...answer(), keyId: 'fin-retired' }, server.bureauKeyPair, request.nonce))).toBe('UNKNOWN_KEY');
    expect(await openResponse(resign({ ...answer(), appId: 'other-app' }, server.bureauKeyPair, request.nonce))).toBe('UNKNOWN_APP');
  });

  it('replayed response nonce → REPLAY; stale or future timestamp → CLOCK_SKEW', async () => {
    const guard = new MemoryReplayGuard();
    const envelope = answer();
    expect(await openResponse(envelope, { guard })).toBe('OK');
    expect(await openResponse(envelope, { guard })).toBe('REPLAY');
    expect(await openResponse(answer(), { now: NOW + 300_001 })).toBe('CLOCK_SKEW');
    expect(await openResponse(answer(), { now: NOW - 300_001 })).toBe('CLOCK_SKEW');
  });

  it('truncated body or invalid JSON inside a valid envelope → MALFORMED', async () => {
    expect(await openResponse(JSON.stringify(answer()).slice(0, 40))).toBe('MALFORMED');
    const envelope = answer();
    expect(await openResponse(withCiphertext(envelope, encryptUnder(DATA_KEY, envelope, 'not json'), server.bureauKeyPair, request.nonce))).toBe('MALFORMED');
  });
});

describe('finance envelope: byte-compatible with the sm-crypto reference', () => {
  interface SmCryptoReference {
    sm2: { doVerifySignature(message: string, signature: string, publicKey: string, options: object): boolean };
    sm4: { decrypt(input: string, key: string, options: object): number[] };
  }
  const reference = require('sm-crypto') as SmCryptoReference;
  const options = { hash: true, der: false, userId: '1234567812345678' };

  it('verifies both signatures and decrypts both payloads to the same bytes', async () => {
    const fresh = generateFinanceKeyMaterial(APP);
    const request = sealFinanceRequest(fresh.client, QUERY, { clock });
    const opened = await openFinanceRequest(fresh.server, JSON.stringify(request), { clock, replayGuard: new MemoryReplayGuard() });
    const response = sealFinanceResponse(fresh.server, opened, { programs: ['最低生活保障'] }, { clock });
    const dataKey = fresh.client.dataKeys.byId.get(fresh.client.dataKeys.currentKeyId);
    if (!dataKey) throw new Error('no data key');

    expect(reference.sm2.doVerifySignature(financeSignedString(request), request.signature, fresh.client.appKeyPair.publicKey, options)).toBe(true);
    expect(reference.sm2.doVerifySignature(financeSignedString(response, request.nonce), response.signature, fresh.server.bureauKeyPair.publicKey, options)).toBe(true);
    const decrypt = (envelope: FinanceEnvelope): Buffer =>
      Buffer.from(reference.sm4.decrypt(envelope.payload, dataKey.toString('hex'), { mode: 'cbc', iv: envelope.iv, padding: 'pkcs#7', output: 'array' }));
    expect(decrypt(request).equals(Buffer.from(JSON.stringify(QUERY), 'utf8'))).toBe(true);
    expect(decrypt(response).equals(Buffer.from(JSON.stringify({ programs: ['最低生活保障'] }), 'utf8'))).toBe(true);
  });
});
