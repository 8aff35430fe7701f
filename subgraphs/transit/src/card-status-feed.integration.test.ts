/**
 * Publisher → Mosquitto (MQTT_URL) → CardStatusFeed → transit subgraph, each test under its own
 * topic prefix: the feed's view reaches TransitCard.status/statusAsOf, and every fault the
 * publisher can inject ends in its specific outcome without anything crashing.
 */
import { randomBytes } from 'node:crypto';
import { cardStatusShard, generateCardStatusKeyMaterial } from '@huimin/adapters';
import { createTransitStore, startCardStatusPublisher, type CardStatusPublisher, type CardStatusPublisherOptions } from '@huimin/sandbox';
import { formatShanghai, type TransitCardRecord } from '@huimin/schema';
import type { RunningSubgraph } from '@huimin/subgraph-kit';
import { createPopulationClients, loadPopulation2k } from '../../kit/src/test-support/population-clients';
import { postGraphQL, testPseudonyms } from '../../kit/src/test-support/graphql-http';
import { startCardStatusFeed, type CardStatusFeed, type CardStatusFeedOptions } from './card-status-feed';
import { startTransitSubgraph } from './index';

const MQTT_URL = process.env.MQTT_URL ?? 'mqtt://127.0.0.1:1883';
const population = loadPopulation2k();
const active = population.transit.cards.filter((c) => c.status === 'ACTIVE');

