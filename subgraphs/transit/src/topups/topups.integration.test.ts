/**
 * Top-ups through the transit subgraph over a real sandbox card system and PostgreSQL (a schema
 * per run): one credit per idempotency key under concurrency, every refusal with its code and
 * nothing recorded for it, offline top-ups found by id.
 */
import { luhnCheckDigit, type CardStatus, type TransitCardRecord } from '@huimin/schema';
import { postGraphQL } from '../../../kit/src/test-support/graphql-http';
import { loadPopulation2k } from '../../../kit/src/test-support/population-clients';
import { CHANNEL_LIMITS_FEN } from './topup-input';
import { startTopUpHarness, TOP_UP_FIELDS, TOP_UP_MUTATION, type TopUpHarness } from './test-support/topup-harness';

const cards = loadPopulation2k().transit.cards;
const active = cards.filter((c) => c.status === 'ACTIVE');
const withStatus = (status: CardStatus): TransitCardRecord => cards.find((c) => c.status === status)!;
let harness: TopUpHarness;
let nextCard = 0;
/** A card no other test in this file tops up, so balances can be checked exactly. */
const freshCard = (): TransitCardRecord => active[nextCard++]!;

beforeAll(async () => {
  harness = await startTopUpHarness({ postgres: true });
});
afterAll(() => harness.close());

const balanceOf = (cardNo: string): number => harness.register.findCards([cardNo])[0]!.balanceFen;
const input = (card: TransitCardRecord, overrides: Record<string, unknown> = {}) => ({
  cardNo: card.cardNo, amountFen: 10_000, channel: 'WECHAT_BALANCE', paymentRef: 'pay-1', idempotencyKey: `k-${card.cardNo}`, ...overrides,
});
const topUp = (variables: Record<string, unknown>) => postGraphQL(harness.subgraph.url, TOP_UP_MUTATION, { input: variables });
const topUpsOf = async (cardNo: string) =>
  (await postGraphQL(harness.subgraph.url, `query($c: String!) { topUps(cardNo: $c) { totalCount edges { node { id status } } } }`, { c: cardNo })).data?.topUps;

