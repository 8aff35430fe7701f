/**
 * Date arithmetic for the generator in whole days (UTC day numbers, which stand for calendar
 * dates in Asia/Shanghai), and the file's timestamp format.
 */

const DAY_MS = 86_400_000;
const SHANGHAI_OFFSET_MS = 8 * 3_600_000;

/** Day number (days since 1970-01-01) of a YYYY-MM-DD date. */
export function dayOf(date: string): number {
  return Date.parse(`${date}T00:00:00Z`) / DAY_MS;
}

// A 100k population formats millions of instants over a few thousand distinct days.
const dateCache = new Map<number, string>();

/** YYYY-MM-DD of a day number. */
export function dateOf(day: number): string {
  let date = dateCache.get(day);
  if (date === undefined) {
    date = new Date(day * DAY_MS).toISOString().slice(0, 10);
    dateCache.set(day, date);
  }
  return date;
}

function twoDigits(value: number): string {
  return value < 10 ? `0${value}` : String(value);
}

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** The same month and day `years` earlier; null when that is 29 February of a common year. */
export function yearsBefore(date: string, years: number): string | null {
  const year = Number(date.slice(0, 4)) - years;
  if (date.slice(5) === '02-29' && !isLeapYear(year)) return null;
  return `${String(year).padStart(4, '0')}${date.slice(4)}`;
}

/** The instant a Shanghai day starts plus `secondsIntoDay`, as the fixture writes it (UTC, +00:00). */
export function timestampOn(day: number, secondsIntoDay: number): string {
  return formatUtc(day * DAY_MS - SHANGHAI_OFFSET_MS + secondsIntoDay * 1000);
}

/** `2026-10-31T16:00:00+00:00`: whole seconds, explicit offset, like population-2k.json. */
export function formatUtc(epochMs: number): string {
  const day = Math.floor(epochMs / DAY_MS);
  const second = Math.floor((epochMs - day * DAY_MS) / 1000);
  const time = `${twoDigits(Math.floor(second / 3600))}:${twoDigits(Math.floor(second / 60) % 60)}:${twoDigits(second % 60)}`;
  return `${dateOf(day)}T${time}+00:00`;
}

/** The `count` months before the month of `date`, oldest first (YYYY-MM). */
export function monthsBefore(date: string, count: number): string[] {
  const year = Number(date.slice(0, 4));
  const month = Number(date.slice(5, 7)) - 1;
  const periods: string[] = [];
  for (let back = count; back >= 1; back -= 1) {
    const index = year * 12 + month - back;
    periods.push(`${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`);
  }
  return periods;
}

/**
 * Whole years completed on `date` (both YYYY-MM-DD); the same rule as the schema's ageOn (a
 * 29 February birthday counts from 1 March in common years) without splitting strings.
 */
export function yearsCompleted(birthDate: string, date: string): number {
  const years = Number(date.slice(0, 4)) - Number(birthDate.slice(0, 4));
  return date.slice(5) < birthDate.slice(5) ? years - 1 : years;
}
