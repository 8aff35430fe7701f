/** The top-up state machine against a scripted card system: every way a top-up can end. */
import { UpstreamError, type TopUpRequest, type TopUpState } from '@huimin/adapters';
import { formatShanghai, luhnCheckDigit } from '@huimin/schema';
import { MemoryTopUpLedger } from './memory-topup-ledger';
import { validateTopUpInput } from './topup-input';
import { TopUpService, type TopUpCardSystem } from './topup-service';
import type { TopUpRecord } from './topup-types';

const CARD = `622500000000001${luhnCheckDigit('622500000000001')}`;
const MINUTE = 60_000;

/** Idempotent on topUpId like the real one; `mode` scripts how it answers. */
class ScriptedCardSystem implements TopUpCardSystem {
  readonly states = new Map<string, TopUpState>();
  posts = 0;
  mode: 'ok' | 'reject' | 'down' = 'ok';

  async topUp(request: TopUpRequest): Promise<TopUpState> {
    this.posts += 1;
    if (this.mode === 'down') throw new UpstreamError('TRANSIT', 'TIMEOUT', 'no answer');
    const held = this.states.get(request.topUpId);
    if (held) return held;
    const state: TopUpState = {
      ...request, acceptedAt: formatShanghai(Date.now()),
      ...(this.mode === 'reject' ? { status: 'REJECTED', reason: 'CARD_NOT_ACTIVE', balanceAfterFen: null } : { status: 'SUCCEEDED', reason: null, balanceAfterFen: 99_00 }),
    } as TopUpState;
    this.states.set(request.topUpId, state);
    return state;
  }

  async getTopUp(topUpId: string): Promise<TopUpState> {
    if (this.mode === 'down') throw new UpstreamError('TRANSIT', 'UNAVAILABLE', 'unreachable');
    const state = this.states.get(topUpId);
    if (!state) throw new UpstreamError('TRANSIT', 'NOT_FOUND', 'no such top-up');
    return state;
  }
}

function setup() {
  let now = Date.parse('2026-11-01T04:00:00Z');
  const ledger = new MemoryTopUpLedger();
  const cardSystem = new ScriptedCardSystem();
  const service = new TopUpService({ ledger, cardSystem, clock: () => now, policy: { creditWindowMs: 10 * MINUTE, inFlightGraceMs: MINUTE } });
  const submit = (key = 'k1', partner = 'p1') =>
    service.submit(partner, validateTopUpInput({ cardNo: CARD, amountFen: 10_000, channel: 'BANK_CARD', paymentRef: 'pay', idempotencyKey: key }), async () => 'ACTIVE');
  return { ledger, cardSystem, service, submit, advance: (ms: number) => (now += ms) };
}

const statuses = (record: TopUpRecord): string[] => record.history.map((h) => h.status);

describe('TopUpService', () => {
  it('credits and records the balance the card system answered', async () => {
    const { submit, ledger } = setup();
    const record = await submit();
    expect(record).toMatchObject({ status: 'CREDITED', balanceAfterFen: 99_00 });
    expect(statuses(record)).toEqual(['PENDING', 'CREDITED']);
    expect((await ledger.events(0, 10)).map((e) => e.status)).toEqual(['CREDITED']);
  });

  it('moves a top-up the card system refused to REFUND_REQUIRED with an outbox event per move', async () => {
    const { submit, cardSystem, ledger } = setup();
    cardSystem.mode = 'reject';
    const record = await submit();
    expect(record).toMatchObject({ status: 'REFUND_REQUIRED', refundReason: 'CARD_NOT_ACTIVE' });
    expect(statuses(record)).toEqual(['PENDING', 'FAILED', 'REFUND_REQUIRED']);
    expect((await ledger.events(0, 10)).map((e) => e.status)).toEqual(['FAILED', 'REFUND_REQUIRED']);
  });

  it('leaves a top-up PENDING when the card system does not answer, then finishes it under the same id', async () => {
    const { submit, cardSystem, service, advance } = setup();
    cardSystem.mode = 'down';
    const pending = await submit();
    expect(pending.status).toBe('PENDING');
    cardSystem.mode = 'ok';
    advance(MINUTE);
    const done = await service.reconcile(pending);
    expect(done.status).toBe('CREDITED');
    expect([...cardSystem.states.keys()]).toEqual([pending.id]);
  });

  it('refunds a top-up the card system never received once the window has passed, without calling it again', async () => {
    const { submit, cardSystem, service, advance } = setup();
    cardSystem.mode = 'down';
    const pending = await submit();
    cardSystem.mode = 'ok';
    advance(9.5 * MINUTE);
    const posts = cardSystem.posts;
    // Inside the grace before the window closes: no new call may start, and nothing is decided.
    expect((await service.reconcile(pending)).status).toBe('PENDING');
    advance(MINUTE);
    const refunded = await service.reconcile(pending);
    expect(refunded).toMatchObject({ status: 'REFUND_REQUIRED', refundReason: 'NOT_CREDITED_IN_TIME' });
    expect(cardSystem.posts).toBe(posts);
    expect(cardSystem.states.size).toBe(0);
  });

  it('finishes a PENDING top-up when the partner repeats the request (same key, same id)', async () => {
    const { submit, cardSystem } = setup();
    cardSystem.mode = 'down';
    const pending = await submit();
    cardSystem.mode = 'ok';
    const repeated = await submit();
    expect(repeated).toMatchObject({ id: pending.id, status: 'CREDITED' });
  });

  it('moves a FAILED top-up (a process stopped between the two refund moves) on to REFUND_REQUIRED', async () => {
    const { submit, cardSystem, ledger, service } = setup();
    cardSystem.mode = 'down';
    const pending = await submit();
    const failed = await ledger.transition({ id: pending.id, from: 'PENDING', to: 'FAILED', at: pending.createdAt, reason: 'CARD_NOT_ACTIVE', refundReason: 'CARD_NOT_ACTIVE' });
    expect((await service.reconcile(failed!)).status).toBe('REFUND_REQUIRED');
  });

  it('lets only the partner confirm its refund, once per reference', async () => {
    const { submit, cardSystem, service } = setup();
    cardSystem.mode = 'reject';
    const record = await submit();
    await expect(service.confirmRefund('p2', record.id, 'r1')).rejects.toMatchObject({ extensions: { code: 'TOPUP_NOT_REFUNDABLE' } });
    const refunded = await service.confirmRefund('p1', record.id, 'r1');
    expect(refunded).toMatchObject({ status: 'REFUNDED', refundRef: 'r1' });
    expect(await service.confirmRefund('p1', record.id, 'r1')).toEqual(refunded);
    await expect(service.confirmRefund('p1', record.id, 'r2')).rejects.toMatchObject({ extensions: { code: 'TOPUP_NOT_REFUNDABLE' } });
  });

  it('refuses to confirm a refund of a credited top-up', async () => {
    const { submit, service } = setup();
    const record = await submit();
    await expect(service.confirmRefund('p1', record.id, 'r1')).rejects.toMatchObject({ extensions: { code: 'TOPUP_NOT_REFUNDABLE' } });
  });

  it('scopes idempotency keys per partner', async () => {
    const { submit } = setup();
    const a = await submit('shared', 'p1');
    const b = await submit('shared', 'p2');
    expect(a.id).not.toBe(b.id);
  });
});
