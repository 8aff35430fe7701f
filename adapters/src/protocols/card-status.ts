/**
 * The transit bureau's card-status feed over MQTT, both sides (upstream-protocols.md, "Card status
 * over MQTT"). Topic `{prefix}/cards/status/{shard}`, 16 shards by the last hex digit of
 * SM3(cardNo); each message is SM4-CBC-PKCS7 under the status key named by `keyId` and MACed with
 * HMAC-SM3(macKey, shard|seq|kind|timestamp|iv|payload).
 *
 * Readings of what the spec leaves open:
 * - `shard` is a JSON integer 0–15 (the hex digit's value) and the topic carries it in decimal;
 *   `iv` is hex (16 bytes), as in the finance bureau's SM4-CBC envelope; `payload` is base64.
 * - One `keyId` names a pair (status key, MAC key): they rotate together.
 * - Freshness: MQTT messages carry no nonce; duplicates are caught by `seq`, so the ±300 s rule
 *   is what bounds a replayed delta. A snapshot is retained by the broker and re-published only
 *   every 15 minutes, so a consumer subscribing just before the next one receives a snapshot up to
 *   15 minutes old — refusing it at 300 s would leave a fresh consumer blind until the next one.
 *   Snapshots are therefore refused only from the future (beyond 300 s) or when older than
 *   `maxSnapshotAgeMs` (default two intervals plus the window: the publisher has missed two).
 *   Its age is not hidden: the consumer reports it as the shard's `statusAsOf`.
 * - Payload: `{ "cards": [{ "cardNo", "status", "changedAt" }] }` for both kinds; a snapshot lists
 *   every card of the shard, a delta the cards that changed.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { CardStatus } from '@huimin/schema';
import { ProtocolError } from '../errors';
import { hmacSm3, sm3Hex, sm4CbcDecrypt, sm4CbcEncrypt } from '../crypto';
import { assertFresh, assertNonceShape, FRESHNESS_WINDOW_MS, newNonce, type ReplayGuard } from './freshness';
import { decodeBase64, keyFromRing, type KeyRing } from './envelope-fields';
import { parseJsonObject, requireSafeInteger, requireString } from './json-object';

export const CARD_STATUS_SHARDS = 16;
export const CARD_STATUS_DEFAULT_PREFIX = 'transit';
export const CARD_SNAPSHOT_INTERVAL_MS = 15 * 60_000;
export const CARD_SNAPSHOT_MAX_AGE_MS = 2 * CARD_SNAPSHOT_INTERVAL_MS + FRESHNESS_WINDOW_MS;

export type CardStatusMessageKind = 'snapshot' | 'delta';

/** The two keys one keyId names, held alike by publisher and consumer. */
export interface CardStatusKey {
  /** 16-byte SM4 key for the payload. */
  statusKey: Buffer;
  /** HMAC-SM3 key for the MAC. */
  macKey: Buffer;
}

/** The current pair and, during a rotation, the previous one; receivers accept both. */
export type CardStatusKeys = KeyRing<CardStatusKey>;

export interface CardStatusEntry {
  cardNo: string;
  status: CardStatus;
  /** When the card took this status (DateTime). */
  changedAt: string;
}

/** The wire message, exactly as published. */
export interface CardStatusMessage {
  shard: number;
  seq: number;
  kind: CardStatusMessageKind;
  timestamp: number;
  keyId: string;
  iv: string;
  payload: string;
  mac: string;
}

export interface OpenedCardStatusMessage {
  shard: number;
  seq: number;
  kind: CardStatusMessageKind;
  timestamp: number;
  keyId: string;
  cards: CardStatusEntry[];
}

const CARD_STATUSES: ReadonlySet<string> = new Set<CardStatus>(['ACTIVE', 'LOST', 'FROZEN', 'CANCELLED']);
const CARD_NO = /^\d{16,19}$/;
const IV_HEX = /^[0-9a-f]{32}$/;
const MAC_HEX = /^[0-9a-f]{64}$/;
const KEY_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** The shard of a card: the value of the last hex digit of SM3(cardNo). */
export function cardStatusShard(cardNo: string): number {
  return Number.parseInt(sm3Hex(cardNo).slice(-1), 16);
}

export function cardStatusTopic(shard: number, prefix = CARD_STATUS_DEFAULT_PREFIX): string {
  return `${prefix}/cards/status/${shard}`;
}

/** The wildcard a consumer subscribes to for every shard. */
export function cardStatusTopicFilter(prefix = CARD_STATUS_DEFAULT_PREFIX): string {
  return `${prefix}/cards/status/+`;
}

/** The shard a topic names, or null when the topic is not a card-status topic under the prefix. */
export function shardOfTopic(topic: string, prefix = CARD_STATUS_DEFAULT_PREFIX): number | null {
  const head = `${prefix}/cards/status/`;
  if (!topic.startsWith(head)) return null;
  const rest = topic.slice(head.length);
  if (!/^(?:\d|1[0-5])$/.test(rest)) return null;
  return Number(rest);
}

