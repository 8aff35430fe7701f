/**
 * The top-up ledger's records and its state machine. A top-up is written PENDING before the card
 * system is called, then moves PENDING → CREDITED, or PENDING → FAILED → REFUND_REQUIRED →
 * REFUNDED; every move is a compare-and-set on the current status and leaves an outbox event.
 */
export const TOP_UP_STATUSES = ['PENDING', 'CREDITED', 'FAILED', 'REFUND_REQUIRED', 'REFUNDED'] as const;
export type TopUpStatus = (typeof TOP_UP_STATUSES)[number];

/** The partner channels (with limits) plus OFFLINE: top-ups made at the card system itself (stations, kiosks). */
export const TOP_UP_CHANNELS = ['WECHAT_BALANCE', 'BANK_CARD', 'CREDIT_CARD', 'OFFLINE'] as const;
export type TopUpChannel = (typeof TOP_UP_CHANNELS)[number];

export const REFUND_REASONS = ['CARD_NOT_ACTIVE', 'NOT_CREDITED_IN_TIME'] as const;
export type RefundReason = (typeof REFUND_REASONS)[number];

/** The only moves the ledger makes. */
export const TOP_UP_TRANSITIONS: Readonly<Record<TopUpStatus, readonly TopUpStatus[]>> = {
  PENDING: ['CREDITED', 'FAILED'],
  CREDITED: [],
  FAILED: ['REFUND_REQUIRED'],
  REFUND_REQUIRED: ['REFUNDED'],
  REFUNDED: [],
};

export interface TopUpStatusChange {
  status: TopUpStatus;
  /** ISO-8601 with offset (Asia/Shanghai). */
  at: string;
  reason: string | null;
}

export interface TopUpRecord {
  /** Ours for partner top-ups (the card system's topUpId too); the card system's for offline ones. */
  id: string;
  /** The partner that asked; null for offline top-ups. */
  partner: string | null;
  /** Scoped per partner; null for offline top-ups. */
  idempotencyKey: string | null;
  /** SM3 of the request, so a different request under a used key is recognised. */
  fingerprint: string | null;
  cardNo: string;
  amountFen: number;
  channel: TopUpChannel;
  paymentRef: string | null;
  status: TopUpStatus;
  refundReason: RefundReason | null;
  /** The partner's reference of the refund it made (REFUNDED). */
  refundRef: string | null;
  /** The card's balance after the credit, as the card system answered. */
  balanceAfterFen: number | null;
  history: TopUpStatusChange[];
  createdAt: string;
  updatedAt: string;
}

/** A compare-and-set move: applied only while the top-up is still `from`. */
export interface TopUpTransition {
  id: string;
  from: TopUpStatus;
  to: TopUpStatus;
  at: string;
  reason?: string;
  refundReason?: RefundReason;
  refundRef?: string;
  balanceAfterFen?: number;
}

/** One row of the outbox: every status change, in order, for whatever tells partners (see README, "Top-ups"). */
export interface TopUpEvent {
  seq: number;
  topUpId: string;
  partner: string | null;
  status: TopUpStatus;
  reason: string | null;
  at: string;
}

/** A position in a card's top-ups, newest first. */
export interface TopUpPosition {
  createdAtMs: number;
  id: string;
}

export interface TopUpPage {
  records: TopUpRecord[];
  hasNextPage: boolean;
  totalCount: number;
}

/** Where top-ups are kept: PostgreSQL or the embedded journal. */
export interface TopUpLedger {
  /** Inserts a PENDING top-up unless its (partner, idempotencyKey) is taken; answers the row holding the key. */
  insertPending(record: TopUpRecord): Promise<{ record: TopUpRecord; inserted: boolean }>;
  findByKey(partner: string, idempotencyKey: string): Promise<TopUpRecord | null>;
  get(id: string): Promise<TopUpRecord | null>;
  /** Applies the move if the top-up is still `from` (and writes its outbox event); null when it is not. */
  transition(move: TopUpTransition): Promise<TopUpRecord | null>;
  /** Records a top-up the card system made itself (OFFLINE, CREDITED) unless its id is known; true when added. */
  importOffline(record: TopUpRecord): Promise<boolean>;
  listByCard(cardNo: string, first: number, after: TopUpPosition | null): Promise<TopUpPage>;
  /** PENDING and FAILED top-ups, oldest first: what the reconciler still has to resolve. */
  unresolved(limit: number): Promise<TopUpRecord[]>;
  /** Outbox events after `afterSeq`, in order. */
  events(afterSeq: number, limit: number): Promise<TopUpEvent[]>;
}

/** Applies a move to a record (both stores use it, so they cannot disagree on what a move does). */
export function applyTransition(record: TopUpRecord, move: TopUpTransition): TopUpRecord {
  return {
    ...record,
    status: move.to,
    // A move only ever adds these; absent keeps what the record holds (the SQL's COALESCE).
    refundReason: move.refundReason ?? record.refundReason,
    refundRef: move.refundRef ?? record.refundRef,
    balanceAfterFen: move.balanceAfterFen ?? record.balanceAfterFen,
    history: [...record.history, { status: move.to, at: move.at, reason: move.reason ?? null }],
    updatedAt: move.at,
  };
}

/** Throws on a move the state machine does not have: a bug, never a partner's doing. */
export function assertTransition(move: TopUpTransition): void {
  if (!TOP_UP_TRANSITIONS[move.from].includes(move.to)) throw new Error(`top-up ledger: no move ${move.from} → ${move.to}`);
}
