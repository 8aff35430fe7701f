/**
 * Top-ups, transaction records and the batch card lookup through the whole stack: the gateway
 * (partners, scopes), the transit subgraph with its ledger in PostgreSQL (a schema per run), the
 * sandbox card system over HTTPS and its pushes to the transaction webhook.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { loadGatewayConfig } from '@huimin/gateway';
import { generatePopulation } from '@huimin/sandbox';
import { luhnCheckDigit } from '@huimin/schema';
import { startStack, type RunningStack } from './stack';
import { TEST_DATABASE_URL, uniqueName } from './test-support/access-stack';
import { devSigner, postGraphQL } from './test-support/graphql-client';

const population = generatePopulation({ size: 60, seed: 11 });
const active = population.transit.cards.filter((c) => c.status === 'ACTIVE');
const schema = uniqueName('transit_e2e');
let stack: RunningStack;

beforeAll(async () => {
  stack = await startStack({
    population,
    gateway: loadGatewayConfig({ PORT: '0', HUIMIN_AUDIT_FILE: join(mkdtempSync(join(tmpdir(), 'huimin-topup-e2e-')), 'audit.jsonl') }),
    mqttUrl: process.env.MQTT_URL ?? 'mqtt://127.0.0.1:1883',
    mqttTopicPrefix: `huimin-e2e-${randomBytes(6).toString('hex')}/transit`,
    transitStore: { databaseUrl: TEST_DATABASE_URL, pgSchema: schema },
  });
}, 120_000);

afterAll(async () => {
  await stack?.close();
  const sql = new Client({ connectionString: TEST_DATABASE_URL });
  await sql.connect();
  await sql.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await sql.end();
});

const TRANSIT = devSigner('transit-interconnect');
const TOP_UP = `mutation($input: TopUpInput!) { topUpTransitCard(input: $input) { id status channel amountFen paymentRef balanceAfterFen } }`;

describe('top-ups through the gateway', () => {
  it('credits a card for the transit interconnection, shows its TOP_UP record, and hides the payment reference from other partners', async () => {
    const card = active[0]!;
    const input = { cardNo: card.cardNo, amountFen: 20_000, channel: 'WECHAT_BALANCE', paymentRef: 'wx-0001', idempotencyKey: 'e2e-1' };
    const first = await postGraphQL<{ topUpTransitCard: { id: string; status: string } }>(stack.gatewayUrl, TOP_UP, { input }, {}, TRANSIT);
    expect(first.errors).toBeUndefined();
    expect(first.data?.topUpTransitCard).toMatchObject({ status: 'CREDITED', paymentRef: 'wx-0001', balanceAfterFen: card.balanceFen + 20_000 });
    const id = first.data!.topUpTransitCard.id;

    const own = await postGraphQL(stack.gatewayUrl, `query($id: ID!) { topUp(id: $id) { id paymentRef status } }`, { id }, {}, TRANSIT);
    expect(own.data?.topUp).toEqual({ id, paymentRef: 'wx-0001', status: 'CREDITED' });
    const other = await postGraphQL(stack.gatewayUrl, `query($id: ID!) { topUp(id: $id) { id paymentRef } }`, { id });
    expect(other.data?.topUp).toEqual({ id, paymentRef: null });

    await stack.transitLedger.pusher()!.flush(10_000);
    const { data } = await postGraphQL(stack.gatewayUrl, `query($c: String!) { transitCard(cardNo: $c) { balanceFen transactions { edges { node { kind amountFen topUpId } } } } }`, { c: card.cardNo }, {}, TRANSIT);
    expect(data?.transitCard).toEqual({ balanceFen: card.balanceFen + 20_000, transactions: { edges: [{ node: { kind: 'TOP_UP', amountFen: 20_000, topUpId: id } }] } });
  });

  it('refuses top-ups to a partner without transit:topup, and limits and card statuses with their codes', async () => {
    const input = { cardNo: active[1]!.cardNo, amountFen: 20_000, channel: 'WECHAT_BALANCE', paymentRef: 'wx-2', idempotencyKey: 'e2e-2' };
    const demo = await postGraphQL(stack.gatewayUrl, TOP_UP, { input }, {}, devSigner('demo-app'));
    expect(demo.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const tooMuch = await postGraphQL(stack.gatewayUrl, TOP_UP, { input: { ...input, channel: 'CREDIT_CARD' } }, {}, TRANSIT);
    expect(tooMuch.errors?.[0]?.extensions?.code).toBe('TOPUP_AMOUNT_OUT_OF_RANGE');
    const lost = population.transit.cards.find((c) => c.status !== 'ACTIVE')!;
    const refused = await postGraphQL(stack.gatewayUrl, TOP_UP, { input: { ...input, cardNo: lost.cardNo, idempotencyKey: 'e2e-3' } }, {}, TRANSIT);
    expect(refused.errors?.[0]?.extensions?.code).toBe('CARD_NOT_TOPUPABLE');
  });
});

describe('transitCards(cardNos:)', () => {
  it('answers in order, null for an unknown card and an invalid number (with its error)', async () => {
    const unknown = `999900000000017${luhnCheckDigit('999900000000017')}`;
    const cardNos = [active[2]!.cardNo, unknown, active[3]!.cardNo, '1234'];
    const { data, errors } = await postGraphQL<{ transitCards: Array<{ cardNo: string } | null> }>(
      stack.gatewayUrl, 'query($n: [String!]!) { transitCards(cardNos: $n) { cardNo status } }', { n: cardNos }, {}, TRANSIT);
    expect(data?.transitCards.map((c) => c?.cardNo ?? null)).toEqual([active[2]!.cardNo, null, active[3]!.cardNo, null]);
    expect(errors).toEqual([expect.objectContaining({ path: ['transitCards', 3], extensions: expect.objectContaining({ code: 'INVALID_CARD_NUMBER' }) })]);
  });

  it('refuses more than 500 card numbers', async () => {
    const { errors } = await postGraphQL(stack.gatewayUrl, 'query($n: [String!]!) { transitCards(cardNos: $n) { cardNo } }', { n: Array.from({ length: 501 }, () => active[0]!.cardNo) }, {}, TRANSIT);
    expect(errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});
