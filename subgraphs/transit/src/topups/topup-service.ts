/**
 * Top-ups, crash-safe: the ledger row is written PENDING before the card system is called, and
 * every later step is a compare-and-set on the ledger, so a process killed anywhere leaves a
 * PENDING or FAILED row that the reconciler (or the partner's retry) finishes from the card
 * system's own answer. Nothing is ever sent to the card system under a new id for an old top-up.
 */
import { GraphQLError } from 'graphql';
import { UpstreamError, type CallOptions, type TopUpRequest, type TopUpState } from '@huimin/adapters';
import { formatShanghai, type CardStatus } from '@huimin/schema';
import { newTopUpId } from './topup-ids';
import type { ValidTopUpInput } from './topup-input';
import type { RefundReason, TopUpLedger, TopUpRecord } from './topup-types';

/** The card system's top-up operations (the transit client). */
export interface TopUpCardSystem {
  topUp(request: TopUpRequest, options?: CallOptions): Promise<TopUpState>;
  getTopUp(topUpId: string, options?: CallOptions): Promise<TopUpState>;
}

/** Where a top-up can be interrupted; the crash test kills the process at each. */
export const TOP_UP_STEPS = ['after-ledger-insert', 'after-card-call', 'before-mark-credited', 'after-mark-credited'] as const;
export type TopUpStep = (typeof TOP_UP_STEPS)[number];

export interface TopUpPolicy {
  /** A top-up the card system has not credited this long after it was recorded is refunded. Default 10 minutes. */
  creditWindowMs: number;
  /**
   * No card-system call is started for a top-up older than creditWindowMs − this, so every call
   * has landed or failed (calls time out after a few seconds) before the window can close and
   * the top-up be refunded. Default 60 s.
   */
  inFlightGraceMs: number;
}

export const DEFAULT_TOP_UP_POLICY: TopUpPolicy = { creditWindowMs: 10 * 60_000, inFlightGraceMs: 60_000 };

/** A line for the operators' log: ids and statuses only, never card numbers or payment references. */
export type TopUpLog = (event: { msg: string; topUpId?: string; status?: string; reason?: string }) => void;

export interface TopUpServiceOptions {
  ledger: TopUpLedger;
  cardSystem: TopUpCardSystem;
  clock?: () => number;
  policy?: Partial<TopUpPolicy>;
  log?: TopUpLog;
  /** Test only: called as a top-up passes each step (the crash test SIGKILLs the process there). */
  onStep?: (step: TopUpStep, topUpId: string) => void;
}

function refuse(code: 'CARD_NOT_FOUND' | 'CARD_NOT_TOPUPABLE' | 'IDEMPOTENCY_KEY_REUSED' | 'TOPUP_NOT_REFUNDABLE', message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code } });
}

const isNotFound = (error: unknown): boolean => error instanceof UpstreamError && error.failure === 'NOT_FOUND';

export class TopUpService {
  readonly policy: TopUpPolicy;
  private readonly clock: () => number;
  /** One resolution per top-up at a time in this process; concurrent repeats share it. */
  private readonly inFlight = new Map<string, Promise<TopUpRecord>>();

  constructor(private readonly options: TopUpServiceOptions) {
    this.clock = options.clock ?? Date.now;
    this.policy = { ...DEFAULT_TOP_UP_POLICY, ...options.policy };
    if (this.policy.inFlightGraceMs < 0 || this.policy.creditWindowMs < this.policy.inFlightGraceMs) {
      throw new Error('top-up policy: need 0 ≤ inFlightGraceMs ≤ creditWindowMs');
    }
  }

  /** A partner's top-up: the same (partner, idempotency key) always answers the same top-up. */
  async submit(partner: string, input: ValidTopUpInput, cardStatusOf: (cardNo: string) => Promise<CardStatus | null>): Promise<TopUpRecord> {
    const held = await this.options.ledger.findByKey(partner, input.idempotencyKey);
    if (held) return this.repeat(held, input);
    const status = await cardStatusOf(input.cardNo);
    if (status === null) throw refuse('CARD_NOT_FOUND', 'The card system has no such card');
    if (status !== 'ACTIVE') throw refuse('CARD_NOT_TOPUPABLE', `The card is ${status} and cannot be topped up`);
    const at = formatShanghai(this.clock());
    const { record, inserted } = await this.options.ledger.insertPending({
      id: newTopUpId(this.clock()),
      partner,
      idempotencyKey: input.idempotencyKey,
      fingerprint: input.fingerprint,
      cardNo: input.cardNo,
      amountFen: input.amountFen,
      channel: input.channel,
      paymentRef: input.paymentRef,
      status: 'PENDING',
      refundReason: null,
      refundRef: null,
      balanceAfterFen: null,
      history: [{ status: 'PENDING', at, reason: null }],
      createdAt: at,
      updatedAt: at,
    });
    if (!inserted) return this.repeat(record, input);
    this.step('after-ledger-insert', record.id);
    return this.drive(record, 'credit');
  }

  /** The reconciler's pass over one unresolved top-up: ask the card system first, then finish it. */
  reconcile(record: TopUpRecord): Promise<TopUpRecord> {
    return this.drive(record, 'ask-first');
  }

