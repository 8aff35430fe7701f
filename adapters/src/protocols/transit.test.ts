import { createHmac, randomBytes } from 'node:crypto';
import { aesGcmEncrypt } from '../crypto/aes-gcm';
import { MemoryReplayGuard, newNonce } from './freshness';
import {
  generateTransitKeyMaterial,
  openTransitRequest,
  openTransitResponse,
  sealTransitRequest,
  sealTransitResponse,
  type TransitClientKeys,
  type TransitEnvelope,
  type TransitRequestContext,
} from './transit';

const NOW = Date.parse('2026-11-01T02:00:00Z');
const PAYLOAD = { cardNos: ['3101000000000010'] };
const keys = generateTransitKeyMaterial('app-a');
const other = generateTransitKeyMaterial('app-b');
const secret = keys.client.secrets.current;
const dataKey = keys.client.dataKeys.current;

const hmacHex = (key: Buffer, timestamp: string, nonce: string, body: string): string =>
  createHmac('sha256', key).update(`${timestamp}|${nonce}|${body}`).digest('hex');
const tamper = (base64: string, at = 0): string => base64.slice(0, at) + (base64[at] === 'A' ? 'B' : 'A') + base64.slice(at + 1);

/** An envelope around arbitrary bytes under the app's data key, for what happens after the MAC passes. */
function envelopeAround(plaintext: string, mutate: (e: TransitEnvelope) => void = () => undefined): string {
  const iv = randomBytes(12);
  const { ciphertext, tag } = aesGcmEncrypt(dataKey.key, iv, Buffer.from(plaintext));
  const envelope: TransitEnvelope = { keyId: dataKey.keyId, iv: iv.toString('base64'), ciphertext: ciphertext.toString('base64'), tag: tag.toString('base64') };
  mutate(envelope);
  return JSON.stringify(envelope);
}

const mutated = (body: string, mutate: (e: TransitEnvelope) => void): string => {
  const envelope = JSON.parse(body) as TransitEnvelope;
  mutate(envelope);
  return JSON.stringify(envelope);
};

