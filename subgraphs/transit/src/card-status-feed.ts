/**
 * The transit subgraph's consumer of the card-status feed (upstream-protocols.md, "Card status
 * over MQTT"): subscribes to every shard, verifies and decrypts each message with the protocol
 * module, applies it to its shard in seq order (card-status-shard.ts), and asks the publisher for
 * a snapshot when a shard has a gap or has had none since start. Bad messages are counted by
 * their ProtocolError code and dropped; nothing a message carries can throw out of the handler.
 * Logs name shards, seqs and codes only — never a card number or a status.
 */
import { randomBytes } from 'node:crypto';
import { connectAsync, type MqttClient } from 'mqtt';
import {
  CARD_STATUS_DEFAULT_PREFIX,
  CARD_STATUS_SHARDS,
  ProtocolError,
  cardSnapshotRequestTopic,
  cardStatusShard,
  cardStatusTopicFilter,
  openCardStatusMessage,
  sealCardSnapshotRequest,
  shardOfTopic,
  systemClock,
  type CardStatusKeys,
  type Clock,
  type ProtocolErrorCode,
} from '@huimin/adapters';
import { formatShanghai, type CardStatus } from '@huimin/schema';
import { ShardView, type SnapshotNeed } from './card-status-shard';

/** What the resolvers need from the feed. */
export interface CardStatusView {
  /** The card's status in the feed's view, with the shard's statusAsOf; null when the feed has no view of it. */
  status(cardNo: string): { status: CardStatus; asOf: string } | null;
}

export interface ShardFreshness {
  shard: number;
  appliedSeq: number | null;
  /** The time of the last message applied to the shard (DateTime); null before its first snapshot. */
  statusAsOf: string | null;
  /** How old that is now, in ms; null before the first snapshot. */
  ageMs: number | null;
  inGap: boolean;
  /** Deltas waiting for a missing seq or a snapshot. */
  waiting: number;
  cards: number;
}

export interface CardFeedStats {
  applied: { snapshot: number; delta: number };
  duplicates: number;
  buffered: number;
  gaps: number;
  snapshotRequests: number;
  /** Messages refused, by ProtocolError code (INTERNAL for anything unexpected). */
  rejected: Partial<Record<ProtocolErrorCode, number>>;
}

export type CardFeedEvent =
  | { event: 'card-status-rejected'; code: ProtocolErrorCode; shard: number | null }
  | { event: 'card-status-gap'; shard: number; appliedSeq: number | null }
  | { event: 'card-status-snapshot-requested'; shard: number; reason: Exclude<SnapshotNeed, null> };

export interface CardStatusFeedOptions {
  mqttUrl: string;
  /** Topics are `{topicPrefix}/cards/status/{shard}`; default `transit`. */
  topicPrefix?: string;
  keys: CardStatusKeys;
  clock?: Clock;
  /** Deltas a shard holds while waiting for a missing seq; default 32. */
  reorderWindow?: number;
  /** How long a missing seq may stay missing before it is a gap (and before a shard with no snapshot asks); default 2000 ms. */
  gapTimeoutMs?: number;
  /** How long to wait for an asked-for snapshot before asking again; default 5000 ms. */
  snapshotRetryMs?: number;
  /** Oldest retained snapshot accepted (see card-status.ts); the protocol's default otherwise. */
  maxSnapshotAgeMs?: number;
  /** Largest message taken; default 8 MiB. */
  maxMessageBytes?: number;
  log?: (event: CardFeedEvent) => void;
}

/** The feed's way out to the broker: publishing snapshot requests, and closing. */
export interface CardFeedLink {
  publish(topic: string, body: string): Promise<void>;
  close(): Promise<void>;
}