describe('topUpTransitCard', () => {
  it('50 concurrent submissions under one idempotency key credit the card exactly once', async () => {
    const card = freshCard();
    const before = balanceOf(card.cardNo);
    const answers = await Promise.all(Array.from({ length: 50 }, () => topUp(input(card, { amountFen: 12_345, idempotencyKey: 'same-key' }))));
    for (const answer of answers) expect(answer.errors).toBeUndefined();
    const ids = new Set(answers.map((a) => a.data?.topUpTransitCard.id));
    expect(ids.size).toBe(1);
    const [id] = [...ids] as [string];
    expect(answers.every((a) => a.data?.topUpTransitCard.status === 'CREDITED')).toBe(true);
    // The card system's own view: one top-up, credited once.
    expect(balanceOf(card.cardNo) - before).toBe(12_345);
    expect(await harness.client.getTopUp(id)).toMatchObject({ status: 'SUCCEEDED', amountFen: 12_345 });
    expect(await topUpsOf(card.cardNo)).toMatchObject({ totalCount: 1, edges: [{ node: { id, status: 'CREDITED' } }] });
    const events = await harness.stores.topUps.events(0, 1000);
    expect(events.filter((e) => e.topUpId === id).map((e) => e.status)).toEqual(['CREDITED']);
  });

  it('answers a repeat with the same top-up and refuses another request under a used key', async () => {
    const card = freshCard();
    const first = await topUp(input(card));
    const again = await topUp(input(card));
    expect(again.data?.topUpTransitCard).toEqual(first.data?.topUpTransitCard);
    for (const change of [{ amountFen: 10_001 }, { paymentRef: 'pay-2' }, { channel: 'BANK_CARD' }, { cardNo: active[nextCard + 5]!.cardNo }]) {
      const { errors } = await topUp(input(card, change));
      expect(errors?.[0]?.extensions).toEqual({ code: 'IDEMPOTENCY_KEY_REUSED' });
    }
    expect((await topUpsOf(card.cardNo)).totalCount).toBe(1);
  });

  it('accepts each channel\'s limits and refuses one fen outside them with TOPUP_AMOUNT_OUT_OF_RANGE', async () => {
    for (const [channel, { min, max }] of Object.entries(CHANNEL_LIMITS_FEN)) {
      const card = freshCard();
      for (const amountFen of [min - 1, max + 1]) {
        const { errors } = await topUp(input(card, { channel, amountFen, idempotencyKey: `${channel}-${amountFen}` }));
        expect(errors?.[0]?.extensions).toEqual({ code: 'TOPUP_AMOUNT_OUT_OF_RANGE' });
      }
      expect((await topUpsOf(card.cardNo)).totalCount).toBe(0);
      const before = balanceOf(card.cardNo);
      for (const amountFen of [min, max]) {
        const { data, errors } = await topUp(input(card, { channel, amountFen, idempotencyKey: `${channel}-${amountFen}` }));
        expect(errors).toBeUndefined();
        expect(data?.topUpTransitCard).toMatchObject({ channel, amountFen, status: 'CREDITED' });
      }
      expect(balanceOf(card.cardNo) - before).toBe(min + max);
    }
  });

  it.each(['LOST', 'FROZEN', 'CANCELLED'] as const)('refuses a %s card with CARD_NOT_TOPUPABLE and records nothing', async (status) => {
    const card = withStatus(status);
    const before = balanceOf(card.cardNo);
    const { errors } = await topUp(input(card));
    expect(errors?.[0]?.extensions).toEqual({ code: 'CARD_NOT_TOPUPABLE' });
    expect(balanceOf(card.cardNo)).toBe(before);
    expect((await topUpsOf(card.cardNo)).totalCount).toBe(0);
  });

  it('refuses an unknown card, a bad check digit, the OFFLINE channel and malformed references', async () => {
    const unknown = `999900000000017${luhnCheckDigit('999900000000017')}`;
    expect((await topUp(input(active[0]!, { cardNo: unknown, idempotencyKey: 'u' }))).errors?.[0]?.extensions).toEqual({ code: 'CARD_NOT_FOUND' });
    const bad = unknown.slice(0, -1) + String((Number(unknown.slice(-1)) + 1) % 10);
    expect((await topUp(input(active[0]!, { cardNo: bad, idempotencyKey: 'b' }))).errors?.[0]?.extensions).toEqual({ code: 'INVALID_CARD_NUMBER' });
    expect((await topUp(input(active[0]!, { channel: 'OFFLINE', idempotencyKey: 'o' }))).errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT' });
    expect((await topUp(input(active[0]!, { paymentRef: '', idempotencyKey: 'p' }))).errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT' });
    expect((await topUp(input(active[0]!, { idempotencyKey: 'has space' }))).errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT' });
  });
});

describe('topUp(id) and topUps(cardNo)', () => {
  it('finds an offline top-up (made at the card system) by its id, and answers null for an unknown id', async () => {
    const card = freshCard();
    await harness.client.topUp({ topUpId: 'kiosk-0001', cardNo: card.cardNo, amountFen: 5_000, channel: 'CASH' });
    const { data, errors } = await postGraphQL(harness.subgraph.url, `{ topUp(id: "kiosk-0001") { ${TOP_UP_FIELDS} } }`);
    expect(errors).toBeUndefined();
    expect(data?.topUp).toMatchObject({ id: 'kiosk-0001', cardNo: card.cardNo, channel: 'OFFLINE', status: 'CREDITED', paymentRef: null, amountFen: 5_000 });
    expect((await postGraphQL(harness.subgraph.url, '{ topUp(id: "kiosk-9999") { id } }')).data?.topUp).toBeNull();
  });

  it('pages a card\'s top-ups newest first', async () => {
    const card = freshCard();
    for (let i = 0; i < 5; i += 1) await topUp(input(card, { idempotencyKey: `page-${i}`, paymentRef: `pay-${i}` }));
    const seen: string[] = [];
    let after: string | null = null;
    do {
      const page: { data?: { topUps: { edges: Array<{ node: { id: string; createdAt: string } }>; pageInfo: { hasNextPage: boolean; endCursor: string | null } } } } =
        await postGraphQL(harness.subgraph.url, `query($c: String!, $a: String) { topUps(cardNo: $c, first: 2, after: $a) { edges { node { id createdAt } } pageInfo { hasNextPage endCursor } } }`, { c: card.cardNo, a: after });
      seen.push(...page.data!.topUps.edges.map((e) => e.node.id));
      after = page.data!.topUps.pageInfo.hasNextPage ? page.data!.topUps.pageInfo.endCursor : null;
    } while (after !== null);
    expect(seen).toHaveLength(5);
    expect(new Set(seen).size).toBe(5);
  });
});