async function until(predicate: () => boolean, timeoutMs = 4000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('card-status feed over Mosquitto', () => {
  const keys = generateCardStatusKeyMaterial();
  let prefix: string;
  const open: Array<{ close(): Promise<void> }> = [];

  const publish = async (over: Partial<CardStatusPublisherOptions> = {}): Promise<CardStatusPublisher> => {
    const publisher = await startCardStatusPublisher({
      mqttUrl: MQTT_URL, topicPrefix: prefix, store: createTransitStore(population.transit.cards), keys: keys.publisher,
      minSnapshotGapMs: 50, clearRetainedOnClose: true, ...over,
    });
    open.push(publisher);
    return publisher;
  };
  const consume = async (over: Partial<CardStatusFeedOptions> = {}): Promise<CardStatusFeed> => {
    const feed = await startCardStatusFeed({ mqttUrl: MQTT_URL, topicPrefix: prefix, keys: keys.consumer, gapTimeoutMs: 200, snapshotRetryMs: 1000, ...over });
    open.unshift(feed); // closed before the publisher
    return feed;
  };
  /** Cards of one shard, so that faults land on a single seq stream. */
  const onShard = (shard: number, count: number): TransitCardRecord[] => active.filter((c) => cardStatusShard(c.cardNo) === shard).slice(0, count);

  beforeEach(() => {
    prefix = `huimin-test-${randomBytes(6).toString('hex')}/transit`;
  });
  afterEach(async () => {
    for (const closable of open.splice(0)) await closable.close();
  });

  it('syncs every shard from the retained snapshots and follows a change', async () => {
    const publisher = await publish();
    const feed = await consume();
    await expect(feed.waitUntilSynced(3000)).resolves.toBe(true);
    expect(feed.freshness().reduce((sum, f) => sum + f.cards, 0)).toBe(population.transit.cards.length);
    const card = active[0]!;
    await publisher.changeStatus(card.cardNo, 'LOST');
    await until(() => feed.status(card.cardNo)?.status === 'LOST');
    expect(feed.stats()).toMatchObject({ applied: { snapshot: 16, delta: 1 }, duplicates: 0, gaps: 0, rejected: {} });
  });

  it('ignores a duplicated delta, reorders a swapped pair, and counts a bad MAC', async () => {
    const publisher = await publish();
    const feed = await consume();
    await feed.waitUntilSynced(3000);
    const [c1, c2, c3, c4] = onShard(11, 4) as [TransitCardRecord, TransitCardRecord, TransitCardRecord, TransitCardRecord];

    publisher.faults.duplicateNext();
    await publisher.changeStatus(c1.cardNo, 'FROZEN');
    publisher.faults.reorderNext();
    await publisher.changeStatus(c2.cardNo, 'LOST'); // held back…
    await publisher.changeStatus(c2.cardNo, 'CANCELLED'); // …sent after this one
    publisher.faults.corruptMacNext();
    await publisher.changeStatus(c3.cardNo, 'LOST');
    await until(() => feed.stats().duplicates === 1 && feed.stats().rejected.BAD_SIGNATURE === 1);
    await publisher.changeStatus(c4.cardNo, 'LOST'); // behind the refused one: a gap, recovered by a snapshot

    await until(() => feed.status(c4.cardNo)?.status === 'LOST' && !feed.freshness()[11]!.inGap);
    expect(feed.status(c1.cardNo)?.status).toBe('FROZEN');
    expect(feed.status(c2.cardNo)?.status).toBe('CANCELLED'); // seq order, not arrival order
    expect(feed.status(c3.cardNo)?.status).toBe('LOST'); // from the snapshot it asked for
    expect(feed.stats()).toMatchObject({ duplicates: 1, buffered: 2, gaps: 1, rejected: { BAD_SIGNATURE: 1 } });
  });

  it('detects a dropped delta as a gap, asks for a snapshot and recovers from it', async () => {
    const publisher = await publish();
    const feed = await consume();
    await feed.waitUntilSynced(3000);
    const [lost, next] = onShard(2, 2) as [TransitCardRecord, TransitCardRecord];
    publisher.faults.dropNext();
    await publisher.changeStatus(lost.cardNo, 'LOST');
    await publisher.changeStatus(next.cardNo, 'FROZEN');
    await until(() => feed.stats().gaps === 1);
    expect(feed.status(lost.cardNo)?.status).toBe('ACTIVE'); // the view as of before the gap, said so by its asOf
    await until(() => feed.status(lost.cardNo)?.status === 'LOST');
    expect(feed.status(next.cardNo)?.status).toBe('FROZEN');
    expect(feed.freshness()[2]).toMatchObject({ inGap: false, appliedSeq: publisher.lastSeq(2) });
    expect(feed.stats().snapshotRequests).toBe(1);
  });

  it('recovers from the next periodic snapshot without asking', async () => {
    const publisher = await publish({ snapshotIntervalMs: 400 });
    const feed = await consume({ gapTimeoutMs: 60_000 });
    await feed.waitUntilSynced(3000);
    const [lost, next] = onShard(8, 2) as [TransitCardRecord, TransitCardRecord];
    publisher.faults.dropNext();
    await publisher.changeStatus(lost.cardNo, 'LOST');
    await publisher.changeStatus(next.cardNo, 'FROZEN');
    await until(() => feed.status(lost.cardNo)?.status === 'LOST');
    expect(feed.status(next.cardNo)?.status).toBe('FROZEN');
    expect(feed.stats().snapshotRequests).toBe(0);
  });
});

describe('transit subgraph with a card-status feed', () => {
  const keys = generateCardStatusKeyMaterial();
  const bureau = createPopulationClients(population);
  const pseudonyms = testPseudonyms();
  const query = `query($c: String!) { transitCard(cardNo: $c) { status statusAsOf balanceAsOf } }`;

  it('answers status and statusAsOf from the feed once it has the card, from the card system before', async () => {
    const prefix = `huimin-test-${randomBytes(6).toString('hex')}/transit`;
    // The feed starts first, with nothing published yet: it has no view.
    const feed = await startCardStatusFeed({ mqttUrl: MQTT_URL, topicPrefix: prefix, keys: keys.consumer });
    let publisher: CardStatusPublisher | undefined;
    let subgraph: RunningSubgraph | undefined;
    try {
      subgraph = await startTransitSubgraph({ client: bureau.clients.transit, pseudonyms, port: 0, cardStatusFeed: feed });
      const card = active[1]!;
      const before = await postGraphQL(subgraph.url, query, { c: card.cardNo });
      expect(before.data?.transitCard).toEqual({ status: 'ACTIVE', statusAsOf: population.asOf, balanceAsOf: population.asOf });

      publisher = await startCardStatusPublisher({ mqttUrl: MQTT_URL, topicPrefix: prefix, store: createTransitStore(population.transit.cards), keys: keys.publisher, clearRetainedOnClose: true });
      await feed.waitUntilSynced(3000);
      const changedAt = Date.now();
      await publisher.changeStatus(card.cardNo, 'LOST');
      await until(() => feed.status(card.cardNo)?.status === 'LOST');
      const after = await postGraphQL(subgraph.url, query, { c: card.cardNo });
      const statusAsOf = after.data?.transitCard.statusAsOf as string;
      expect(after.data?.transitCard).toMatchObject({ status: 'LOST', balanceAsOf: population.asOf });
      expect(statusAsOf).toBe(feed.freshness()[cardStatusShard(card.cardNo)]!.statusAsOf);
      expect(Date.parse(statusAsOf)).toBeGreaterThanOrEqual(Date.parse(formatShanghai(changedAt)) - 5);
    } finally {
      await feed.close();
      await subgraph?.close();
      await publisher?.close();
    }
  });
});
