import { shanghaiDate } from '@huimin/schema';
import { createShanghaiToday } from './shanghai-today';

describe('createShanghaiToday', () => {
  it('follows the clock across Shanghai midnight, in both directions', () => {
    let now = Date.parse('2026-10-31T15:59:59.999Z');
    const today = createShanghaiToday(() => now);
    expect(today()).toBe('2026-10-31');
    now += 1; // 2026-11-01T00:00:00.000+08:00
    expect(today()).toBe('2026-11-01');
    now -= 1;
    expect(today()).toBe('2026-10-31');
  });

  it('agrees with shanghaiDate over a year of irregular steps', () => {
    let now = Date.parse('2025-12-31T10:00:00Z');
    const today = createShanghaiToday(() => now);
    for (let step = 0; step < 2000; step += 1) {
      now += ((step * 7919) % 1000) * 60_000 - 100_000;
      expect(today()).toBe(shanghaiDate(now));
    }
  });

  it('still throws for a broken clock', () => {
    const today = createShanghaiToday(() => Number.NaN);
    expect(() => today()).toThrow(RangeError);
  });
});