describe('transit requests (bureau side)', () => {
  const open = (headers: Record<string, string>, body: string, options: { nowMs?: number; guard?: MemoryReplayGuard } = {}) =>
    openTransitRequest({ headers, body: Buffer.from(body), keys: keys.server, replayGuard: options.guard ?? new MemoryReplayGuard(), nowMs: options.nowMs ?? NOW });
  /** A request whose body we chose, correctly MACed with the app's secret. */
  const signedBody = (body: string, withSecret: Buffer = secret) => {
    const nonce = newNonce();
    const timestamp = String(NOW);
    return { body, headers: { 'X-App-Id': 'app-a', 'X-Timestamp': timestamp, 'X-Nonce': nonce, 'X-Signature': hmacHex(withSecret, timestamp, nonce, body) } };
  };

  it('opens a sealed POST and an empty GET, naming the app and nonce', async () => {
    const post = sealTransitRequest({ payload: PAYLOAD, keys: keys.client, nowMs: NOW });
    await expect(open(post.headers, post.body)).resolves.toEqual({ context: { appId: 'app-a', nonce: post.nonce, secret: 'current' }, payload: PAYLOAD });
    const get = sealTransitRequest({ keys: keys.client, nowMs: NOW });
    expect(get.body).toBe('');
    await expect(open(get.headers, get.body)).resolves.toMatchObject({ payload: null });
  });

  it('MACs timestamp|nonce|body as the spec writes it', () => {
    const sealed = sealTransitRequest({ payload: PAYLOAD, keys: keys.client, nowMs: NOW });
    expect(sealed.headers['X-Signature']).toBe(hmacHex(secret, String(NOW), sealed.nonce, sealed.body));
  });

  it('refuses any change to the body, tag or MAC as BAD_SIGNATURE', async () => {
    const { headers, body } = sealTransitRequest({ payload: PAYLOAD, keys: keys.client, nowMs: NOW });
    await expect(open(headers, mutated(body, (e) => (e.ciphertext = tamper(e.ciphertext))))).rejects.toMatchObject({ code: 'BAD_SIGNATURE' });
    await expect(open(headers, mutated(body, (e) => (e.tag = tamper(e.tag))))).rejects.toMatchObject({ code: 'BAD_SIGNATURE' });
    await expect(open(headers, body.slice(0, -5))).rejects.toMatchObject({ code: 'BAD_SIGNATURE' });
    const flipped = headers['X-Signature'].replace(/^./, (c) => (c === '0' ? '1' : '0'));
    await expect(open({ ...headers, 'X-Signature': flipped }, body)).rejects.toMatchObject({ code: 'BAD_SIGNATURE' });
    const wrongSecret = sealTransitRequest({ payload: PAYLOAD, keys: { ...keys.client, secrets: other.client.secrets }, nowMs: NOW });
    await expect(open(wrongSecret.headers, wrongSecret.body)).rejects.toMatchObject({ code: 'BAD_SIGNATURE' });
  });

  it('refuses MACed ciphertext or tag that does not authenticate as BAD_CIPHERTEXT', async () => {
    const body = sealTransitRequest({ payload: PAYLOAD, keys: keys.client, nowMs: NOW }).body;
    const badCiphertext = signedBody(mutated(body, (e) => (e.ciphertext = tamper(e.ciphertext))));
    await expect(open(badCiphertext.headers, badCiphertext.body)).rejects.toMatchObject({ code: 'BAD_CIPHERTEXT' });
    const badTag = signedBody(mutated(body, (e) => (e.tag = tamper(e.tag))));
    await expect(open(badTag.headers, badTag.body)).rejects.toMatchObject({ code: 'BAD_CIPHERTEXT' });
    const wrongKey: TransitClientKeys = { ...keys.client, dataKeys: { current: { keyId: dataKey.keyId, key: randomBytes(32) } } };
    const sealedWrong = sealTransitRequest({ payload: PAYLOAD, keys: wrongKey, nowMs: NOW });
    await expect(open(sealedWrong.headers, sealedWrong.body)).rejects.toMatchObject({ code: 'BAD_CIPHERTEXT' });
  });

  it('refuses an unknown data key ID and an unknown app', async () => {
    const unknownKey = sealTransitRequest({ payload: PAYLOAD, keys: { ...keys.client, dataKeys: { current: { keyId: 'retired', key: dataKey.key } } }, nowMs: NOW });
    await expect(open(unknownKey.headers, unknownKey.body)).rejects.toMatchObject({ code: 'UNKNOWN_KEY' });
    const stranger = sealTransitRequest({ payload: PAYLOAD, keys: other.client, nowMs: NOW });
    await expect(open(stranger.headers, stranger.body)).rejects.toMatchObject({ code: 'UNKNOWN_APP' });
    await expect(open({ ...stranger.headers, 'X-App-Id': 'toString' }, stranger.body)).rejects.toMatchObject({ code: 'UNKNOWN_APP' });
  });

  it('accepts the previous secret and data key during a rotation, and answers with the same secret', async () => {
    const rotated = { apps: { 'app-a': { secrets: { current: randomBytes(32), previous: secret }, dataKeys: { current: { keyId: 'next', key: randomBytes(32) }, previous: dataKey } } } };
    const sealed = sealTransitRequest({ payload: PAYLOAD, keys: keys.client, nowMs: NOW });
    const opened = await openTransitRequest({ headers: sealed.headers, body: Buffer.from(sealed.body), keys: rotated, replayGuard: new MemoryReplayGuard(), nowMs: NOW });
    expect(opened).toMatchObject({ context: { secret: 'previous' }, payload: PAYLOAD });
    const answer = sealTransitResponse({ payloadJson: '{}', request: opened.context, keys: rotated, nowMs: NOW });
    expect(answer.headers['X-Signature']).toBe(hmacHex(secret, String(NOW), sealed.nonce, answer.body));
  });

  it('refuses a replayed nonce, per app', async () => {
    const guard = new MemoryReplayGuard();
    const sealed = sealTransitRequest({ payload: PAYLOAD, keys: keys.client, nowMs: NOW });
    await open(sealed.headers, sealed.body, { guard });
    await expect(open(sealed.headers, sealed.body, { guard, nowMs: NOW + 5000 })).rejects.toMatchObject({ code: 'REPLAY' });
    const both = { apps: { ...keys.server.apps, ...other.server.apps } };
    const fromB = sealTransitRequest({ payload: PAYLOAD, keys: other.client, nowMs: NOW, nonce: sealed.nonce });
    await expect(openTransitRequest({ headers: fromB.headers, body: Buffer.from(fromB.body), keys: both, replayGuard: guard, nowMs: NOW })).resolves.toMatchObject({ context: { appId: 'app-b' } });
  });

  it('refuses timestamps more than 300 s away, either way', async () => {
    for (const skew of [-300_001, 300_001]) {
      const sealed = sealTransitRequest({ payload: PAYLOAD, keys: keys.client, nowMs: NOW + skew });
      await expect(open(sealed.headers, sealed.body)).rejects.toMatchObject({ code: 'CLOCK_SKEW' });
    }
    const edge = sealTransitRequest({ payload: PAYLOAD, keys: keys.client, nowMs: NOW + 300_000 });
    await expect(open(edge.headers, edge.body)).resolves.toBeDefined();
  });

  it('refuses a truncated body, invalid JSON inside a valid envelope and malformed fields as MALFORMED', async () => {
    const full = sealTransitRequest({ payload: PAYLOAD, keys: keys.client, nowMs: NOW }).body;
    const truncated = signedBody(full.slice(0, -5));
    await expect(open(truncated.headers, truncated.body)).rejects.toMatchObject({ code: 'MALFORMED' });
    const notJson = signedBody(envelopeAround('{"cardNos":'));
    await expect(open(notJson.headers, notJson.body)).rejects.toMatchObject({ code: 'MALFORMED' });
    const shortIv = signedBody(envelopeAround('{}', (e) => (e.iv = randomBytes(8).toString('base64'))));
    await expect(open(shortIv.headers, shortIv.body)).rejects.toMatchObject({ code: 'MALFORMED' });
    const valid = sealTransitRequest({ payload: PAYLOAD, keys: keys.client, nowMs: NOW });
    await expect(open({ ...valid.headers, 'X-Signature': valid.headers['X-Signature'].toUpperCase() }, valid.body)).rejects.toMatchObject({ code: 'MALFORMED' });
    const { 'X-Timestamp': _ts, ...noTimestamp } = valid.headers;
    await expect(open(noTimestamp, valid.body)).rejects.toMatchObject({ code: 'MALFORMED' });
  });
});

