/** The card-status consumer's rules, fed sealed messages directly (no broker); see the integration test for MQTT. */
import {
  MemoryReplayGuard,
  cardStatusShard,
  cardStatusTopic,
  generateCardStatusKeyMaterial,
  newCardStatusKey,
  openCardSnapshotRequest,
  sealCardStatusMessage,
  type CardStatusEntry,
  type CardStatusKeys,
  type CardStatusMessageKind,
} from '@huimin/adapters';
import { formatShanghai, type CardStatus } from '@huimin/schema';
import { loadPopulation2k } from '../../kit/src/test-support/population-clients';
import { CardStatusFeed, type CardFeedEvent, type CardStatusFeedOptions } from './card-status-feed';

const T0 = Date.parse('2026-11-01T02:00:00Z');
const SHARD = 4;
const cards = loadPopulation2k().transit.cards.filter((c) => cardStatusShard(c.cardNo) === SHARD);
const [a, b, c] = cards.map((card) => card.cardNo) as [string, string, string];
const keys = generateCardStatusKeyMaterial();

/** A feed on a settable clock, whose snapshot requests are captured instead of published. */
function harness(over: Partial<CardStatusFeedOptions> = {}) {
  let now = T0;
  const requests: string[] = [];
  const events: CardFeedEvent[] = [];
  const feed = new CardStatusFeed(
    { mqttUrl: 'unused', keys: keys.consumer, clock: () => now, gapTimeoutMs: 1000, snapshotRetryMs: 5000, reorderWindow: 4, log: (e) => events.push(e), ...over },
    { publish: async (_topic, body) => void requests.push(body), close: async () => undefined },
  );
  const send = (seq: number, kind: CardStatusMessageKind, entries: Array<[string, CardStatus]>, options: { at?: number; ring?: CardStatusKeys; shard?: number } = {}): Buffer => {
    const message = sealCardStatusMessage({
      keys: options.ring ?? keys.publisher, shard: options.shard ?? SHARD, seq, kind, nowMs: options.at ?? now,
      cards: entries.map(([cardNo, status]): CardStatusEntry => ({ cardNo, status, changedAt: formatShanghai(T0) })),
    });
    const body = Buffer.from(JSON.stringify(message));
    feed.handleMessage(cardStatusTopic(options.shard ?? SHARD), body);
    return body;
  };
  const snapshot = (seq: number, entries: Array<[string, CardStatus]> = [[a, 'ACTIVE'], [b, 'ACTIVE'], [c, 'ACTIVE']], at?: number) => send(seq, 'snapshot', entries, { at });
  const delta = (seq: number, cardNo: string, status: CardStatus, at?: number) => send(seq, 'delta', [[cardNo, status]], { at });
  // Every other shard has its (empty) snapshot, so only the shard under test ever wants one.
  for (let other = 0; other < 16; other += 1) if (other !== SHARD) send(1, 'snapshot', [], { shard: other });
  const advance = (ms: number) => {
    now += ms;
    feed.tick();
  };
  return { feed, requests, events, send, snapshot, delta, advance, now: () => now };
}