export function cardStatusMacString(m: Omit<CardStatusMessage, 'mac'>): string {
  return `${m.shard}|${m.seq}|${m.kind}|${m.timestamp}|${m.iv}|${m.payload}`;
}

function isShard(value: number): boolean {
  return Number.isInteger(value) && value >= 0 && value < CARD_STATUS_SHARDS;
}

/** Publisher: seals one snapshot or delta under the current key pair. */
export function sealCardStatusMessage(options: {
  keys: CardStatusKeys;
  shard: number;
  seq: number;
  kind: CardStatusMessageKind;
  cards: readonly CardStatusEntry[];
  nowMs: number;
  /** Fixed IV, for tests only. */
  iv?: Buffer;
}): CardStatusMessage {
  if (!isShard(options.shard)) throw new RangeError(`shard must be 0–${CARD_STATUS_SHARDS - 1}`);
  if (!Number.isSafeInteger(options.seq) || options.seq < 0) throw new RangeError('seq must be a non-negative safe integer');
  const { keyId, key } = options.keys.current;
  const iv = options.iv ?? randomBytes(16);
  const plaintext = Buffer.from(JSON.stringify({ cards: options.cards }), 'utf8');
  const unsigned = {
    shard: options.shard,
    seq: options.seq,
    kind: options.kind,
    timestamp: options.nowMs,
    keyId,
    iv: iv.toString('hex'),
    payload: sm4CbcEncrypt(key.statusKey, iv, plaintext).toString('base64'),
  };
  return { ...unsigned, mac: hmacSm3(key.macKey, cardStatusMacString(unsigned)).toString('hex') };
}

function parseMessage(body: string | Uint8Array): CardStatusMessage {
  const raw = parseJsonObject(body, 'card-status message');
  const shard = requireSafeInteger(raw, 'shard');
  if (!isShard(shard)) throw new ProtocolError('MALFORMED', 'shard must be 0–15');
  const seq = requireSafeInteger(raw, 'seq');
  if (seq < 0) throw new ProtocolError('MALFORMED', 'seq must not be negative');
  const kind = raw.kind;
  if (kind !== 'snapshot' && kind !== 'delta') throw new ProtocolError('MALFORMED', 'kind must be snapshot or delta');
  const timestamp = requireSafeInteger(raw, 'timestamp');
  const keyId = requireString(raw, 'keyId', KEY_ID);
  const iv = requireString(raw, 'iv', IV_HEX);
  const payload = requireString(raw, 'payload');
  decodeBase64(payload, 'payload');
  const mac = requireString(raw, 'mac', MAC_HEX);
  return { shard, seq, kind, timestamp, keyId, iv, payload, mac };
}

function assertTimely(kind: CardStatusMessageKind, timestamp: number, nowMs: number, maxSnapshotAgeMs: number): void {
  if (kind === 'delta') return assertFresh(timestamp, nowMs);
  if (timestamp - nowMs > FRESHNESS_WINDOW_MS) throw new ProtocolError('CLOCK_SKEW', 'snapshot timestamp is in the future');
  if (nowMs - timestamp > maxSnapshotAgeMs) throw new ProtocolError('CLOCK_SKEW', 'snapshot is older than the snapshot age limit');
}

function parseEntries(plaintext: Buffer, shard: number): CardStatusEntry[] {
  const cards = parseJsonObject(plaintext, 'card-status payload').cards;
  if (!Array.isArray(cards)) throw new ProtocolError('MALFORMED', 'payload cards must be an array');
  return cards.map((item: unknown): CardStatusEntry => {
    if (typeof item !== 'object' || item === null) throw new ProtocolError('MALFORMED', 'payload card must be an object');
    const entry = item as Record<string, unknown>;
    const cardNo = requireString(entry, 'cardNo', CARD_NO);
    const status = requireString(entry, 'status');
    const changedAt = requireString(entry, 'changedAt');
    if (!CARD_STATUSES.has(status)) throw new ProtocolError('MALFORMED', 'payload card status is not a card status');
    // A card published on another shard's stream would be applied to the wrong view; refuse it.
    if (cardStatusShard(cardNo) !== shard) throw new ProtocolError('MALFORMED', 'payload card belongs to another shard');
    return { cardNo, status: status as CardStatus, changedAt };
  });
}

/**
 * Consumer: checks shape, key, MAC (constant time, before anything reads the ciphertext), clock,
 * then decrypts. Throws ProtocolError: MALFORMED, UNKNOWN_KEY, BAD_SIGNATURE, CLOCK_SKEW,
 * BAD_CIPHERTEXT. `topicShard` (from the topic it arrived on) must match the MACed shard.
 */
