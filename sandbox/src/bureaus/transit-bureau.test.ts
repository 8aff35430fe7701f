import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { createTransitClient, generateTransitKeyMaterial, sealTransitRequest, type TransitHttpClient } from '@huimin/adapters';
import { idNumberCheckChar, luhnCheckDigit, type Population, type TransitCardRecord } from '@huimin/schema';
import type { RunningBureau } from '../http/bureau-server';
import type { TransitStore } from '../stores/types';
import { startTransitBureau } from './transit-bureau';

const population = JSON.parse(readFileSync('/work/shared/fixtures/population-2k.json', 'utf8')) as Population;

/** Holds its own copies, as the real store does, since top-ups change balances. */
function inlineStore(source: readonly TransitCardRecord[]): TransitStore {
  const cards = source.map((card) => ({ ...card }));
  const byNo = new Map(cards.map((c) => [c.cardNo, c]));
  return {
    findCards: (cardNos) => cardNos.map((no) => { const card = byNo.get(no); return card ? { ...card } : null; }),
    cardsOwnedBy: (ids) => ids.map((id) => cards.filter((c) => c.idNumber === id).map((c) => ({ ...c }))),
    creditCard: (cardNo, amountFen) => {
      const card = byNo.get(cardNo);
      if (!card) return null;
      card.balanceFen += amountFen;
      return { ...card };
    },
  };
}

const cards = population.transit.cards;
const card = (predicate: (c: TransitCardRecord) => boolean): TransitCardRecord => cards.find(predicate) as TransitCardRecord;
const unknownCardNo = (): string => `999900000000001${luhnCheckDigit('999900000000001')}`;
const unknownId = (): string => `11010119900101001${idNumberCheckChar('11010119900101001')}`;
const NOW = Date.parse('2026-11-01T02:00:00Z');