describe('CardStatusFeed ordering', () => {
  it('answers nothing before a snapshot, then each card with the shard statusAsOf', () => {
    const h = harness();
    expect(h.feed.status(a)).toBeNull();
    h.snapshot(10);
    expect(h.feed.status(a)).toEqual({ status: 'ACTIVE', asOf: formatShanghai(T0) });
    h.advance(2000);
    h.delta(11, a, 'LOST');
    expect(h.feed.status(a)).toEqual({ status: 'LOST', asOf: formatShanghai(T0 + 2000) });
    expect(h.feed.status(b)).toEqual({ status: 'ACTIVE', asOf: formatShanghai(T0 + 2000) }); // the shard's asOf, not the card's
    expect(h.feed.status('3101999999999999')).toBeNull();
  });

  it('applies out-of-order deltas in seq order once the missing one arrives', () => {
    const h = harness();
    h.snapshot(10);
    h.delta(12, a, 'FROZEN');
    expect(h.feed.status(a)?.status).toBe('ACTIVE'); // 12 waits for 11
    h.delta(11, a, 'LOST');
    expect(h.feed.status(a)?.status).toBe('FROZEN'); // 11 then 12, not the arrival order
    expect(h.feed.stats()).toMatchObject({ applied: { snapshot: 16, delta: 2 }, buffered: 1, gaps: 0 });
    expect(h.feed.freshness()[SHARD]).toMatchObject({ appliedSeq: 12, inGap: false, waiting: 0 });
  });

  it('ignores duplicates, including a stale repeat that would undo a later change', () => {
    const h = harness();
    h.snapshot(10);
    const lost = h.delta(11, a, 'LOST');
    h.delta(12, a, 'ACTIVE');
    h.feed.handleMessage(cardStatusTopic(SHARD), lost);
    h.snapshot(10, [[a, 'CANCELLED']]); // the retained snapshot delivered again on a resubscribe
    expect(h.feed.status(a)?.status).toBe('ACTIVE');
    expect(h.feed.stats().duplicates).toBe(2);
  });

  it('declares a gap when a seq stays missing, asks for a snapshot, keeps answering as of before, and recovers from the snapshot', async () => {
    const h = harness();
    h.snapshot(10);
    h.delta(12, a, 'LOST'); // 11 lost
    h.advance(999);
    expect(h.feed.stats().gaps).toBe(0);
    h.advance(1);
    expect(h.feed.stats()).toMatchObject({ gaps: 1, snapshotRequests: 1 });
    expect(h.feed.freshness()[SHARD]).toMatchObject({ inGap: true, appliedSeq: 10, statusAsOf: formatShanghai(T0), ageMs: 1000 });
    expect(h.feed.status(a)).toEqual({ status: 'ACTIVE', asOf: formatShanghai(T0) });
    await expect(openCardSnapshotRequest({ body: h.requests[0]!, keys: keys.publisher, nowMs: h.now(), replayGuard: new MemoryReplayGuard() })).resolves.toBe(SHARD);

    h.advance(1000);
    expect(h.feed.stats().snapshotRequests).toBe(1); // not again before snapshotRetryMs
    h.delta(14, b, 'FROZEN'); // after the snapshot the publisher will send (13)
    h.snapshot(13, [[a, 'LOST'], [b, 'ACTIVE'], [c, 'CANCELLED']]);
    expect(h.feed.freshness()[SHARD]).toMatchObject({ inGap: false, appliedSeq: 14, waiting: 0 });
    expect([a, b, c].map((n) => h.feed.status(n)?.status)).toEqual(['LOST', 'FROZEN', 'CANCELLED']);
    expect(h.events.filter((e) => e.event === 'card-status-gap')).toEqual([{ event: 'card-status-gap', shard: SHARD, appliedSeq: 10 }]);
  });

  it('asks again when the asked-for snapshot does not come', () => {
    const h = harness();
    h.snapshot(10);
    h.delta(12, a, 'LOST');
    h.advance(1000);
    h.advance(5000);
    expect(h.feed.stats()).toMatchObject({ gaps: 1, snapshotRequests: 2 });
  });

  it('declares the gap at once when more deltas wait than the window holds', () => {
    const h = harness();
    h.snapshot(10);
    for (let seq = 12; seq <= 16; seq += 1) h.delta(seq, a, 'LOST');
    expect(h.feed.stats()).toMatchObject({ gaps: 1, snapshotRequests: 1 });
    expect(h.feed.freshness()[SHARD]?.waiting).toBe(4);
  });

  it('closes a gap when the missing delta turns up late after all', () => {
    const h = harness();
    h.snapshot(10);
    h.delta(12, a, 'FROZEN');
    h.advance(1000);
    h.delta(11, a, 'LOST');
    expect(h.feed.freshness()[SHARD]).toMatchObject({ inGap: false, appliedSeq: 12 });
    expect(h.feed.status(a)?.status).toBe('FROZEN');
  });

  it('holds deltas that arrive before any snapshot, asks for one, and applies what follows it', () => {
    const h = harness();
    h.delta(21, a, 'LOST');
    h.advance(1000);
    expect(h.events).toContainEqual({ event: 'card-status-snapshot-requested', shard: SHARD, reason: 'NO_SNAPSHOT' });
    expect(h.feed.stats().gaps).toBe(0); // nothing to have a gap in yet
    h.snapshot(20);
    expect(h.feed.status(a)?.status).toBe('LOST');
  });

  it('accepts a retained snapshot up to the age limit and reports its age', () => {
    const h = harness();
    h.snapshot(10, undefined, T0 - 14 * 60_000);
    expect(h.feed.freshness()[SHARD]).toMatchObject({ ageMs: 14 * 60_000, statusAsOf: formatShanghai(T0 - 14 * 60_000) });
    expect(h.feed.synced).toBe(true); // every shard has had a snapshot
  });
});

