/** The card-status publisher against the local Mosquitto (MQTT_URL), each test under its own topic prefix. */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { connectAsync, type MqttClient } from 'mqtt';
import {
  cardSnapshotRequestTopic,
  cardStatusShard,
  cardStatusTopicFilter,
  generateCardStatusKeyMaterial,
  newCardStatusKey,
  openCardStatusMessage,
  sealCardSnapshotRequest,
  shardOfTopic,
  type OpenedCardStatusMessage,
} from '@huimin/adapters';
import type { Population } from '@huimin/schema';
import { createTransitStore } from '../stores/population-stores';
import { startCardStatusPublisher, type CardStatusPublisher, type CardStatusPublisherOptions } from './card-status-publisher';

const MQTT_URL = process.env.MQTT_URL ?? 'mqtt://127.0.0.1:1883';
const population = JSON.parse(readFileSync('/work/shared/fixtures/population-2k.json', 'utf8')) as Population;
const cards = population.transit.cards;

/** Raw subscriber: every card-status message under the prefix, opened, plus raw bodies. */
class Recorder {
  readonly opened: OpenedCardStatusMessage[] = [];
  readonly failures: string[] = [];
  private constructor(private readonly client: MqttClient) {}

  static async start(prefix: string, keys = generateCardStatusKeyMaterial().consumer): Promise<Recorder> {
    const client = await connectAsync(MQTT_URL, { clientId: `rec-${randomBytes(6).toString('hex')}` }, false);
    const recorder = new Recorder(client);
    client.on('message', (topic, body) => {
      if (body.length === 0) return;
      try {
        recorder.opened.push(openCardStatusMessage({ body, keys, nowMs: Date.now(), topicShard: shardOfTopic(topic, prefix) ?? -1 }));
      } catch (error) {
        recorder.failures.push((error as { code: string }).code);
      }
    });
    await client.subscribeAsync(cardStatusTopicFilter(prefix), { qos: 1 });
    return recorder;
  }

  publish(topic: string, body: string): Promise<unknown> {
    return this.client.publishAsync(topic, body, { qos: 1 });
  }

  of(shard: number): OpenedCardStatusMessage[] {
    return this.opened.filter((m) => m.shard === shard);
  }

