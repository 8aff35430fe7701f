import { createCipheriv, randomBytes } from 'node:crypto';
import { hmacSm3, sm4CbcEncrypt } from '../crypto';
import { MemoryReplayGuard } from './freshness';
import {
  CARD_SNAPSHOT_MAX_AGE_MS,
  cardSnapshotRequestTopic,
  cardStatusMacString,
  cardStatusShard,
  cardStatusTopic,
  cardStatusTopicFilter,
  generateCardStatusKeyMaterial,
  newCardStatusKey,
  openCardSnapshotRequest,
  openCardStatusMessage,
  sealCardSnapshotRequest,
  sealCardStatusMessage,
  shardOfTopic,
  type CardStatusEntry,
  type CardStatusKeys,
  type CardStatusMessage,
} from './card-status';

const NOW = Date.parse('2026-11-01T02:00:00Z');
const keys = generateCardStatusKeyMaterial();
const CHANGED_AT = '2026-11-01T09:59:00.000+08:00';

/** Valid card numbers (shape only here) landing on the wanted shard. */
function cardsOnShard(shard: number, count: number): string[] {
  const found: string[] = [];
  for (let n = 0; found.length < count; n += 1) {
    const cardNo = `31010000${String(n).padStart(8, '0')}`;
    if (cardStatusShard(cardNo) === shard) found.push(cardNo);
  }
  return found;
}

const SHARD = 7;
const entries: CardStatusEntry[] = cardsOnShard(SHARD, 3).map((cardNo, i) => ({ cardNo, status: i === 1 ? 'LOST' : 'ACTIVE', changedAt: CHANGED_AT }));
const seal = (over: Partial<Parameters<typeof sealCardStatusMessage>[0]> = {}): CardStatusMessage =>
  sealCardStatusMessage({ keys: keys.publisher, shard: SHARD, seq: 41, kind: 'delta', cards: entries, nowMs: NOW, ...over });
const open = (message: CardStatusMessage | string, over: Partial<Parameters<typeof openCardStatusMessage>[0]> = {}) =>
  openCardStatusMessage({ body: typeof message === 'string' ? message : JSON.stringify(message), keys: keys.consumer, nowMs: NOW, ...over });
const codeOf = (fn: () => unknown): string => {
  try {
    fn();
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  }
  return 'OPENED';
};

/** A message whose encrypted bytes we chose, correctly MACed: what happens after the MAC passes. */
function macedAround(ciphertext: Buffer, over: Partial<CardStatusMessage> = {}, ring: CardStatusKeys = keys.publisher): CardStatusMessage {
  const unsigned = { shard: SHARD, seq: 1, kind: 'delta' as const, timestamp: NOW, keyId: ring.current.keyId, iv: randomBytes(16).toString('hex'), payload: ciphertext.toString('base64'), ...over };
  return { ...unsigned, mac: hmacSm3(ring.current.key.macKey, cardStatusMacString(unsigned)).toString('hex') };
}
const encrypted = (plaintext: string, iv: string): Buffer => sm4CbcEncrypt(keys.publisher.current.key.statusKey, Buffer.from(iv, 'hex'), Buffer.from(plaintext));
function macedPlaintext(plaintext: string): CardStatusMessage {
  const iv = randomBytes(16).toString('hex');
  return macedAround(encrypted(plaintext, iv), { iv });
}

describe('card-status topics and shards', () => {
  it('shards by the last hex digit of SM3(cardNo), as sm-crypto computes it', () => {
    const reference = require('sm-crypto') as { sm3(message: string): string };
    for (const cardNo of ['3101000000000011', '31010000000000000019', '6222021234567890']) {
      expect(cardStatusShard(cardNo)).toBe(Number.parseInt(reference.sm3(cardNo).slice(-1), 16));
    }
    const shards = new Set(cardsOnShard(0, 1).concat(...Array.from({ length: 16 }, (_, s) => cardsOnShard(s, 1))).map(cardStatusShard));
    expect(shards.size).toBe(16);
  });

  it('names topics under a prefix and reads the shard back', () => {
    expect(cardStatusTopic(15)).toBe('transit/cards/status/15');
    expect(cardStatusTopicFilter('t-1/transit')).toBe('t-1/transit/cards/status/+');
    expect(cardSnapshotRequestTopic()).toBe('transit/cards/status-requests');
    expect(shardOfTopic('t-1/transit/cards/status/9', 't-1/transit')).toBe(9);
    for (const bad of ['transit/cards/status/16', 'transit/cards/status/a', 'transit/cards/status/', 'other/cards/status/1', 'transit/cards/status/01']) {
      expect(shardOfTopic(bad)).toBeNull();
    }
  });
});

