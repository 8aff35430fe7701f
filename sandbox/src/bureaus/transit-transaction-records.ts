/**
 * The sandbox card system's transaction records: a TOP_UP record for each credited top-up, and
 * deterministic fares for demos, tests and benches. Ids are derived from what they record, so
 * the card system never pushes two different records for one event.
 */
import { createHash } from 'node:crypto';
import type { TopUpState, TransitTransactionRecord } from '@huimin/adapters';
import { formatShanghai, type TransitCardRecord } from '@huimin/schema';

const idOf = (what: string): string => createHash('sha256').update(what, 'utf8').digest('hex').slice(0, 32);

/** The TOP_UP record of a credited top-up. */
export function topUpTransaction(state: TopUpState): TransitTransactionRecord {
  return {
    transactionId: idOf(`topup|${state.topUpId}`),
    cardNo: state.cardNo,
    kind: 'TOP_UP',
    amountFen: state.amountFen,
    balanceAfterFen: state.balanceAfterFen ?? 0,
    occurredAt: state.acceptedAt,
    line: null,
    station: null,
    topUpId: state.topUpId,
  };
}

const LINES = ['Line 1', 'Line 2', 'Line 4', 'Bus 28', 'Bus 101'] as const;
const STATIONS = ['West Lake', 'City Hall', 'Railway Station', 'Binjiang', 'Wulin Square', 'Qianjiang Road'] as const;

/** A small deterministic generator (mulberry32), so a seed always gives the same fares. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * `perCard` fares on each card, one every few minutes back from `endMs`, each ¥2–¥6 with the
 * balance running down from the card's own. Same inputs, same records (ids included).
 */
export function syntheticFares(cards: readonly TransitCardRecord[], options: { perCard: number; endMs: number; seed?: number }): TransitTransactionRecord[] {
  const random = seeded(options.seed ?? 1);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const records: TransitTransactionRecord[] = [];
  for (const card of cards) {
    let balance = card.balanceFen;
    let at = options.endMs;
    for (let i = 0; i < options.perCard; i += 1) {
      const fare = 200 + 100 * Math.floor(random() * 5);
      at -= 60_000 * (3 + Math.floor(random() * 240));
      records.push({
        transactionId: idOf(`fare|${card.cardNo}|${options.seed ?? 1}|${i}`),
        cardNo: card.cardNo,
        kind: 'FARE',
        amountFen: -fare,
        balanceAfterFen: balance,
        occurredAt: formatShanghai(at),
        line: pick(LINES),
        station: pick(STATIONS),
        topUpId: null,
      });
      balance += fare;
    }
  }
  return records;
}
