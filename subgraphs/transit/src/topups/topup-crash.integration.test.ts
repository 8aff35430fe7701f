/**
 * The transit subgraph SIGKILLed at each step of a top-up, then restarted: every top-up ends
 * credited exactly once or refunded — none lost, none doubled — checked against the card
 * system's own state (its top-up ledger and balances, in a process that outlives the kills).
 * The subgraph and the card system run as child processes; the ledger is PostgreSQL (a schema
 * per run) or the embedded journal.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTransitClient, generateTransitKeyMaterial, UpstreamError, type TopUpState, type TransitHttpClient } from '@huimin/adapters';
import type { TransitCardRecord } from '@huimin/schema';
import { postGraphQL } from '../../../kit/src/test-support/graphql-http';
import { loadPopulation2k } from '../../../kit/src/test-support/population-clients';
import { TOP_UP_STEPS, type TopUpStep } from './topup-service';
import { encodeTransitKeys } from './test-support/child-keys';
import { startChild, type Child } from './test-support/crash-children';
import { dropSchema, TEST_DATABASE_URL, TOP_UP_FIELDS, TOP_UP_MUTATION, uniqueSchema } from './test-support/topup-harness';

jest.setTimeout(120_000);

const keys = generateTransitKeyMaterial('crash-test');
const active = loadPopulation2k().transit.cards.filter((c) => c.status === 'ACTIVE');
let nextCard = 100;
let bureau: Child;
let cardSystem: TransitHttpClient;
/** Every top-up the test made, with the card system's balance of its card before. */
const made: Array<{ id: string; card: TransitCardRecord; amountFen: number; balanceBefore: number }> = [];

beforeAll(async () => {
  bureau = await startChild('crash-bureau-child.ts', { CRASH_TEST_KEYS: encodeTransitKeys(keys.client) });
  cardSystem = createTransitClient({ baseUrl: bureau.url, keys: keys.client });
});
afterAll(() => bureau.stop());

const balance = async (cardNo: string): Promise<number> => (await cardSystem.queryCards([cardNo])).items[0]!.balanceFen;

async function cardSystemState(id: string): Promise<TopUpState | null> {
  try {
    return await cardSystem.getTopUp(id);
  } catch (error) {
    if (error instanceof UpstreamError && error.failure === 'NOT_FOUND') return null;
    throw error;
  }
}

interface TopUpView { id: string; status: string; refundReason: string | null; amountFen: number }

