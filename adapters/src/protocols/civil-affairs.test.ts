import { randomBytes } from 'node:crypto';
import { aesGcmEncrypt } from '../crypto/aes-gcm';
import { rsaOaepEncrypt, rsaPssSign } from '../crypto/rsa';
import {
  generateCivilKeyMaterial,
  openCivilResponse,
  sealCivilResponse,
  signCivilRequest,
  verifyCivilRequest,
  type CivilRequestContext,
  type CivilResponseEnvelope,
} from './civil-affairs';
import { MemoryReplayGuard, newNonce } from './freshness';

const NOW = Date.parse('2026-11-01T02:00:00Z');
const BODY = JSON.stringify({ idNumbers: ['330110199311072382'] });
const keys = generateCivilKeyMaterial('app-a');
const other = generateCivilKeyMaterial('app-b');

/** Flips one base64 character to another valid one, so the field still decodes. */
const tamper = (base64: string, at = 4): string => base64.slice(0, at) + (base64[at] === 'A' ? 'B' : 'A') + base64.slice(at + 1);

describe('civil-affairs requests (bureau side)', () => {
  const sign = (overrides: { method?: 'GET' | 'POST'; path?: string; body?: string; nowMs?: number } = {}) =>
    signCivilRequest({ method: overrides.method ?? 'POST', path: overrides.path ?? '/persons/batch', body: overrides.body ?? BODY, keys: keys.client, nowMs: overrides.nowMs ?? NOW });
  const verify = (headers: Record<string, string>, overrides: { method?: string; path?: string; body?: string; nowMs?: number; guard?: MemoryReplayGuard } = {}) =>
    verifyCivilRequest({
      method: overrides.method ?? 'POST',
      path: overrides.path ?? '/persons/batch',
      headers,
      body: Buffer.from(overrides.body ?? BODY),
      keys: keys.server,
      replayGuard: overrides.guard ?? new MemoryReplayGuard(),
      nowMs: overrides.nowMs ?? NOW,
    });

  it('verifies a signed request and names the app, key and nonce', async () => {
    const { headers, nonce } = sign();
    await expect(verify(headers)).resolves.toEqual({ appId: 'app-a', keyId: keys.client.appKey.keyId, nonce });
  });

  it('reads node-style lower-case header names', async () => {
    const lower = Object.fromEntries(Object.entries(sign().headers).map(([k, v]) => [k.toLowerCase(), v]));
    await expect(verify(lower)).resolves.toMatchObject({ appId: 'app-a' });
  });

  it('signs the query string of a GET, so a request cannot be moved to another date', async () => {
    const { headers } = sign({ method: 'GET', path: '/exports/daily?date=2026-11-01', body: '' });
    await expect(verify(headers, { method: 'GET', path: '/exports/daily?date=2026-11-01', body: '' })).resolves.toBeDefined();
    await expect(verify(headers, { method: 'GET', path: '/exports/daily?date=2026-11-02', body: '' })).rejects.toMatchObject({ code: 'BAD_SIGNATURE' });
  });

  it.each([
    ['a tampered body', { body: BODY.replace('2382', '2383') }],
    ['a truncated body', { body: BODY.slice(0, -2) }],
    ['another method', { method: 'GET' }],
    ['another path', { path: '/persons/batch2' }],
  ])('refuses %s as BAD_SIGNATURE', async (_, overrides) => {
    await expect(verify(sign().headers, overrides)).rejects.toMatchObject({ code: 'BAD_SIGNATURE' });
  });

  it('refuses a tampered signature and a signature by the wrong key as BAD_SIGNATURE', async () => {
    const { headers } = sign();
    await expect(verify({ ...headers, 'X-Signature': tamper(headers['X-Signature']) })).rejects.toMatchObject({ code: 'BAD_SIGNATURE' });
    const forged = signCivilRequest({ method: 'POST', path: '/persons/batch', body: BODY, nowMs: NOW, keys: { ...keys.client, appKey: { ...keys.client.appKey, privateKey: other.client.appKey.privateKey } } });
    await expect(verify(forged.headers)).rejects.toMatchObject({ code: 'BAD_SIGNATURE' });
  });

  it('refuses an unknown app and an unknown key ID', async () => {
    await expect(verify({ ...sign().headers, 'X-App-Id': 'app-b' })).rejects.toMatchObject({ code: 'UNKNOWN_APP' });
    await expect(verify({ ...sign().headers, 'X-App-Id': 'constructor' })).rejects.toMatchObject({ code: 'UNKNOWN_APP' });
    await expect(verify({ ...sign().headers, 'X-Key-Id': 'retired' })).rejects.toMatchObject({ code: 'UNKNOWN_KEY' });
  });

  it('accepts the previous app key during a rotation', async () => {
    const rotated = { ...keys.server, apps: { 'app-a': { current: other.server.apps['app-b']!.current, previous: keys.server.apps['app-a']!.current } } };
    const { headers } = sign();
    await expect(verifyCivilRequest({ method: 'POST', path: '/persons/batch', headers, body: Buffer.from(BODY), keys: rotated, replayGuard: new MemoryReplayGuard(), nowMs: NOW })).resolves.toBeDefined();
  });

  it('refuses a replayed nonce, per app', async () => {
    const guard = new MemoryReplayGuard();
    const { headers } = sign();
    await verify(headers, { guard });
    await expect(verify(headers, { guard, nowMs: NOW + 1000 })).rejects.toMatchObject({ code: 'REPLAY' });
    // The same nonce from another app is that app's business, not a replay.
    const both = { ...keys.server, apps: { ...keys.server.apps, ...other.server.apps } };
    const fromB = signCivilRequest({ method: 'POST', path: '/persons/batch', body: BODY, keys: other.client, nowMs: NOW, nonce: headers['X-Nonce'] });
    await expect(verifyCivilRequest({ method: 'POST', path: '/persons/batch', headers: fromB.headers, body: Buffer.from(BODY), keys: both, replayGuard: guard, nowMs: NOW })).resolves.toMatchObject({ appId: 'app-b' });
  });

  it('refuses timestamps more than 300 s away, either way', async () => {
    await expect(verify(sign({ nowMs: NOW - 300_000 }).headers)).resolves.toBeDefined();
    await expect(verify(sign({ nowMs: NOW - 300_001 }).headers)).rejects.toMatchObject({ code: 'CLOCK_SKEW' });
    await expect(verify(sign({ nowMs: NOW + 300_001 }).headers)).rejects.toMatchObject({ code: 'CLOCK_SKEW' });
  });

  it('refuses missing or malformed fields as MALFORMED', async () => {
    const { headers } = sign();
    const { 'X-Nonce': _nonce, ...withoutNonce } = headers;
    await expect(verify(withoutNonce)).rejects.toMatchObject({ code: 'MALFORMED' });
    await expect(verify({ ...headers, 'X-Timestamp': '17e11' })).rejects.toMatchObject({ code: 'MALFORMED' });
    await expect(verify({ ...headers, 'X-Nonce': 'short' })).rejects.toMatchObject({ code: 'MALFORMED' });
    await expect(verify({ ...headers, 'X-Signature': '!!not base64!!' })).rejects.toMatchObject({ code: 'MALFORMED' });
  });
});

