/** Top-up ids: ours, and the card system's topUpId too (its alphabet, TOP_UP_ID). */
import { randomBytes } from 'node:crypto';

/** "tu", the time in base 36 (so ids sort roughly by age in logs), then 80 random bits. */
export function newTopUpId(nowMs: number): string {
  return `tu${nowMs.toString(36).padStart(9, '0')}${randomBytes(10).toString('hex')}`;
}
