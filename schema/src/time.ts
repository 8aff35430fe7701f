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

/** Whole years completed on `on`; a 29 February birthday ages on 1 March in non-leap years. */
export function ageOn(birthDate: string, on: string): number {
  const [by, bm, bd] = birthDate.split('-').map(Number) as [number, number, number];
  const [oy, om, od] = on.split('-').map(Number) as [number, number, number];
  const hadBirthday = om > bm || (om === bm && od >= bd);
  return oy - by - (hadBirthday ? 0 : 1);
}

/** The first day of a YYYY-MM period. */
export function firstDayOfPeriod(period: string): string {
  return `${period}-01`;
}