describe('transit responses (app side)', () => {
  const request: TransitRequestContext = { appId: 'app-a', nonce: newNonce(), secret: 'current' };
  const ANSWER = { asOf: '2026-11-01T10:00:00.000+08:00', results: [] };
  const seal = (nowMs = NOW) => sealTransitResponse({ payloadJson: JSON.stringify(ANSWER), request, keys: keys.server, nowMs });
  const open = (headers: Record<string, string>, bodyText: string, options: { requestNonce?: string; nowMs?: number; client?: TransitClientKeys } = {}) => () =>
    openTransitResponse({ headers, bodyText, requestNonce: options.requestNonce ?? request.nonce, keys: options.client ?? keys.client, nowMs: options.nowMs ?? NOW });
  const signedAnswer = (body: string) => ({ body, headers: { 'X-Timestamp': String(NOW), 'X-Signature': hmacHex(secret, String(NOW), request.nonce, body) } });
  const code = (c: string) => expect.objectContaining({ code: c });

  it('opens a sealed answer, MACed over timestamp|requestNonce|body', () => {
    const { headers, body } = seal();
    expect(headers['X-Signature']).toBe(hmacHex(secret, String(NOW), request.nonce, body));
    expect(open(headers, body)()).toEqual(ANSWER);
  });

  it('refuses tampering, a wrong secret and an answer replayed onto another request as BAD_SIGNATURE', () => {
    const { headers, body } = seal();
    expect(open(headers, mutated(body, (e) => (e.ciphertext = tamper(e.ciphertext))))).toThrow(code('BAD_SIGNATURE'));
    expect(open(headers, mutated(body, (e) => (e.tag = tamper(e.tag))))).toThrow(code('BAD_SIGNATURE'));
    expect(open({ ...headers, 'X-Signature': hmacHex(secret, String(NOW), request.nonce, `${body} `) }, body)).toThrow(code('BAD_SIGNATURE'));
    expect(open(headers, body, { client: { ...keys.client, secrets: other.client.secrets } })).toThrow(code('BAD_SIGNATURE'));
    expect(open(headers, body, { requestNonce: newNonce() })).toThrow(code('BAD_SIGNATURE'));
    expect(open(headers, body.slice(0, -5))).toThrow(code('BAD_SIGNATURE'));
  });

  it('refuses a MACed answer that does not decrypt as BAD_CIPHERTEXT, or under an unknown key as UNKNOWN_KEY', () => {
    const { body } = seal();
    const badCiphertext = signedAnswer(mutated(body, (e) => (e.ciphertext = tamper(e.ciphertext))));
    expect(open(badCiphertext.headers, badCiphertext.body)).toThrow(code('BAD_CIPHERTEXT'));
    const badTag = signedAnswer(mutated(body, (e) => (e.tag = tamper(e.tag))));
    expect(open(badTag.headers, badTag.body)).toThrow(code('BAD_CIPHERTEXT'));
    const unknownKey = signedAnswer(mutated(body, (e) => (e.keyId = 'retired')));
    expect(open(unknownKey.headers, unknownKey.body)).toThrow(code('UNKNOWN_KEY'));
  });

  it('refuses an answer timestamped more than 300 s away as CLOCK_SKEW', () => {
    const late = seal(NOW - 300_001);
    expect(open(late.headers, late.body)).toThrow(code('CLOCK_SKEW'));
    const early = seal(NOW + 300_001);
    expect(open(early.headers, early.body)).toThrow(code('CLOCK_SKEW'));
  });

  it('refuses a truncated body and invalid JSON inside a valid envelope as MALFORMED', () => {
    const truncated = signedAnswer(seal().body.slice(0, -5));
    expect(open(truncated.headers, truncated.body)).toThrow(code('MALFORMED'));
    const notJson = signedAnswer(envelopeAround('not json'));
    expect(open(notJson.headers, notJson.body)).toThrow(code('MALFORMED'));
  });

  it('never answers for an app or secret the bureau does not hold', () => {
    expect(() => sealTransitResponse({ payloadJson: '{}', request: { ...request, appId: 'app-b' }, keys: keys.server, nowMs: NOW })).toThrow(code('UNKNOWN_APP'));
    expect(() => sealTransitResponse({ payloadJson: '{}', request: { ...request, secret: 'previous' }, keys: keys.server, nowMs: NOW })).toThrow(code('UNKNOWN_APP'));
  });
});