async function until(what: string, read: () => Promise<TopUpView | null>, done: (view: TopUpView) => boolean): Promise<TopUpView> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const view = await read();
    if (view && done(view)) return view;
    if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(view)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function describeStore(name: string, storeEnv: () => Record<string, string>, steps: readonly TopUpStep[]) {
  describe(`${name} ledger`, () => {
    const startSubgraph = (env: Record<string, string> = {}): Promise<Child> =>
      startChild('crash-subgraph-child.ts', { CRASH_TEST_KEYS: encodeTransitKeys(keys.client), CRASH_TEST_BUREAU_URL: bureau.url, ...storeEnv(), ...env });

    /** Submits a top-up to a subgraph set to die at `step`; the partner never hears back. */
    async function crashAt(step: TopUpStep, card: TransitCardRecord, amountFen: number): Promise<Record<string, unknown>> {
      const input = { cardNo: card.cardNo, amountFen, channel: 'BANK_CARD', paymentRef: `pay-${step}`, idempotencyKey: `crash-${step}-${card.cardNo}` };
      const doomed = await startSubgraph({ CRASH_TEST_STEP: step });
      try {
        await expect(postGraphQL(doomed.url, TOP_UP_MUTATION, { input })).rejects.toThrow();
        expect(await doomed.exited).toBe('SIGKILL');
      } finally {
        await doomed.stop();
      }
      return input;
    }

    const topUpOf = async (url: string, cardNo: string): Promise<TopUpView | null> => {
      const { data } = await postGraphQL(url, `query($c: String!) { topUps(cardNo: $c) { totalCount edges { node { ${TOP_UP_FIELDS} } } } }`, { c: cardNo });
      expect(data?.topUps.totalCount).toBeLessThanOrEqual(1);
      return data?.topUps.edges[0]?.node ?? null;
    };

    it.each(steps)('killed %s, restarted: the reconciler credits it exactly once and a retry answers the same top-up', async (step) => {
      const card = active[nextCard++]!;
      const amountFen = 12_300;
      const balanceBefore = await balance(card.cardNo);
      const input = await crashAt(step, card, amountFen);
      const restarted = await startSubgraph();
      try {
        // Nobody retries: the restarted process finds the ledger row and finishes it.
        const view = await until('reconciled', () => topUpOf(restarted.url, card.cardNo), (v) => v.status === 'CREDITED');
        const retry = await postGraphQL(restarted.url, TOP_UP_MUTATION, { input });
        expect(retry.data?.topUpTransitCard).toMatchObject({ id: view.id, status: 'CREDITED' });
        made.push({ id: view.id, card, amountFen, balanceBefore });
        expect(await cardSystemState(view.id)).toMatchObject({ status: 'SUCCEEDED', amountFen });
        expect((await balance(card.cardNo)) - balanceBefore).toBe(amountFen);
      } finally {
        await restarted.stop();
      }
    });

    if (name !== 'PostgreSQL') return;

    it('killed after the ledger insert, card frozen meanwhile: the card system refuses it and it is refunded', async () => {
      const card = active[nextCard++]!;
      const balanceBefore = await balance(card.cardNo);
      await crashAt('after-ledger-insert', card, 20_000);
      await bureau.ask({ type: 'setStatus', cardNo: card.cardNo, status: 'FROZEN' });
      const restarted = await startSubgraph();
      try {
        const view = await until('refunded', () => topUpOf(restarted.url, card.cardNo), (v) => v.status === 'REFUND_REQUIRED');
        expect(view.refundReason).toBe('CARD_NOT_ACTIVE');
        made.push({ id: view.id, card, amountFen: 20_000, balanceBefore });
        expect(await cardSystemState(view.id)).toMatchObject({ status: 'REJECTED' });
        expect(await balance(card.cardNo)).toBe(balanceBefore);
      } finally {
        await restarted.stop();
      }
    });

    it('killed after the ledger insert, restarted past the credit window: refunded, and the card system never credits it', async () => {
      const card = active[nextCard++]!;
      const balanceBefore = await balance(card.cardNo);
      await crashAt('after-ledger-insert', card, 30_000);
      const restarted = await startSubgraph({ CRASH_TEST_WINDOW_MS: '1', CRASH_TEST_GRACE_MS: '0' });
      try {
        const view = await until('refunded', () => topUpOf(restarted.url, card.cardNo), (v) => v.status === 'REFUND_REQUIRED');
        expect(view.refundReason).toBe('NOT_CREDITED_IN_TIME');
        made.push({ id: view.id, card, amountFen: 30_000, balanceBefore });
        expect(await cardSystemState(view.id)).toBeNull();
        expect(await balance(card.cardNo)).toBe(balanceBefore);
      } finally {
        await restarted.stop();
      }
    });
  });
}

const schema = uniqueSchema('transit_crash');
const dir = mkdtempSync(join(tmpdir(), 'huimin-crash-journal-'));
afterAll(async () => {
  await dropSchema(schema);
  rmSync(dir, { recursive: true, force: true });
});

describeStore('PostgreSQL', () => ({ CRASH_TEST_DATABASE_URL: TEST_DATABASE_URL, CRASH_TEST_PG_SCHEMA: schema }), TOP_UP_STEPS);
describeStore('journal', () => ({ CRASH_TEST_DIR: dir }), ['after-ledger-insert', 'before-mark-credited']);

describe('against the card system, after every kill', () => {
  it('each top-up is credited exactly once or not at all, and each card moved by exactly its credits', async () => {
    expect(made.length).toBe(TOP_UP_STEPS.length + 2 + 2);
    for (const { id, card, amountFen, balanceBefore } of made) {
      const state = await cardSystemState(id);
      const credited = state?.status === 'SUCCEEDED' ? amountFen : 0;
      expect((await balance(card.cardNo)) - balanceBefore).toBe(credited);
    }
  });
});