describe('card-status messages', () => {
  it('round-trips a delta and a snapshot', () => {
    expect(open(seal())).toEqual({ shard: SHARD, seq: 41, kind: 'delta', timestamp: NOW, keyId: keys.publisher.current.keyId, cards: entries });
    expect(open(seal({ kind: 'snapshot', seq: 0, cards: [] }), { topicShard: SHARD })).toMatchObject({ kind: 'snapshot', seq: 0, cards: [] });
  });

  it('is byte-compatible with sm-crypto: the MAC string as the spec writes it and the SM4-CBC payload', () => {
    const reference = require('sm-crypto') as {
      sm3(message: string, options: { key: string }): string;
      sm4: { decrypt(input: string, key: string, options: object): string };
    };
    const message = seal();
    const { key } = keys.publisher.current;
    const macString = `${SHARD}|41|delta|${NOW}|${message.iv}|${message.payload}`;
    expect(message.mac).toBe(reference.sm3(macString, { key: key.macKey.toString('hex') }));
    const plaintext = reference.sm4.decrypt(Buffer.from(message.payload, 'base64').toString('hex'), key.statusKey.toString('hex'), { mode: 'cbc', iv: message.iv, padding: 'pkcs#7' });
    expect(JSON.parse(plaintext)).toEqual({ cards: entries });
  });

  it('refuses any change to a MACed field, the MAC itself, or a wrong MAC key as BAD_SIGNATURE', () => {
    const message = seal();
    const flip = (hex: string): string => (hex[0] === '0' ? '1' : '0') + hex.slice(1);
    const tamperedPayload = Buffer.from(message.payload, 'base64');
    tamperedPayload[0] = (tamperedPayload[0] ?? 0) ^ 1;
    for (const change of [
      { seq: 42 }, { shard: 3 }, { kind: 'snapshot' as const }, { timestamp: NOW + 1 },
      { iv: flip(message.iv) }, { payload: tamperedPayload.toString('base64') }, { mac: flip(message.mac) },
    ]) {
      expect(codeOf(() => open({ ...message, ...change }))).toBe('BAD_SIGNATURE');
    }
    const sameIdOtherKey: CardStatusKeys = { current: { keyId: keys.consumer.current.keyId, key: { ...keys.consumer.current.key, macKey: randomBytes(32) } } };
    expect(codeOf(() => open(message, { keys: sameIdOtherKey }))).toBe('BAD_SIGNATURE');
  });

  it('accepts the current and the previous key, refuses any other key id as UNKNOWN_KEY', () => {
    const next = newCardStatusKey();
    const rotated: CardStatusKeys = { current: next, previous: keys.consumer.current };
    const inFlight = seal();
    expect(open(inFlight, { keys: rotated }).cards).toEqual(entries);
    expect(open(seal({ keys: { current: next } }), { keys: rotated }).keyId).toBe(next.keyId);
    expect(codeOf(() => open(seal({ keys: { current: newCardStatusKey() } }), { keys: rotated }))).toBe('UNKNOWN_KEY');
    expect(codeOf(() => open(inFlight, { keys: { current: newCardStatusKey(), previous: next } }))).toBe('UNKNOWN_KEY');
  });

  it('holds deltas to ±300 s but accepts a retained snapshot up to the age limit', () => {
    const minute = 60_000;
    expect(codeOf(() => open(seal({ nowMs: NOW - 5 * minute - 1 })))).toBe('CLOCK_SKEW');
    expect(codeOf(() => open(seal({ nowMs: NOW + 5 * minute + 1 })))).toBe('CLOCK_SKEW');
    expect(codeOf(() => open(seal({ nowMs: NOW - 5 * minute })))).toBe('OPENED');
    // A retained snapshot published 14 minutes ago is what a consumer subscribing now receives.
    expect(codeOf(() => open(seal({ kind: 'snapshot', nowMs: NOW - 14 * minute })))).toBe('OPENED');
    expect(codeOf(() => open(seal({ kind: 'snapshot', nowMs: NOW - CARD_SNAPSHOT_MAX_AGE_MS })))).toBe('OPENED');
    expect(codeOf(() => open(seal({ kind: 'snapshot', nowMs: NOW - CARD_SNAPSHOT_MAX_AGE_MS - 1 })))).toBe('CLOCK_SKEW');
    expect(codeOf(() => open(seal({ kind: 'snapshot', nowMs: NOW - 20 * minute }), { maxSnapshotAgeMs: 10 * minute }))).toBe('CLOCK_SKEW');
    expect(codeOf(() => open(seal({ kind: 'snapshot', nowMs: NOW + 5 * minute + 1 })))).toBe('CLOCK_SKEW');
  });

  it('refuses MACed bytes that do not decrypt as BAD_CIPHERTEXT', () => {
    expect(codeOf(() => open(macedAround(randomBytes(33))))).toBe('BAD_CIPHERTEXT');
    // Blocks that decrypt to zeros end in a 0x00 "padding" byte, which PKCS#7 never produces.
    const iv = randomBytes(16);
    const cipher = createCipheriv('sm4-cbc', keys.publisher.current.key.statusKey, iv).setAutoPadding(false);
    const badPadding = Buffer.concat([cipher.update(Buffer.alloc(32)), cipher.final()]);
    expect(codeOf(() => open(macedAround(badPadding, { iv: iv.toString('hex') })))).toBe('BAD_CIPHERTEXT');
    // An empty payload is not a ciphertext at all.
    expect(codeOf(() => open(macedAround(Buffer.alloc(0))))).toBe('MALFORMED');
  });

  it('refuses invalid JSON or a bad payload inside a valid envelope as MALFORMED', () => {
    const [onShard] = cardsOnShard(SHARD, 1);
    const [elsewhere] = cardsOnShard((SHARD + 1) % 16, 1);
    for (const plaintext of [
      'not json', '[]', '{"cards":{}}', '{"cards":[1]}',
      JSON.stringify({ cards: [{ cardNo: onShard, status: 'STOLEN', changedAt: CHANGED_AT }] }),
      JSON.stringify({ cards: [{ cardNo: 'abc', status: 'ACTIVE', changedAt: CHANGED_AT }] }),
      JSON.stringify({ cards: [{ cardNo: elsewhere, status: 'ACTIVE', changedAt: CHANGED_AT }] }),
    ]) {
      expect(codeOf(() => open(macedPlaintext(plaintext)))).toBe('MALFORMED');
    }
  });

  it('refuses truncated, oversize-field and ill-shaped envelopes as MALFORMED, and a topic/shard mismatch', () => {
    const text = JSON.stringify(seal());
    expect(codeOf(() => open(text.slice(0, -10)))).toBe('MALFORMED');
    expect(codeOf(() => open(Buffer.from([0xff, 0xfe, 0x7b]).toString('latin1')))).toBe('MALFORMED');
    for (const change of [
      { shard: 16 }, { shard: -1 }, { seq: -1 }, { seq: 1.5 }, { kind: 'full' }, { timestamp: '1' }, { keyId: '' }, { keyId: 'x'.repeat(65) },
      { iv: 'abcd' }, { payload: 'not base64!' }, { mac: 'ABCDEF' }, { mac: undefined },
    ]) {
      expect(codeOf(() => open(JSON.stringify({ ...seal(), ...change })))).toBe('MALFORMED');
    }
    expect(codeOf(() => open(seal(), { topicShard: SHARD + 1 }))).toBe('MALFORMED');
  });

  it('keeps card numbers and statuses out of every error message', () => {
    const messages: string[] = [];
    const [elsewhere] = cardsOnShard((SHARD + 1) % 16, 1);
    for (const bad of [macedPlaintext(JSON.stringify({ cards: [{ cardNo: elsewhere, status: 'LOST', changedAt: CHANGED_AT }] })), { ...seal(), seq: 1 }]) {
      try {
        open(bad);
      } catch (error) {
        messages.push((error as Error).message);
      }
    }
    expect(messages).toHaveLength(2);
    for (const text of messages) expect(text).not.toMatch(/\d{16}|LOST|ACTIVE/);
  });
});