  async until(predicate: () => boolean, timeoutMs = 3000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
      if (Date.now() > deadline) throw new Error('timed out waiting for messages');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  close(): Promise<void> {
    return this.client.endAsync();
  }
}

describe('card-status publisher (Mosquitto)', () => {
  const keys = generateCardStatusKeyMaterial();
  let prefix: string;
  let publisher: CardStatusPublisher | undefined;
  let recorder: Recorder | undefined;

  const start = async (over: Partial<CardStatusPublisherOptions> = {}): Promise<CardStatusPublisher> => {
    publisher = await startCardStatusPublisher({
      mqttUrl: MQTT_URL, topicPrefix: prefix, store: createTransitStore(cards), keys: keys.publisher,
      firstSeq: 100, minSnapshotGapMs: 50, clearRetainedOnClose: true, ...over,
    });
    return publisher;
  };
  const record = async (): Promise<Recorder> => (recorder = await Recorder.start(prefix, keys.consumer));

  beforeEach(() => {
    prefix = `huimin-test-${randomBytes(6).toString('hex')}/transit`;
  });
  afterEach(async () => {
    await recorder?.close();
    await publisher?.close();
    recorder = undefined;
    publisher = undefined;
  });

  it('retains one full snapshot per shard at start, every card on its own shard', async () => {
    await start();
    const rec = await record(); // subscribing after the start: only the retained snapshots arrive
    await rec.until(() => rec.opened.length === 16);
    expect(rec.opened.every((m) => m.kind === 'snapshot' && m.seq === 100)).toBe(true);
    expect(new Set(rec.opened.map((m) => m.shard)).size).toBe(16);
    const published = rec.opened.flatMap((m) => m.cards.map((c) => ({ ...c, shard: m.shard })));
    expect(published).toHaveLength(cards.length);
    expect(published.every((c) => cardStatusShard(c.cardNo) === c.shard)).toBe(true);
    const byNo = new Map(cards.map((c) => [c.cardNo, c]));
    expect(published.every((c) => byNo.get(c.cardNo)?.status === c.status && byNo.get(c.cardNo)?.statusChangedAt === c.changedAt)).toBe(true);
  });

  it('publishes a delta with the next seq on a change, and nothing for an unknown card', async () => {
    const pub = await start();
    const rec = await record();
    await rec.until(() => rec.opened.length === 16);
    const card = cards.find((c) => c.status === 'ACTIVE')!;
    const shard = cardStatusShard(card.cardNo);
    const changed = await pub.changeStatus(card.cardNo, 'LOST');
    expect(changed).toMatchObject({ cardNo: card.cardNo, status: 'LOST' });
    await rec.until(() => rec.opened.length === 17);
    expect(rec.of(shard).at(-1)).toMatchObject({ kind: 'delta', seq: 101, cards: [{ cardNo: card.cardNo, status: 'LOST', changedAt: changed!.statusChangedAt }] });
    await expect(pub.changeStatus('9999000000000000', 'LOST')).resolves.toBeNull();
    expect(pub.lastSeq(shard)).toBe(101);
  });

  it('re-publishes snapshots on the interval', async () => {
    await start({ snapshotIntervalMs: 150 });
    const rec = await record();
    await rec.until(() => rec.of(3).filter((m) => m.kind === 'snapshot').length >= 3);
    const seqs = rec.of(3).map((m) => m.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
  });

  it('answers a MACed snapshot request over MQTT, coalescing a burst, and refuses a forged one', async () => {
    const pub = await start();
    const rec = await record();
    await rec.until(() => rec.opened.length === 16);
    const ask = (shard: number) => JSON.stringify(sealCardSnapshotRequest({ keys: keys.consumer, shard, nowMs: Date.now() }));
    await Promise.all(Array.from({ length: 5 }, () => rec.publish(cardSnapshotRequestTopic(prefix), ask(5))));
    await rec.until(() => rec.of(5).length >= 2);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(rec.of(5).length).toBeLessThanOrEqual(3); // the start snapshot plus at most two answers to five requests
    expect(rec.of(5).at(-1)).toMatchObject({ kind: 'snapshot' });

    const forged = { ...(JSON.parse(ask(6)) as object), mac: '0'.repeat(64) };
    await rec.publish(cardSnapshotRequestTopic(prefix), JSON.stringify(forged));
    await rec.publish(cardSnapshotRequestTopic(prefix), 'not json');
    await rec.until(() => (pub.refusedRequests().BAD_SIGNATURE ?? 0) === 1 && (pub.refusedRequests().MALFORMED ?? 0) === 1);
    expect(rec.of(6)).toHaveLength(1);
  });

  it('injects faults: a dropped delta leaves a seq hole, a duplicate arrives twice, a reordered pair swaps, a corrupted MAC fails', async () => {
    const pub = await start();
    const rec = await record();
    await rec.until(() => rec.opened.length === 16);
    const shardCards = cards.filter((c) => cardStatusShard(c.cardNo) === 9).slice(0, 5);
    const shard9 = () => rec.of(9).filter((m) => m.kind === 'delta').map((m) => m.seq);

    pub.faults.dropNext();
    await pub.changeStatus(shardCards[0]!.cardNo, 'FROZEN'); // seq 101, never sent
    pub.faults.duplicateNext();
    await pub.changeStatus(shardCards[1]!.cardNo, 'FROZEN'); // 102 twice
    pub.faults.reorderNext();
    await pub.changeStatus(shardCards[2]!.cardNo, 'FROZEN'); // 103 held back
    await pub.changeStatus(shardCards[3]!.cardNo, 'FROZEN'); // 104, then 103
    await rec.until(() => shard9().length === 4);
    expect(shard9()).toEqual([102, 102, 104, 103]);

    pub.faults.corruptMacNext();
    await pub.changeStatus(shardCards[4]!.cardNo, 'FROZEN');
    await rec.until(() => rec.failures.length === 1);
    expect(rec.failures).toEqual(['BAD_SIGNATURE']);
  });

  it('seals with the new key after a rotation', async () => {
    const pub = await start();
    const next = newCardStatusKey();
    pub.rotateKeys({ current: next, previous: keys.publisher.current });
    const rec = await Recorder.start(prefix, { current: next, previous: keys.consumer.current });
    recorder = rec;
    await rec.until(() => rec.opened.length === 16); // retained, under the old key: still accepted
    await pub.publishSnapshot(2);
    await rec.until(() => rec.opened.length === 17);
    expect(rec.opened.at(-1)?.keyId).toBe(next.keyId);
  });
});