export function openCardStatusMessage(options: {
  body: string | Uint8Array;
  keys: CardStatusKeys;
  nowMs: number;
  topicShard?: number;
  maxSnapshotAgeMs?: number;
}): OpenedCardStatusMessage {
  const message = parseMessage(options.body);
  const key = keyFromRing(options.keys, message.keyId);
  if (!key) throw new ProtocolError('UNKNOWN_KEY', 'unknown card-status key id');
  const expected = hmacSm3(key.macKey, cardStatusMacString(message));
  if (!timingSafeEqual(Buffer.from(message.mac, 'hex'), expected)) throw new ProtocolError('BAD_SIGNATURE', 'card-status MAC does not verify');
  if (options.topicShard !== undefined && options.topicShard !== message.shard) {
    throw new ProtocolError('MALFORMED', 'message shard does not match its topic');
  }
  assertTimely(message.kind, message.timestamp, options.nowMs, options.maxSnapshotAgeMs ?? CARD_SNAPSHOT_MAX_AGE_MS);
  const plaintext = sm4CbcDecrypt(key.statusKey, Buffer.from(message.iv, 'hex'), Buffer.from(message.payload, 'base64'));
  const cards = parseEntries(plaintext, message.shard);
  const { shard, seq, kind, timestamp, keyId } = message;
  return { shard, seq, kind, timestamp, keyId, cards };
}

/**
 * Snapshot requests (an addition to the spec: "or asks for one"). A consumer that detected a gap
 * publishes `{ shard, timestamp, nonce, keyId, mac }` to `{prefix}/cards/status-requests`, with
 * mac = hex(HMAC-SM3(macKey, "snapshot-request|shard|timestamp|nonce")). It is MACed because each
 * request makes the publisher send a whole shard: anyone else on the broker could otherwise
 * make it do so at will.
 */
export interface CardSnapshotRequest {
  shard: number;
  timestamp: number;
  nonce: string;
  keyId: string;
  mac: string;
}

export function cardSnapshotRequestTopic(prefix = CARD_STATUS_DEFAULT_PREFIX): string {
  return `${prefix}/cards/status-requests`;
}

const requestMacString = (r: Omit<CardSnapshotRequest, 'mac' | 'keyId'>): string => `snapshot-request|${r.shard}|${r.timestamp}|${r.nonce}`;

/** Consumer: asks for a snapshot of one shard. */
export function sealCardSnapshotRequest(options: { keys: CardStatusKeys; shard: number; nowMs: number }): CardSnapshotRequest {
  if (!isShard(options.shard)) throw new RangeError(`shard must be 0–${CARD_STATUS_SHARDS - 1}`);
  const unsigned = { shard: options.shard, timestamp: options.nowMs, nonce: newNonce() };
  const { keyId, key } = options.keys.current;
  return { ...unsigned, keyId, mac: hmacSm3(key.macKey, requestMacString(unsigned)).toString('hex') };
}

/** Publisher: authenticates a snapshot request (MAC, clock, then nonce) and names its shard. */
export async function openCardSnapshotRequest(options: {
  body: string | Uint8Array;
  keys: CardStatusKeys;
  nowMs: number;
  replayGuard: ReplayGuard;
}): Promise<number> {
  const raw = parseJsonObject(options.body, 'snapshot request');
  const shard = requireSafeInteger(raw, 'shard');
  if (!isShard(shard)) throw new ProtocolError('MALFORMED', 'shard must be 0–15');
  const timestamp = requireSafeInteger(raw, 'timestamp');
  const nonce = raw.nonce;
  assertNonceShape(nonce);
  const keyId = requireString(raw, 'keyId', KEY_ID);
  const mac = requireString(raw, 'mac', MAC_HEX);
  const key = keyFromRing(options.keys, keyId);
  if (!key) throw new ProtocolError('UNKNOWN_KEY', 'unknown card-status key id');
  const expected = hmacSm3(key.macKey, requestMacString({ shard, timestamp, nonce }));
  if (!timingSafeEqual(Buffer.from(mac, 'hex'), expected)) throw new ProtocolError('BAD_SIGNATURE', 'snapshot request MAC does not verify');
  assertFresh(timestamp, options.nowMs);
  if (!(await options.replayGuard.remember('card-snapshot-request', nonce, options.nowMs))) {
    throw new ProtocolError('REPLAY', 'snapshot request nonce already used inside the window');
  }
  return shard;
}

/** A fresh key pair under a new keyId (tests, dev stack, rotations). */
export function newCardStatusKey(): { keyId: string; key: CardStatusKey } {
  return { keyId: `cs-${randomBytes(4).toString('hex')}`, key: { statusKey: randomBytes(16), macKey: randomBytes(32) } };
}

/** Matched key material for the publisher and the consumer, each side its own copies. */
export function generateCardStatusKeyMaterial(): { publisher: CardStatusKeys; consumer: CardStatusKeys } {
  const { keyId, key } = newCardStatusKey();
  const copy = (): CardStatusKeys => ({ current: { keyId, key: { statusKey: Buffer.from(key.statusKey), macKey: Buffer.from(key.macKey) } } });
  return { publisher: copy(), consumer: copy() };
}