describe('snapshot requests', () => {
  const openRequest = (body: object, guard = new MemoryReplayGuard(), nowMs = NOW) =>
    openCardSnapshotRequest({ body: JSON.stringify(body), keys: keys.publisher, nowMs, replayGuard: guard });

  it('opens a sealed request once and refuses the replay', async () => {
    const guard = new MemoryReplayGuard();
    const request = sealCardSnapshotRequest({ keys: keys.consumer, shard: 12, nowMs: NOW });
    await expect(openRequest(request, guard)).resolves.toBe(12);
    await expect(openRequest(request, guard)).rejects.toMatchObject({ code: 'REPLAY' });
  });

  it('refuses a forged, foreign, stale or ill-shaped request with its code', async () => {
    const request = sealCardSnapshotRequest({ keys: keys.consumer, shard: 3, nowMs: NOW });
    await expect(openRequest({ ...request, shard: 4 })).rejects.toMatchObject({ code: 'BAD_SIGNATURE' });
    await expect(openRequest(sealCardSnapshotRequest({ keys: { current: newCardStatusKey() }, shard: 3, nowMs: NOW }))).rejects.toMatchObject({ code: 'UNKNOWN_KEY' });
    await expect(openRequest(request, new MemoryReplayGuard(), NOW + 301_000)).rejects.toMatchObject({ code: 'CLOCK_SKEW' });
    await expect(openRequest({ ...request, shard: 99 })).rejects.toMatchObject({ code: 'MALFORMED' });
    await expect(openRequest({ ...request, nonce: 'short' })).rejects.toMatchObject({ code: 'MALFORMED' });
  });
});
