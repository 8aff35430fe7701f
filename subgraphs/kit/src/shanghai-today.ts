/**
 * Today's date in Asia/Shanghai from a clock, formatted again only when the day changes: the
 * rules and `age` ask for it once per citizen, a hundred times in one batch.
 */
import { shanghaiDate } from '@huimin/schema';

const DAY_MS = 24 * 60 * 60 * 1000;

export function createShanghaiToday(clock: () => number): () => string {
  let date = '';
  let dayStart = Number.NaN;
  return () => {
    const now = clock();
    // Written so that NaN (a broken clock) never matches and shanghaiDate throws as before.
    if (!(now >= dayStart && now < dayStart + DAY_MS)) {
      date = shanghaiDate(now);
      dayStart = Date.parse(`${date}T00:00:00+08:00`);
    }
    return date;
  };
}
