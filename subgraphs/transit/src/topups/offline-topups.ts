/**
 * Top-ups made at the card system itself (stations, kiosks: "offline" for us) as ledger records:
 * from the card system's answer to GET /topups/{id}, or from a TOP_UP transaction record it
 * pushed. They carry no partner, key or payment reference, and the channel OFFLINE.
 */
import type { TopUpState, TransitTransactionRecord } from '@huimin/adapters';
import type { TopUpRecord, TopUpStatus } from './topup-types';

/** How long after it was made the card system answers for a top-up by id (GET /topups/{id}). */
export const OFFLINE_LOOKBACK_MS = 72 * 60 * 60 * 1000;

function offline(fields: { id: string; cardNo: string; amountFen: number; status: TopUpStatus; at: string; reason: string | null; balanceAfterFen: number | null }): TopUpRecord {
  return {
    id: fields.id,
    partner: null,
    idempotencyKey: null,
    fingerprint: null,
    cardNo: fields.cardNo,
    amountFen: fields.amountFen,
    channel: 'OFFLINE',
    paymentRef: null,
    status: fields.status,
    refundReason: null,
    refundRef: null,
    balanceAfterFen: fields.balanceAfterFen,
    history: [{ status: fields.status, at: fields.at, reason: fields.reason }],
    createdAt: fields.at,
    updatedAt: fields.at,
  };
}

/** The card system's view of a top-up we have no ledger row for. */
export function offlineTopUpFromState(state: TopUpState): TopUpRecord {
  return offline({
    id: state.topUpId,
    cardNo: state.cardNo,
    amountFen: state.amountFen,
    status: state.status === 'SUCCEEDED' ? 'CREDITED' : 'FAILED',
    at: state.acceptedAt,
    reason: state.reason,
    balanceAfterFen: state.balanceAfterFen,
  });
}

/** A pushed TOP_UP record as an offline top-up; null for other kinds or a record without its topUpId. */
export function offlineTopUpFromTransaction(record: TransitTransactionRecord): TopUpRecord | null {
  if (record.kind !== 'TOP_UP' || record.topUpId === null || record.amountFen <= 0) return null;
  return offline({
    id: record.topUpId,
    cardNo: record.cardNo,
    amountFen: record.amountFen,
    status: 'CREDITED',
    at: record.occurredAt,
    reason: null,
    balanceAfterFen: record.balanceAfterFen,
  });
}
