/**
 * The transit card system's status feed (upstream-protocols.md, "Card status over MQTT"): a
 * retained full snapshot of each of the 16 shards at start and every interval (15 minutes by
 * default), and a delta on each change, all QoS 1 and sealed with the card-status protocol module.
 *
 * Snapshot requests: a consumer that found a gap publishes a MACed request (see
 * openCardSnapshotRequest) to `{prefix}/cards/status-requests`; the publisher answers with a fresh
 * retained snapshot of that shard, at most one per shard per `minSnapshotGapMs` (requests in
 * between are coalesced into one), so a burst of requests cannot turn into a burst of snapshots.
 *
 * Sequence numbers are one counter per shard shared by snapshots and deltas. They start at the
 * publisher's start time in milliseconds, so a restarted publisher continues above the numbers it
 * used before without keeping any state (as long as it sends fewer than 1,000 messages a second
 * on a shard on average, which a card system does by orders of magnitude).
 */
import { randomBytes } from 'node:crypto';
import { connectAsync, type MqttClient } from 'mqtt';
import {
  CARD_SNAPSHOT_INTERVAL_MS,
  CARD_STATUS_DEFAULT_PREFIX,
  CARD_STATUS_SHARDS,
  MemoryReplayGuard,
  ProtocolError,
  cardSnapshotRequestTopic,
  cardStatusShard,
  cardStatusTopic,
  openCardSnapshotRequest,
  sealCardStatusMessage,
  systemClock,
  type CardStatusEntry,
  type CardStatusKeys,
  type CardStatusMessageKind,
  type Clock,
  type ProtocolErrorCode,
} from '@huimin/adapters';
import { formatShanghai, type CardStatus, type TransitCardRecord } from '@huimin/schema';
import type { TransitCardRegister } from '../stores/types';
import { FaultyOutbox, type CardStatusFaults } from './card-status-faults';

export type { CardStatusFaults } from './card-status-faults';

export interface CardStatusPublisherOptions {
  mqttUrl: string;
  /** Topics are `{topicPrefix}/cards/status/{shard}`; default `transit`. Tests use a unique one. */
  topicPrefix?: string;
  store: TransitCardRegister;
  keys: CardStatusKeys;
  snapshotIntervalMs?: number;
  clock?: Clock;
  /** The first sequence number of every shard; default the clock at start (see above). */
  firstSeq?: number;
  /** Least time between two requested snapshots of one shard; default 1000 ms. */
  minSnapshotGapMs?: number;
  /** Empties the retained snapshots on close (tests sharing a broker); default false. */
  clearRetainedOnClose?: boolean;
  /** Operational events; never carries card numbers or statuses. */
  log?: (event: { event: string; shard?: number; code?: ProtocolErrorCode }) => void;
}

export interface CardStatusPublisher {
  /** Changes a card's status in the register and publishes the delta; null for an unknown card. */
  changeStatus(cardNo: string, status: CardStatus): Promise<TransitCardRecord | null>;
  /** Publishes a retained snapshot of one shard now. */
  publishSnapshot(shard: number): Promise<void>;
  /** A consumer's ask (also reachable over MQTT): a snapshot soon, coalesced and rate-limited. */
  requestSnapshot(shard: number): void;
  /** The last sequence number used on a shard. */
  lastSeq(shard: number): number;
  /** Switches to new keys (current + previous); messages from then on use the new current key. */
  rotateKeys(keys: CardStatusKeys): void;
  /** Fault injection for tests: drop, duplicate or reorder the next messages. */
  readonly faults: CardStatusFaults;
  /** Snapshot requests refused, by code. */
  refusedRequests(): Partial<Record<ProtocolErrorCode, number>>;
  close(): Promise<void>;
}

const shardRange = (): number[] => Array.from({ length: CARD_STATUS_SHARDS }, (_, shard) => shard);