describe('civil-affairs responses (app side)', () => {
  const request: CivilRequestContext = { appId: 'app-a', keyId: keys.client.appKey.keyId, nonce: newNonce() };
  const answer = { asOf: '2026-11-01T10:00:00.000+08:00', results: [] };
  const sealed = (): CivilResponseEnvelope => sealCivilResponse({ body: JSON.stringify(answer), request, keys: keys.server });
  const open = (envelope: CivilResponseEnvelope | string, overrides: { requestNonce?: string; client?: typeof keys.client } = {}) => () =>
    openCivilResponse({
      bodyText: typeof envelope === 'string' ? envelope : JSON.stringify(envelope),
      requestNonce: overrides.requestNonce ?? request.nonce,
      keys: overrides.client ?? keys.client,
    });
  /** A bureau-signed envelope around arbitrary bytes: tests what happens after the signature passes. */
  const signedAround = (plaintext: Buffer, mutate: (e: CivilResponseEnvelope) => void = () => undefined): CivilResponseEnvelope => {
    const aesKey = randomBytes(32);
    const iv = randomBytes(12);
    const { ciphertext, tag } = aesGcmEncrypt(aesKey, iv, plaintext);
    const envelope: CivilResponseEnvelope = {
      keyId: keys.server.bureauKey.keyId,
      encryptedKey: rsaOaepEncrypt(keys.server.apps['app-a']!.current.key, aesKey).toString('base64'),
      iv: iv.toString('base64'),
      ciphertext: ciphertext.toString('base64'),
      tag: tag.toString('base64'),
      signature: '',
    };
    mutate(envelope);
    envelope.signature = rsaPssSign(keys.server.bureauKey.privateKey, `${envelope.iv}|${envelope.ciphertext}|${envelope.tag}|${request.nonce}`).toString('base64');
    return envelope;
  };

  it('opens a sealed answer (fresh key and IV every time)', () => {
    const first = sealed();
    expect(open(first)()).toEqual(answer);
    const second = sealed();
    expect(second.iv).not.toBe(first.iv);
    expect(second.encryptedKey).not.toBe(first.encryptedKey);
  });

  it.each([
    ['ciphertext', (e: CivilResponseEnvelope) => ({ ...e, ciphertext: tamper(e.ciphertext, 0) })],
    ['tag', (e: CivilResponseEnvelope) => ({ ...e, tag: tamper(e.tag) })],
    ['iv', (e: CivilResponseEnvelope) => ({ ...e, iv: tamper(e.iv) })],
    ['signature', (e: CivilResponseEnvelope) => ({ ...e, signature: tamper(e.signature) })],
  ])('refuses a tampered %s as BAD_SIGNATURE before decrypting', (_, mutate) => {
    expect(open(mutate(sealed()))).toThrow(expect.objectContaining({ code: 'BAD_SIGNATURE' }));
  });

  it('refuses an answer replayed onto another request as BAD_SIGNATURE', () => {
    expect(open(sealed(), { requestNonce: newNonce() })).toThrow(expect.objectContaining({ code: 'BAD_SIGNATURE' }));
  });

  it('refuses an answer signed by a key the app does not trust', () => {
    const stranger = { ...keys.client, bureauPublicKeys: { current: { keyId: keys.server.bureauKey.keyId, key: other.server.bureauKey.privateKey } } };
    expect(open(sealed(), { client: stranger })).toThrow(expect.objectContaining({ code: 'BAD_SIGNATURE' }));
    expect(open({ ...sealed(), keyId: 'retired' })).toThrow(expect.objectContaining({ code: 'UNKNOWN_KEY' }));
  });

  it('accepts the previous bureau key during a rotation', () => {
    const rotating = { ...keys.client, bureauPublicKeys: { current: { keyId: 'new', key: other.server.bureauKey.privateKey }, previous: keys.client.bureauPublicKeys.current } };
    expect(open(sealed(), { client: rotating })()).toEqual(answer);
  });

  it('refuses a key that does not unwrap, and a signed ciphertext that does not authenticate, as BAD_CIPHERTEXT', () => {
    expect(open({ ...sealed(), encryptedKey: tamper(sealed().encryptedKey, 10) })).toThrow(expect.objectContaining({ code: 'BAD_CIPHERTEXT' }));
    const wrongApp = { ...keys.client, appKey: { ...keys.client.appKey, privateKey: other.client.appKey.privateKey } };
    expect(open(sealed(), { client: wrongApp })).toThrow(expect.objectContaining({ code: 'BAD_CIPHERTEXT' }));
    const badTag = signedAround(Buffer.from('{}'), (e) => (e.tag = Buffer.alloc(16).toString('base64')));
    expect(open(badTag)).toThrow(expect.objectContaining({ code: 'BAD_CIPHERTEXT' }));
  });

  it('refuses a truncated body and invalid JSON inside a valid envelope as MALFORMED', () => {
    const text = JSON.stringify(sealed());
    expect(open(text.slice(0, text.length - 20))).toThrow(expect.objectContaining({ code: 'MALFORMED' }));
    expect(open(signedAround(Buffer.from('{"asOf":')))).toThrow(expect.objectContaining({ code: 'MALFORMED' }));
    const { tag: _tag, ...withoutTag } = sealed();
    expect(open(JSON.stringify(withoutTag))).toThrow(expect.objectContaining({ code: 'MALFORMED' }));
  });

  it('never seals for an app key the bureau does not hold', () => {
    expect(() => sealCivilResponse({ body: '{}', request: { ...request, keyId: 'retired' }, keys: keys.server })).toThrow(expect.objectContaining({ code: 'UNKNOWN_KEY' }));
  });
});