describe('CardStatusFeed bad messages', () => {
  it('counts each refusal by code, changes nothing and throws nothing', () => {
    const h = harness();
    h.snapshot(10);
    const good = JSON.parse(h.delta(11, a, 'LOST').toString()) as Record<string, unknown>;
    const topic = cardStatusTopic(SHARD);
    const feedRaw = (body: unknown, on = topic) => h.feed.handleMessage(on, Buffer.isBuffer(body) ? body : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)));

    feedRaw({ ...good, seq: 12, mac: '0'.repeat(64) }); // BAD_SIGNATURE
    feedRaw({ ...good, seq: 12 }); // MAC no longer matches: BAD_SIGNATURE
    h.send(12, 'delta', [[b, 'LOST']], { ring: { current: newCardStatusKey() } }); // UNKNOWN_KEY
    h.delta(12, b, 'LOST', T0 - 301_000); // CLOCK_SKEW
    feedRaw('{"shard":4'); // MALFORMED
    feedRaw(good, cardStatusTopic(5)); // MALFORMED: shard does not match topic
    feedRaw(good, 'elsewhere/cards/status/4'); // MALFORMED
    feedRaw(Buffer.alloc(0)); // an emptied retained message: not counted at all

    expect(h.feed.stats().rejected).toEqual({ BAD_SIGNATURE: 2, UNKNOWN_KEY: 1, CLOCK_SKEW: 1, MALFORMED: 3 });
    expect(h.feed.status(b)?.status).toBe('ACTIVE');
    expect(h.feed.freshness()[SHARD]?.appliedSeq).toBe(11);
  });

  it('keeps accepting the previous key through a rotation', () => {
    const h = harness();
    const next = newCardStatusKey();
    h.feed.rotateKeys({ current: next, previous: keys.consumer.current });
    h.snapshot(10); // sealed under the old key, in flight during the rotation
    h.send(11, 'delta', [[a, 'LOST']], { ring: { current: next } });
    expect(h.feed.status(a)?.status).toBe('LOST');
    expect(h.feed.stats().rejected).toEqual({});
  });

  it('logs shards, seqs and codes only, never a card number or status', () => {
    const h = harness();
    h.snapshot(10);
    h.delta(12, a, 'LOST');
    h.send(13, 'delta', [[a, 'LOST']], { ring: { current: newCardStatusKey() } });
    h.advance(1000);
    const logged = JSON.stringify(h.events);
    expect(h.events.map((e) => e.event)).toEqual(['card-status-rejected', 'card-status-gap', 'card-status-snapshot-requested']);
    expect(logged).not.toContain(a);
    expect(logged).not.toMatch(/LOST|ACTIVE/);
  });

  it('survives a logger that throws', () => {
    const h = harness({ log: () => { throw new Error('log sink down'); } });
    h.snapshot(10);
    expect(() => h.feed.handleMessage(cardStatusTopic(SHARD), Buffer.from('garbage'))).not.toThrow();
    expect(h.feed.stats().rejected).toEqual({ MALFORMED: 1 });
  });
});