describe('transit bureau through the client', () => {
  const keys = generateTransitKeyMaterial('gateway-test');
  let bureau: RunningBureau;
  let client: TransitHttpClient;

  beforeAll(async () => {
    bureau = await startTransitBureau({ store: inlineStore(cards), keys: keys.server, clock: () => NOW });
    client = createTransitClient({ baseUrl: bureau.url, keys: keys.client, clock: () => NOW });
  });
  afterAll(() => bureau.close());
  beforeEach(() => bureau.resetStats());

  it('answers card queries in the order asked, with NOT_FOUND as null', async () => {
    const first = cards[0] as TransitCardRecord;
    const second = cards[1] as TransitCardRecord;
    const answer = await client.queryCards([second.cardNo, unknownCardNo(), first.cardNo]);
    expect(answer.items).toEqual([second, null, first]);
    expect(answer.asOf).toBe('2026-11-01T10:00:00.000+08:00');
    expect(bureau.stats()).toEqual({ 'cards.query': { calls: 1, keys: 3 } });
  });

  it("finds each person's cards, [] for none, in calls of at most 200", async () => {
    const owner = (cards[0] as TransitCardRecord).idNumber;
    const answer = await client.cardsByOwner([unknownId(), owner]);
    expect(answer.items[0]).toEqual([]);
    expect(answer.items[1]).toEqual(cards.filter((c) => c.idNumber === owner));
    const owners = [...new Set(cards.map((c) => c.idNumber))].slice(0, 401);
    const many = await client.cardsByOwner(owners);
    expect(many.items).toHaveLength(401);
    expect(bureau.stats()['cards.byOwner']).toEqual({ calls: 4, keys: 403 });
    bureau.resetStats();
    await client.queryCards([]);
    expect(bureau.stats()).toEqual({});
  });

  it('credits a top-up once, answers the same state on a repeat and on GET', async () => {
    const active = card((c) => c.status === 'ACTIVE');
    const request = { topUpId: 'tu-0001', cardNo: active.cardNo, amountFen: 5000, channel: 'WECHAT' };
    const first = await client.topUp(request);
    expect(first).toMatchObject({ ...request, status: 'SUCCEEDED', reason: null, balanceAfterFen: active.balanceFen + 5000 });
    await expect(client.topUp(request)).resolves.toEqual(first);
    await expect(client.getTopUp('tu-0001')).resolves.toEqual(first);
    const [after] = (await client.queryCards([active.cardNo])).items;
    expect(after?.balanceFen).toBe(active.balanceFen + 5000);
    expect(bureau.stats()).toMatchObject({ 'topups.create': { calls: 2, keys: 2 }, 'topups.get': { calls: 1, keys: 1 } });
  });

  it('rejects a top-up to a card that is not active without crediting it', async () => {
    const lost = card((c) => c.status === 'LOST');
    const state = await client.topUp({ topUpId: 'tu-lost', cardNo: lost.cardNo, amountFen: 100, channel: 'APP' });
    expect(state).toMatchObject({ status: 'REJECTED', reason: 'CARD_NOT_ACTIVE', balanceAfterFen: null });
    expect((await client.queryCards([lost.cardNo])).items[0]?.balanceFen).toBe(lost.balanceFen);
  });

  it('types refusals: reused topUpId, unknown top-up or card, invalid keys', async () => {
    const active = card((c) => c.status === 'ACTIVE');
    await client.topUp({ topUpId: 'tu-0002', cardNo: active.cardNo, amountFen: 100, channel: 'APP' });
    await expect(client.topUp({ topUpId: 'tu-0002', cardNo: active.cardNo, amountFen: 999, channel: 'APP' })).rejects.toMatchObject({ failure: 'MALFORMED' });
    await expect(client.getTopUp('tu-nope')).rejects.toMatchObject({ source: 'TRANSIT', failure: 'NOT_FOUND' });
    await expect(client.topUp({ topUpId: 'tu-0003', cardNo: unknownCardNo(), amountFen: 100, channel: 'APP' })).rejects.toMatchObject({ failure: 'NOT_FOUND' });
    await expect(client.queryCards(['1234'])).rejects.toMatchObject({ failure: 'MALFORMED' });
    await expect(client.cardsByOwner(['x'])).rejects.toMatchObject({ failure: 'MALFORMED' });
  });

  it('types the bureau refusing an unknown app or a skewed clock', async () => {
    const stranger = createTransitClient({ baseUrl: bureau.url, keys: generateTransitKeyMaterial('stranger').client, clock: () => NOW });
    await expect(stranger.queryCards([unknownCardNo()])).rejects.toMatchObject({ failure: 'UNKNOWN_APP' });
    const skewed = createTransitClient({ baseUrl: bureau.url, keys: keys.client, clock: () => NOW - 301_000 });
    await expect(skewed.queryCards([unknownCardNo()])).rejects.toMatchObject({ failure: 'CLOCK_SKEW' });
  });

  it('refuses more than 200 keys in one call as MALFORMED', async () => {
    const cardNos = Array.from({ length: 201 }, () => (cards[0] as TransitCardRecord).cardNo);
    const sealed = sealTransitRequest({ payload: { cardNos }, keys: keys.client, nowMs: NOW });
    const response = await fetch(`${bureau.url}/cards/query`, { method: 'POST', headers: sealed.headers, body: sealed.body });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: 'MALFORMED' });
    expect(bureau.stats()).toEqual({});
  });

  it('follows a bureau data-key rotation only once the client knows the new key', async () => {
    const next = { keyId: 'transit-next', key: randomBytes(32) };
    const credentials = keys.server.apps['gateway-test']!;
    const rotated = { apps: { 'gateway-test': { ...credentials, dataKeys: { current: next, previous: credentials.dataKeys.current } } } };
    const rotatedBureau = await startTransitBureau({ store: inlineStore(cards), keys: rotated, clock: () => NOW });
    try {
      const stale = createTransitClient({ baseUrl: rotatedBureau.url, keys: keys.client, clock: () => NOW });
      await expect(stale.queryCards([unknownCardNo()])).rejects.toMatchObject({ source: 'TRANSIT', failure: 'UNKNOWN_KEY' });
      const updated = createTransitClient({ baseUrl: rotatedBureau.url, keys: { ...keys.client, dataKeys: { current: keys.client.dataKeys.current, previous: next } }, clock: () => NOW });
      await expect(updated.queryCards([unknownCardNo()])).resolves.toMatchObject({ items: [null] });
    } finally {
      await rotatedBureau.close();
    }
  });
});