  /** The partner records the refund it made for a top-up in REFUND_REQUIRED. Repeats with the same reference answer the same. */
  async confirmRefund(partner: string, id: string, refundRef: string): Promise<TopUpRecord> {
    const record = await this.options.ledger.get(id);
    const notRefundable = refuse('TOPUP_NOT_REFUNDABLE', 'No top-up of yours by that id is awaiting a refund');
    if (!record || record.partner !== partner) throw notRefundable;
    if (record.status === 'REFUNDED' && record.refundRef === refundRef) return record;
    if (record.status !== 'REFUND_REQUIRED') throw notRefundable;
    const moved = await this.options.ledger.transition({ id, from: 'REFUND_REQUIRED', to: 'REFUNDED', at: formatShanghai(this.clock()), refundRef });
    if (moved) return moved;
    return this.confirmRefund(partner, id, refundRef);
  }

  private repeat(held: TopUpRecord, input: ValidTopUpInput): Promise<TopUpRecord> | TopUpRecord {
    if (held.fingerprint !== input.fingerprint) throw refuse('IDEMPOTENCY_KEY_REUSED', 'This idempotency key was used for a different top-up');
    // A repeat of an unfinished top-up finishes it, under its own id: the card system is
    // idempotent on topUpId, so this can never credit twice.
    return held.status === 'PENDING' || held.status === 'FAILED' ? this.drive(held, 'credit') : held;
  }

  private drive(record: TopUpRecord, mode: 'credit' | 'ask-first'): Promise<TopUpRecord> {
    const running = this.inFlight.get(record.id);
    if (running) return running;
    const run = this.resolve(record, mode).finally(() => this.inFlight.delete(record.id));
    this.inFlight.set(record.id, run);
    return run;
  }

  private async resolve(record: TopUpRecord, mode: 'credit' | 'ask-first'): Promise<TopUpRecord> {
    if (record.status === 'FAILED') return this.requireRefund(record);
    if (record.status !== 'PENDING') return record;
    const { creditWindowMs, inFlightGraceMs } = this.policy;
    const ageMs = this.clock() - Date.parse(record.createdAt);
    const mayCall = ageMs < creditWindowMs - inFlightGraceMs;
    let state: TopUpState | null;
    try {
      // The same topUpId every time: POST /topups is idempotent on it and answers the top-up's
      // current state on a repeat, so this is a safe retry, never a second credit.
      state = mode === 'credit' && mayCall ? await this.post(record) : await this.ask(record.id);
      if (state === null && mayCall) state = await this.post(record);
    } catch (error) {
      // Unreachable, timed out, refused: the outcome is unknown, so the top-up stays PENDING and
      // the reconciler asks again. Never a new id, never a blind resend.
      this.log({ msg: 'top-up outcome unknown; left PENDING for the reconciler', topUpId: record.id, reason: error instanceof UpstreamError ? error.failure : 'ERROR' });
      return (await this.options.ledger.get(record.id)) ?? record;
    }
    this.step('after-card-call', record.id);
    if (state === null) {
      // The card system never received it, and no call can still land: refund. In between, wait.
      return ageMs >= creditWindowMs ? this.fail(record, 'NOT_CREDITED_IN_TIME') : record;
    }
    if (state.cardNo !== record.cardNo || state.amountFen !== record.amountFen) {
      this.log({ msg: 'card system answers another top-up under this id; left PENDING', topUpId: record.id });
      return record;
    }
    if (state.status === 'REJECTED') return this.fail(record, 'CARD_NOT_ACTIVE');
    this.step('before-mark-credited', record.id);
    const moved = await this.options.ledger.transition({
      id: record.id, from: 'PENDING', to: 'CREDITED', at: formatShanghai(this.clock()),
      ...(state.balanceAfterFen === null ? {} : { balanceAfterFen: state.balanceAfterFen }),
    });
    this.step('after-mark-credited', record.id);
    if (moved) this.log({ msg: 'top-up credited', topUpId: record.id, status: 'CREDITED' });
    return moved ?? (await this.current(record));
  }

  private post(record: TopUpRecord): Promise<TopUpState> {
    return this.options.cardSystem.topUp({ topUpId: record.id, cardNo: record.cardNo, amountFen: record.amountFen, channel: record.channel });
  }

  /** The card system's state of the top-up; null when it has never received it. */
  private async ask(id: string): Promise<TopUpState | null> {
    try {
      return await this.options.cardSystem.getTopUp(id);
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  }

  private async fail(record: TopUpRecord, reason: RefundReason): Promise<TopUpRecord> {
    const failed = await this.options.ledger.transition({ id: record.id, from: 'PENDING', to: 'FAILED', at: formatShanghai(this.clock()), reason, refundReason: reason });
    if (!failed) return this.current(record);
    return this.requireRefund(failed);
  }

  /** FAILED → REFUND_REQUIRED: the outbox event and the log line tell the partner to refund. */
  private async requireRefund(record: TopUpRecord): Promise<TopUpRecord> {
    const reason = record.refundReason ?? 'NOT_CREDITED_IN_TIME';
    const moved = await this.options.ledger.transition({ id: record.id, from: 'FAILED', to: 'REFUND_REQUIRED', at: formatShanghai(this.clock()), reason, refundReason: reason });
    if (moved) this.log({ msg: 'top-up not credited: refund required', topUpId: record.id, status: 'REFUND_REQUIRED', reason });
    return moved ?? (await this.current(record));
  }

  /** Someone else moved it first (another replica, the reconciler): answer what the ledger holds. */
  private async current(record: TopUpRecord): Promise<TopUpRecord> {
    return (await this.options.ledger.get(record.id)) ?? record;
  }

  private step(step: TopUpStep, id: string): void {
    this.options.onStep?.(step, id);
  }

  private log(event: Parameters<TopUpLog>[0]): void {
    this.options.log?.(event);
  }
}
