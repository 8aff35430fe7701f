/** The city's clock: Asia/Shanghai is UTC+08:00 all year (no daylight saving). */

const SHANGHAI_OFFSET_MS = 8 * 60 * 60 * 1000;

/** ISO-8601 in +08:00, millisecond precision: 2026-11-01T08:00:00.000+08:00. */
export function formatShanghai(epochMs: number): string {
  const shifted = new Date(epochMs + SHANGHAI_OFFSET_MS).toISOString();
  return `${shifted.slice(0, -1)}+08:00`;
}

/** The calendar date (YYYY-MM-DD) in Asia/Shanghai at the instant. */
export function shanghaiDate(epochMs: number): string {
  return new Date(epochMs + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);
}

/** The decimal number in `text` from `start`, `length` digits long (no allocation: ageOn runs per citizen and rule). */
function digitsAt(text: string, start: number, length: number): number {
  let value = 0;
  for (let index = start; index < start + length; index += 1) value = value * 10 + (text.charCodeAt(index) - 48);
  return value;
}

/**
 * Whole years completed on `on` (both YYYY-MM-DD); a 29 February birthday ages on 1 March in
 * non-leap years (on 28 February the month-day 0228 is still below 0229).
 */
export function ageOn(birthDate: string, on: string): number {
  const birthMonthDay = digitsAt(birthDate, 5, 2) * 100 + digitsAt(birthDate, 8, 2);
  const onMonthDay = digitsAt(on, 5, 2) * 100 + digitsAt(on, 8, 2);
  return digitsAt(on, 0, 4) - digitsAt(birthDate, 0, 4) - (onMonthDay >= birthMonthDay ? 0 : 1);
}

/** The first day of a YYYY-MM period. */
export function firstDayOfPeriod(period: string): string {
  return `${period}-01`;
}
