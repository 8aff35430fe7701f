/**
 * Transaction records the transit system pushes to the transit subgraph's webhook
 * (upstream-protocols.md, "Transaction records pushed"). A push travels in the same sealed,
 * HMAC-signed envelope as the card calls (transit.ts) with the roles reversed: the card system
 * sends with the app's credentials (sealTransitRequest) and the subgraph receives
 * (openTransitRequest), acknowledging with a signed answer bound to the push's nonce
 * (sealTransitResponse / openTransitResponse). Both sides check the payload with these
 * definitions so they cannot drift.
 */
import type { TransitClientKeys, TransitServerKeys } from './transit';
import { TOP_UP_ID } from './transit-operations';

export const TRANSIT_TRANSACTIONS_WEBHOOK_PATH = '/webhooks/transactions';
/** Records per push; a push is one request, stored in one step. */
export const MAX_TRANSACTIONS_PER_PUSH = 500;

export const TRANSACTION_KINDS = ['FARE', 'TOP_UP', 'REFUND', 'ADJUSTMENT'] as const;
export type TransactionKind = (typeof TRANSACTION_KINDS)[number];

export interface TransitTransactionRecord {
  /** The card system's id, unique for ever: receivers are idempotent on it. Alphabet of TOP_UP_ID. */
  transactionId: string;
  cardNo: string;
  kind: TransactionKind;
  /** Signed: a fare is negative, a top-up positive. */
  amountFen: number;
  balanceAfterFen: number;
  /** ISO-8601 with offset. */
  occurredAt: string;
  /** Where a fare was taken; null for other kinds. */
  line: string | null;
  station: string | null;
  /** The top-up a TOP_UP credit belongs to (its topUpId); null otherwise. */
  topUpId: string | null;
}

export interface TransactionPush {
  records: TransitTransactionRecord[];
}

/** Sent only once every record of the push is stored (new or already held). */
export interface TransactionPushAck {
  acknowledged: number;
  /** Records already held before this push (a repeat delivery). */
  duplicates: number;
}

const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;
const CARD_NO_SHAPE = /^\d{16,19}$/;

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const shortTextOrNull = (value: unknown): boolean => value === null || (typeof value === 'string' && value.length >= 1 && value.length <= 64);

export function isTransitTransactionRecord(value: unknown): value is TransitTransactionRecord {
  return (
    isObject(value) &&
    typeof value.transactionId === 'string' &&
    TOP_UP_ID.test(value.transactionId) &&
    typeof value.cardNo === 'string' &&
    CARD_NO_SHAPE.test(value.cardNo) &&
    typeof value.kind === 'string' &&
    (TRANSACTION_KINDS as readonly string[]).includes(value.kind) &&
    Number.isSafeInteger(value.amountFen) &&
    Number.isSafeInteger(value.balanceAfterFen) &&
    typeof value.occurredAt === 'string' &&
    DATE_TIME.test(value.occurredAt) &&
    !Number.isNaN(Date.parse(value.occurredAt)) &&
    shortTextOrNull(value.line) &&
    shortTextOrNull(value.station) &&
    (value.topUpId === null || (typeof value.topUpId === 'string' && TOP_UP_ID.test(value.topUpId)))
  );
}

export function isTransactionPush(value: unknown): value is TransactionPush {
  return (
    isObject(value) &&
    Array.isArray(value.records) &&
    value.records.length >= 1 &&
    value.records.length <= MAX_TRANSACTIONS_PER_PUSH &&
    value.records.every(isTransitTransactionRecord)
  );
}

export function isTransactionPushAck(value: unknown): value is TransactionPushAck {
  return isObject(value) && Number.isSafeInteger(value.acknowledged) && Number.isSafeInteger(value.duplicates);
}

/** The receiving side's keys (the subgraph) from the app's own credentials: one app, the same secrets and data keys. */
export function transitReceiverKeys(keys: TransitClientKeys): TransitServerKeys {
  return { apps: { [keys.appId]: { secrets: keys.secrets, dataKeys: keys.dataKeys } } };
}

/** The sending side's keys (the card system) for one registered app; null when the app is unknown. */
export function transitSenderKeys(keys: TransitServerKeys, appId: string): TransitClientKeys | null {
  const app = Object.prototype.hasOwnProperty.call(keys.apps, appId) ? keys.apps[appId] : undefined;
  return app ? { appId, secrets: app.secrets, dataKeys: app.dataKeys } : null;
}
