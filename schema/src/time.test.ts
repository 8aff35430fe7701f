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

  it('formats instants in +08:00 and rolls the date over at Shanghai midnight', () => {
    const instant = Date.parse('2026-10-31T16:00:00Z');
    expect(formatShanghai(instant)).toBe('2026-11-01T00:00:00.000+08:00');
    expect(shanghaiDate(instant)).toBe('2026-11-01');
    expect(shanghaiDate(instant - 1)).toBe('2026-10-31');
  });
});