export class CardStatusFeed implements CardStatusView {
  private readonly shards: ShardView[];
  private readonly lastAskedAt = new Map<number, number>();
  private readonly counts: CardFeedStats = { applied: { snapshot: 0, delta: 0 }, duplicates: 0, buffered: 0, gaps: 0, snapshotRequests: 0, rejected: {} };
  private readonly clock: Clock;
  private readonly prefix: string;
  private keys: CardStatusKeys;
  private syncWaiters: Array<() => void> = [];
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly options: CardStatusFeedOptions,
    private readonly link: CardFeedLink,
  ) {
    this.clock = options.clock ?? systemClock;
    this.prefix = options.topicPrefix ?? CARD_STATUS_DEFAULT_PREFIX;
    this.keys = options.keys;
    const startedAt = this.clock();
    this.shards = Array.from({ length: CARD_STATUS_SHARDS }, () => new ShardView(options.reorderWindow ?? 32, options.gapTimeoutMs ?? 2000, startedAt));
  }

  status(cardNo: string): { status: CardStatus; asOf: string } | null {
    const view = this.shards[cardStatusShard(cardNo)];
    const status = view?.statusOf(cardNo);
    const at = view?.appliedTimestamp;
    return status === undefined || at === null || at === undefined ? null : { status, asOf: formatShanghai(at) };
  }

  freshness(): ShardFreshness[] {
    const now = this.clock();
    return this.shards.map((view, shard) => ({
      shard,
      appliedSeq: view.appliedSeq,
      statusAsOf: view.appliedTimestamp === null ? null : formatShanghai(view.appliedTimestamp),
      ageMs: view.appliedTimestamp === null ? null : Math.max(0, now - view.appliedTimestamp),
      inGap: view.inGap,
      waiting: view.waiting,
      cards: view.cardCount,
    }));
  }

  stats(): CardFeedStats {
    return { ...this.counts, applied: { ...this.counts.applied }, rejected: { ...this.counts.rejected } };
  }

  /** True once every shard has had a snapshot. */
  get synced(): boolean {
    return this.shards.every((view) => view.appliedSeq !== null);
  }

  /** Resolves true once synced, false if `timeoutMs` passes first. */
  waitUntilSynced(timeoutMs: number): Promise<boolean> {
    if (this.synced) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(this.synced), timeoutMs);
      timer.unref();
      this.syncWaiters.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }

  /** Takes new keys (current + previous) from now on. */
  rotateKeys(keys: CardStatusKeys): void {
    this.keys = keys;
  }

  /** One message as it arrived from the broker. Never throws. */
  handleMessage(topic: string, body: Buffer): void {
    // An empty retained message is the broker clearing a snapshot, not a message.
    if (body.length === 0) return;
    const topicShard = shardOfTopic(topic, this.prefix);
    try {
      if (topicShard === null) throw new ProtocolError('MALFORMED', 'not a card-status topic');
      if (body.length > (this.options.maxMessageBytes ?? 8 * 1024 * 1024)) throw new ProtocolError('MALFORMED', 'message too large');
      const now = this.clock();
      const message = openCardStatusMessage({ body, keys: this.keys, nowMs: now, topicShard, maxSnapshotAgeMs: this.options.maxSnapshotAgeMs });
      const view = this.shards[message.shard];
      if (!view) throw new ProtocolError('MALFORMED', 'no such shard');
      const { outcome, deltasApplied, gapDeclared } = view.offer(message, now);
      this.counts.applied.delta += deltasApplied;
      if (outcome === 'APPLIED' && message.kind === 'snapshot') this.counts.applied.snapshot += 1;
      else if (outcome === 'DUPLICATE') this.counts.duplicates += 1;
      else if (outcome === 'BUFFERED') this.counts.buffered += 1;
      if (gapDeclared) {
        this.onGap(message.shard, view);
        this.ask(message.shard, 'GAP', now);
      }
      if (outcome === 'APPLIED' && this.syncWaiters.length > 0 && this.synced) this.releaseSyncWaiters();
    } catch (error) {
      const code: ProtocolErrorCode = error instanceof ProtocolError ? error.code : 'INTERNAL';
      this.counts.rejected[code] = (this.counts.rejected[code] ?? 0) + 1;
      this.log({ event: 'card-status-rejected', code, shard: topicShard });
    }
  }

  /** Declares holes that stayed open too long and asks for the snapshots shards need. */
  tick(): void {
    const now = this.clock();
    this.shards.forEach((view, shard) => {
      const { need, gapDeclared } = view.check(now);
      if (gapDeclared) this.onGap(shard, view);
      if (need !== null) this.ask(shard, need, now);
    });
  }

  /** Runs tick() on a timer (a quarter of the gap timeout, within 50–500 ms). */
  startTimer(): void {
    const tick = (): void => {
      try {
        this.tick();
      } catch {
        // A timer callback that throws ends the process; the next tick simply tries again.
      }
    };
    this.timer ??= setInterval(tick, Math.max(50, Math.min(500, (this.options.gapTimeoutMs ?? 2000) / 4)));
    this.timer.unref();
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.link.close();
  }

  private onGap(shard: number, view: ShardView): void {
    this.counts.gaps += 1;
    this.log({ event: 'card-status-gap', shard, appliedSeq: view.appliedSeq });
  }

  private ask(shard: number, reason: Exclude<SnapshotNeed, null>, now: number): void {
    const last = this.lastAskedAt.get(shard);
    if (last !== undefined && now - last < (this.options.snapshotRetryMs ?? 5000)) return;
    this.lastAskedAt.set(shard, now);
    this.counts.snapshotRequests += 1;
    this.log({ event: 'card-status-snapshot-requested', shard, reason });
    const request = sealCardSnapshotRequest({ keys: this.keys, shard, nowMs: now });
    // A lost request is retried by tick() after snapshotRetryMs; nothing to do here.
    this.link.publish(cardSnapshotRequestTopic(this.prefix), JSON.stringify(request)).catch(() => undefined);
  }

  private releaseSyncWaiters(): void {
    const waiters = this.syncWaiters;
    this.syncWaiters = [];
    for (const release of waiters) release();
  }

  private log(event: CardFeedEvent): void {
    try {
      this.options.log?.(event);
    } catch {
      // A failing logger must not take the feed down with it.
    }
  }
}

/** Connects, subscribes to every shard (QoS 1) and starts the gap timer. */
export async function startCardStatusFeed(options: CardStatusFeedOptions): Promise<CardStatusFeed> {
  const client: MqttClient = await connectAsync(options.mqttUrl, { clientId: `card-status-feed-${randomBytes(6).toString('hex')}`, clean: true, reconnectPeriod: 1000 }, false);
  // An EventEmitter without an 'error' listener throws: a broker hiccup must not end the process.
  client.on('error', () => undefined);
  const feed = new CardStatusFeed(options, {
    publish: (topic, body) => client.publishAsync(topic, body, { qos: 1 }).then(() => undefined),
    close: () => client.endAsync(),
  });
  client.on('message', (topic, payload) => feed.handleMessage(topic, payload));
  try {
    await client.subscribeAsync(cardStatusTopicFilter(options.topicPrefix ?? CARD_STATUS_DEFAULT_PREFIX), { qos: 1 });
  } catch (error) {
    await client.endAsync(true);
    throw error;
  }
  feed.startTimer();
  return feed;
}
