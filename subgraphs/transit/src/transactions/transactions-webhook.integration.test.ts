/**
 * The transaction webhook with the sandbox card system's pusher, over PostgreSQL (a schema per
 * run): duplicated and reordered deliveries store each record once, and what partners page
 * through is exactly what was pushed.
 */
import { Client } from 'pg';
import { sealTransitRequest, transitSenderKeys, type TransitTransactionRecord } from '@huimin/adapters';
import { startTransactionsPusher, syntheticFares } from '@huimin/sandbox';
import { formatShanghai } from '@huimin/schema';
import { startTransitSubgraph } from '../index';
import { postGraphQL, testPseudonyms } from '../../../kit/src/test-support/graphql-http';
import { loadPopulation2k } from '../../../kit/src/test-support/population-clients';
import { MemoryTransactionStore } from './memory-transaction-store';
import { compareNewestFirst, positionOf } from './transaction-types';
import { startTopUpHarness, TEST_DATABASE_URL, type TopUpHarness } from '../topups/test-support/topup-harness';

const cards = loadPopulation2k().transit.cards.slice(0, 20);
const END = Date.parse('2026-11-01T04:00:00Z');
const fares = syntheticFares(cards, { perCard: 30, endMs: END, seed: 7 });
let harness: TopUpHarness;
let webhookUrl: string;

