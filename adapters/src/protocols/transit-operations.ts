/**
 * The transit bureau's HTTPS operations: what travels inside the sealed envelopes. The bureau
 * builds these and the client checks them, from one definition so the two cannot drift.
 *
 * `POST /cards/by-owner` is an addition to the spec's operations: a citizen's cards have to be
 * found from the citizen (the gateway starts from an ID number, never from a card number).
 */
import type { TransitCardRecord } from '@huimin/schema';

export const TRANSIT_CARDS_QUERY_PATH = '/cards/query';
export const TRANSIT_CARDS_BY_OWNER_PATH = '/cards/by-owner';
export const TRANSIT_TOPUPS_PATH = '/topups';

export interface CardsQueryRequest {
  cardNos: string[];
}

export type CardResult = { cardNo: string; status: 'FOUND'; card: TransitCardRecord } | { cardNo: string; status: 'NOT_FOUND' };

export interface CardsQueryAnswer {
  asOf: string;
  results: CardResult[];
}

export interface CardsByOwnerRequest {
  idNumbers: string[];
}

export interface CardsByOwnerAnswer {
  asOf: string;
  results: Array<{ idNumber: string; cards: TransitCardRecord[] }>;
}

/** Caller-chosen id: the same id sent twice is one top-up (the repeat answers its state). */
export const TOP_UP_ID = /^[A-Za-z0-9_-]{1,64}$/;
/** The most one top-up may credit (¥5,000), so a typo cannot mint a fortune. */
export const MAX_TOP_UP_FEN = 500_000;

export interface TopUpRequest {
  topUpId: string;
  cardNo: string;
  amountFen: number;
  channel: string;
}

/** SUCCEEDED credits the card; REJECTED leaves it (a card that is not ACTIVE takes no money). */
export interface TopUpState extends TopUpRequest {
  status: 'SUCCEEDED' | 'REJECTED';
  reason: 'CARD_NOT_ACTIVE' | null;
  balanceAfterFen: number | null;
  acceptedAt: string;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const oneOf = (value: unknown, allowed: readonly string[]): boolean => typeof value === 'string' && allowed.includes(value);

export function isTransitCardRecord(value: unknown): value is TransitCardRecord {
  return (
    isObject(value) &&
    typeof value.cardNo === 'string' &&
    typeof value.idNumber === 'string' &&
    oneOf(value.cardType, ['STANDARD', 'ELDERLY', 'STUDENT', 'DISABLED']) &&
    oneOf(value.status, ['ACTIVE', 'LOST', 'FROZEN', 'CANCELLED']) &&
    Number.isInteger(value.balanceFen) &&
    typeof value.issuedOn === 'string' &&
    typeof value.statusChangedAt === 'string'
  );
}

function isCardResult(value: unknown): value is CardResult {
  if (!isObject(value) || typeof value.cardNo !== 'string') return false;
  if (value.status === 'NOT_FOUND') return true;
  return value.status === 'FOUND' && isTransitCardRecord(value.card) && value.card.cardNo === value.cardNo;
}

export function isCardsQueryAnswer(value: unknown): value is CardsQueryAnswer {
  return isObject(value) && typeof value.asOf === 'string' && Array.isArray(value.results) && value.results.every(isCardResult);
}

export function isCardsByOwnerAnswer(value: unknown): value is CardsByOwnerAnswer {
  return (
    isObject(value) &&
    typeof value.asOf === 'string' &&
    Array.isArray(value.results) &&
    value.results.every(
      (entry: unknown) =>
        isObject(entry) &&
        typeof entry.idNumber === 'string' &&
        Array.isArray(entry.cards) &&
        entry.cards.every((card: unknown) => isTransitCardRecord(card) && card.idNumber.toUpperCase() === (entry.idNumber as string).toUpperCase()),
    )
  );
}

export function isTopUpRequest(value: unknown): value is TopUpRequest {
  return (
    isObject(value) &&
    typeof value.topUpId === 'string' &&
    TOP_UP_ID.test(value.topUpId) &&
    typeof value.cardNo === 'string' &&
    Number.isSafeInteger(value.amountFen) &&
    (value.amountFen as number) > 0 &&
    (value.amountFen as number) <= MAX_TOP_UP_FEN &&
    typeof value.channel === 'string' &&
    value.channel.length > 0 &&
    value.channel.length <= 32
  );
}

export function isTopUpState(value: unknown): value is TopUpState {
  return (
    isTopUpRequest(value) &&
    isObject(value) &&
    oneOf(value.status, ['SUCCEEDED', 'REJECTED']) &&
    (value.reason === null || value.reason === 'CARD_NOT_ACTIVE') &&
    (value.balanceAfterFen === null || Number.isInteger(value.balanceAfterFen)) &&
    typeof value.acceptedAt === 'string'
  );
}
