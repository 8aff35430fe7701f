/**
 * What a partner may ask of topUpTransitCard: a Luhn-valid card number, a channel with its
 * per-transaction limits, a payment reference and an idempotency key. Checked before anything is
 * recorded, so a refused request leaves no trace and does not use up its key.
 */
import { createHash } from 'node:crypto';
import { GraphQLError } from 'graphql';
import { isValidCardNumber } from '@huimin/schema';
import type { TopUpChannel } from './topup-types';

export type PartnerChannel = Exclude<TopUpChannel, 'OFFLINE'>;

/** Per transaction, inclusive, in fen: WeChat balance ¥50–2,000, bank card ¥100–5,000, credit card ¥300–1,000. */
export const CHANNEL_LIMITS_FEN: Readonly<Record<PartnerChannel, { min: number; max: number }>> = {
  WECHAT_BALANCE: { min: 5_000, max: 200_000 },
  BANK_CARD: { min: 10_000, max: 500_000 },
  CREDIT_CARD: { min: 30_000, max: 100_000 },
};

const PAYMENT_REF = /^[\x21-\x7e]{1,64}$/;
const IDEMPOTENCY_KEY = /^[A-Za-z0-9._:-]{1,128}$/;

export interface TopUpInput {
  cardNo: string;
  amountFen: number;
  channel: TopUpChannel;
  paymentRef: string;
  idempotencyKey: string;
}

export interface ValidTopUpInput extends TopUpInput {
  channel: PartnerChannel;
  /** SM3 of what the request asks; the same key with another fingerprint is a different request. */
  fingerprint: string;
}

function refuse(code: 'INVALID_CARD_NUMBER' | 'TOPUP_AMOUNT_OUT_OF_RANGE' | 'BAD_USER_INPUT', message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code } });
}

const yuan = (fen: number): string => (fen / 100).toLocaleString('en-US');

export function validateTopUpInput(input: TopUpInput): ValidTopUpInput {
  if (!isValidCardNumber(input.cardNo)) throw refuse('INVALID_CARD_NUMBER', 'Not a valid transit card number');
  if (input.channel === 'OFFLINE') throw refuse('BAD_USER_INPUT', 'OFFLINE is the card system\'s own channel; a partner top-up names its payment channel');
  const channel: PartnerChannel = input.channel;
  const limits = CHANNEL_LIMITS_FEN[channel];
  if (!Number.isSafeInteger(input.amountFen) || input.amountFen < limits.min || input.amountFen > limits.max) {
    throw refuse('TOPUP_AMOUNT_OUT_OF_RANGE', `${channel} top-ups are ¥${yuan(limits.min)}–${yuan(limits.max)} (${limits.min}–${limits.max} fen) per transaction`);
  }
  if (!PAYMENT_REF.test(input.paymentRef)) throw refuse('BAD_USER_INPUT', 'paymentRef must be 1–64 printable ASCII characters');
  if (!IDEMPOTENCY_KEY.test(input.idempotencyKey)) throw refuse('BAD_USER_INPUT', 'idempotencyKey must be 1–128 of A–Z a–z 0–9 . _ : -');
  const fingerprint = createHash('sm3').update(JSON.stringify([input.cardNo, input.amountFen, channel, input.paymentRef]), 'utf8').digest('hex');
  return { ...input, channel, fingerprint };
}