/** A seeded generator so a failing run can be repeated exactly. */
function seeded(seed: number): () => number {
  let state = seed;
  return () => ((state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
}

beforeAll(async () => {
  harness = await startTopUpHarness({ postgres: true });
  webhookUrl = `${new URL(harness.subgraph.url).origin}/webhooks/transactions`;
});
afterAll(() => harness.close());

async function storedCount(): Promise<number> {
  const sql = new Client({ connectionString: TEST_DATABASE_URL });
  await sql.connect();
  try {
    return Number((await sql.query<{ n: string }>(`SELECT count(*) AS n FROM ${harness.schema}.transactions`)).rows[0]!.n);
  } finally {
    await sql.end();
  }
}

const PAGE = `query($c: String!, $a: String, $from: DateTime, $to: DateTime) { transitCard(cardNo: $c) { transactions(first: 7, after: $a, from: $from, to: $to) {
  edges { node { id kind amountFen balanceAfterFen occurredAt line station topUpId } } pageInfo { hasNextPage endCursor } } } }`;

async function allPages(cardNo: string, window: { from?: string; to?: string } = {}): Promise<string[]> {
  const ids: string[] = [];
  let after: string | null = null;
  do {
    const { data, errors } = await postGraphQL(harness.subgraph.url, PAGE, { c: cardNo, a: after, ...window });
    expect(errors).toBeUndefined();
    const connection = data?.transitCard.transactions;
    ids.push(...connection.edges.map((e: { node: { id: string } }) => e.node.id));
    after = connection.pageInfo.hasNextPage ? connection.pageInfo.endCursor : null;
  } while (after !== null);
  return ids;
}

const expectedIds = (cardNo: string, keep: (r: TransitTransactionRecord) => boolean = () => true): string[] =>
  fares.filter((r) => r.cardNo === cardNo && keep(r)).sort((a, b) => compareNewestFirst(positionOf(a), positionOf(b))).map((r) => r.transactionId);

describe('POST /webhooks/transactions', () => {
  it('stores each record once under duplicated and reordered deliveries, and pages them newest first', async () => {
    const pusher = startTransactionsPusher({
      url: harness.subgraph.url.replace(/\/graphql$/, ''), keys: harness.keys.server, appId: harness.keys.client.appId,
      batchSize: 40, faults: { duplicateRate: 0.5, reorder: true, random: seeded(42) },
    });
    try {
      pusher.push(fares);
      pusher.push([...fares].reverse().slice(0, 200));
      await pusher.flush(30_000);
      expect(pusher.stats().duplicateDeliveries).toBeGreaterThan(0);
    } finally {
      await pusher.close();
    }
    expect(await storedCount()).toBe(fares.length);
    const card = cards[3]!.cardNo;
    expect(await allPages(card)).toEqual(expectedIds(card));
    const mid = fares.filter((r) => r.cardNo === card).map((r) => Date.parse(r.occurredAt)).sort((a, b) => a - b);
    const from = mid[5]!;
    const to = mid[20]!;
    expect(await allPages(card, { from: formatShanghai(from), to: formatShanghai(to) }))
      .toEqual(expectedIds(card, (r) => Date.parse(r.occurredAt) >= from && Date.parse(r.occurredAt) < to));
  });

  it('refuses a replayed, a tampered and an unsigned push without storing it', async () => {
    const keys = transitSenderKeys(harness.keys.server, harness.keys.client.appId)!;
    const record: TransitTransactionRecord = { ...fares[0]!, transactionId: 'replay-probe' };
    const sealed = sealTransitRequest({ payload: { records: [record] }, keys, nowMs: Date.now() });
    const post = (headers: Record<string, string>, body: string) =>
      fetch(webhookUrl, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
    const before = await storedCount();
    const tampered = await post({ ...sealed.headers, 'X-Signature': '0'.repeat(64) }, sealed.body);
    expect([tampered.status, (await tampered.json()).code]).toEqual([401, 'BAD_SIGNATURE']);
    expect((await post(sealed.headers, sealed.body)).status).toBe(200);
    const replay = await post(sealed.headers, sealed.body);
    expect([replay.status, (await replay.json()).code]).toEqual([401, 'REPLAY']);
    expect((await post({}, sealed.body)).status).toBe(400);
    expect(await storedCount()).toBe(before + 1);
  });

  it('records a pushed TOP_UP of a top-up made at the card system as an OFFLINE top-up of the card', async () => {
    const pusher = startTransactionsPusher({ url: webhookUrl, keys: harness.keys.server, appId: harness.keys.client.appId });
    const card = cards[0]!.cardNo;
    try {
      pusher.push([{ ...fares[0]!, transactionId: 'kiosk-credit-1', kind: 'TOP_UP', amountFen: 5_000, line: null, station: null, topUpId: 'kiosk-77' }]);
      await pusher.flush();
    } finally {
      await pusher.close();
    }
    const { data } = await postGraphQL(harness.subgraph.url, `query($c: String!) { topUps(cardNo: $c) { edges { node { id channel status amountFen } } } }`, { c: card });
    expect(data?.topUps.edges.map((e: { node: unknown }) => e.node)).toContainEqual({ id: 'kiosk-77', channel: 'OFFLINE', status: 'CREDITED', amountFen: 5_000 });
  });
});

describe('acknowledgement only after storing', () => {
  it('answers 503 while the store fails, and the pusher delivers again until it is stored', async () => {
    const store = new MemoryTransactionStore();
    let failures = 3;
    const flaky = {
      storeAll: (records: readonly TransitTransactionRecord[]) => (failures-- > 0 ? Promise.reject(new Error('disk full')) : store.storeAll(records)),
      page: store.page.bind(store),
    };
    const subgraph = await startTransitSubgraph({
      client: harness.client, pseudonyms: testPseudonyms(),
      ledger: { stores: { ...harness.stores, transactions: flaky }, cardSystem: harness.client, webhookKeys: harness.keys.client, log: () => undefined },
    });
    const pusher = startTransactionsPusher({ url: subgraph.url.replace(/\/graphql$/, ''), keys: harness.keys.server, appId: harness.keys.client.appId, retryInitialMs: 10 });
    try {
      pusher.push(fares.slice(0, 10));
      await pusher.flush(10_000);
      expect(pusher.stats()).toMatchObject({ failedDeliveries: 3, acknowledged: 10 });
      expect((await store.page(fares[0]!.cardNo, { first: 100, after: null, fromMs: null, toMs: null })).records.length).toBeGreaterThan(0);
    } finally {
      await pusher.close();
      await subgraph.close();
    }
  });
});