export async function startCardStatusPublisher(options: CardStatusPublisherOptions): Promise<CardStatusPublisher> {
  const clock = options.clock ?? systemClock;
  const prefix = options.topicPrefix ?? CARD_STATUS_DEFAULT_PREFIX;
  const minGapMs = options.minSnapshotGapMs ?? 1000;
  const log = options.log ?? (() => undefined);
  let keys = options.keys;
  const firstSeq = options.firstSeq ?? clock();
  const seqs = shardRange().map(() => firstSeq - 1);
  const lastSnapshotAt = shardRange().map(() => Number.NEGATIVE_INFINITY);
  const scheduled = new Map<number, NodeJS.Timeout>();
  const refused: Partial<Record<ProtocolErrorCode, number>> = {};
  const replayGuard = new MemoryReplayGuard();
  // Cards never move between shards; hashing each once keeps a snapshot to a filter.
  const shardOf = new Map<string, number>();
  const cachedShard = (cardNo: string): number => {
    let shard = shardOf.get(cardNo);
    if (shard === undefined) shardOf.set(cardNo, (shard = cardStatusShard(cardNo)));
    return shard;
  };

  const client: MqttClient = await connectAsync(options.mqttUrl, { clientId: `card-status-pub-${randomBytes(6).toString('hex')}`, clean: true, reconnectPeriod: 1000 }, false);
  // An EventEmitter without an 'error' listener throws: a broker hiccup must not end the process.
  client.on('error', () => log({ event: 'broker-error' }));
  const outbox = new FaultyOutbox((topic, body, retain) => client.publishAsync(topic, body, { qos: 1, retain }).then(() => undefined));

  function send(shard: number, kind: CardStatusMessageKind, cards: readonly CardStatusEntry[]): Promise<void> {
    // The seq is taken synchronously, in call order; the client sends in that same order.
    seqs[shard] = (seqs[shard] ?? firstSeq - 1) + 1;
    const message = sealCardStatusMessage({ keys, shard, seq: seqs[shard] ?? firstSeq, kind, cards, nowMs: clock() });
    return outbox.send(cardStatusTopic(shard, prefix), JSON.stringify(message), kind === 'snapshot');
  }

  const entryOf = (card: TransitCardRecord): CardStatusEntry => ({ cardNo: card.cardNo, status: card.status, changedAt: card.statusChangedAt });

  async function publishSnapshot(shard: number): Promise<void> {
    lastSnapshotAt[shard] = clock();
    const cards = options.store.allCards().filter((card) => cachedShard(card.cardNo) === shard).map(entryOf);
    await send(shard, 'snapshot', cards);
  }

  const publishAll = (): Promise<void> => Promise.all(shardRange().map(publishSnapshot)).then(() => undefined);

  function requestSnapshot(shard: number): void {
    if (!Number.isInteger(shard) || shard < 0 || shard >= CARD_STATUS_SHARDS || scheduled.has(shard)) return;
    const waitMs = Math.max(0, (lastSnapshotAt[shard] ?? 0) + minGapMs - clock());
    const timer = setTimeout(() => {
      scheduled.delete(shard);
      publishSnapshot(shard).catch(() => log({ event: 'snapshot-failed', shard }));
    }, waitMs);
    timer.unref();
    scheduled.set(shard, timer);
  }

  const requestTopic = cardSnapshotRequestTopic(prefix);
  client.on('message', (topic, payload) => {
    if (topic !== requestTopic) return;
    openCardSnapshotRequest({ body: payload, keys, nowMs: clock(), replayGuard }).then(
      (shard) => {
        log({ event: 'snapshot-requested', shard });
        requestSnapshot(shard);
      },
      (error: unknown) => {
        const code: ProtocolErrorCode = error instanceof ProtocolError ? error.code : 'INTERNAL';
        refused[code] = (refused[code] ?? 0) + 1;
        log({ event: 'snapshot-request-refused', code });
      },
    );
  });

  try {
    await client.subscribeAsync(requestTopic, { qos: 1 });
    await publishAll();
  } catch (error) {
    await client.endAsync(true);
    throw error;
  }
  const interval = setInterval(() => {
    publishAll().catch(() => log({ event: 'snapshot-failed' }));
  }, options.snapshotIntervalMs ?? CARD_SNAPSHOT_INTERVAL_MS);
  interval.unref();

  return {
    async changeStatus(cardNo, status) {
      const card = options.store.setCardStatus(cardNo, status, formatShanghai(clock()));
      if (card) await send(cachedShard(cardNo), 'delta', [entryOf(card)]);
      return card;
    },
    publishSnapshot,
    requestSnapshot,
    lastSeq: (shard) => seqs[shard] ?? firstSeq - 1,
    rotateKeys(next) {
      keys = next;
    },
    faults: outbox.faults,
    refusedRequests: () => ({ ...refused }),
    async close() {
      clearInterval(interval);
      for (const timer of scheduled.values()) clearTimeout(timer);
      scheduled.clear();
      await outbox.flush();
      if (options.clearRetainedOnClose) {
        // An empty retained message removes the retained one (MQTT 3.1.1 §3.3.1.3).
        await Promise.all(shardRange().map((shard) => client.publishAsync(cardStatusTopic(shard, prefix), '', { qos: 1, retain: true }))).catch(() => undefined);
      }
      await client.endAsync();
    },
  };
}
