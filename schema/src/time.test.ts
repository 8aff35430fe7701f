import { ageOn, formatShanghai, shanghaiDate } from './time';

describe('Asia/Shanghai time', () => {
  it('counts whole years completed on the date', () => {
    expect(ageOn('1950-03-07', '2026-03-07')).toBe(76);
    expect(ageOn('1950-03-07', '2026-03-06')).toBe(75);
  });

  it('ages a 29 February birthday on 1 March in non-leap years', () => {
    expect(ageOn('1960-02-29', '2025-02-28')).toBe(64);
    expect(ageOn('1960-02-29', '2025-03-01')).toBe(65);
    expect(ageOn('1960-02-29', '2024-02-29')).toBe(64);
    expect(ageOn('1960-02-29', '2024-02-28')).toBe(63);
  });

  it('agrees with a calendar reading for every pair of dates', () => {
    // The reference: the birthday this year as a Date (29 February → 1 March when there is none).
    const reference = (birth: Date, on: Date): number => {
      const year = on.getUTCFullYear();
      const birthday = new Date(Date.UTC(year, birth.getUTCMonth(), birth.getUTCDate()));
      return year - birth.getUTCFullYear() - (on.getTime() >= birthday.getTime() ? 0 : 1);
    };
    const iso = (date: Date): string => date.toISOString().slice(0, 10);
    const day = 86_400_000;
    const mismatches: string[] = [];
    for (let birth = Date.UTC(1920, 0, 1); birth < Date.UTC(2026, 0, 1); birth += 37 * day) {
      for (let on = birth; on < Date.UTC(2030, 0, 1); on += 113 * day) {
        const [b, o] = [new Date(birth), new Date(on)];
        if (ageOn(iso(b), iso(o)) !== reference(b, o)) mismatches.push(`${iso(b)} on ${iso(o)}`);
      }
    }
    expect(mismatches).toEqual([]);
    expect(ageOn('2000-02-29', '2001-02-28')).toBe(reference(new Date(Date.UTC(2000, 1, 29)), new Date(Date.UTC(2001, 1, 28))));
  });

  it('formats instants in +08:00 and rolls the date over at Shanghai midnight', () => {
    const instant = Date.parse('2026-10-31T16:00:00Z');
    expect(formatShanghai(instant)).toBe('2026-11-01T00:00:00.000+08:00');
    expect(shanghaiDate(instant)).toBe('2026-11-01');
    expect(shanghaiDate(instant - 1)).toBe('2026-10-31');
  });
});
