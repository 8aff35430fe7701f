import { FRESHNESS_WINDOW_MS, MemoryReplayGuard, newNonce } from './freshness';

const REMEMBERED = 2 * FRESHNESS_WINDOW_MS;

describe('the in-process replay guard', () => {
  it('refuses a nonce seen inside twice the window, per scope, and takes it again after', () => {
    const guard = new MemoryReplayGuard();
    const nonce = newNonce();
    expect(guard.remember('app-a', nonce, 1_000)).toBe(true);
    expect(guard.remember('app-a', nonce, 1_000 + REMEMBERED)).toBe(false);
    expect(guard.remember('app-b', nonce, 2_000)).toBe(true);
    // Remembered at least twice the window, and at most one 30 s generation longer.
    expect(guard.remember('app-a', nonce, 1_000 + REMEMBERED + 30_001)).toBe(true);
    expect(guard.remember('app-a', nonce, 1_002 + REMEMBERED + 30_001)).toBe(false);
  });

  it('remembers every nonce of a steady stream for the whole window, and holds no more than that', () => {
    const guard = new MemoryReplayGuard();
    const seen: Array<[string, number]> = [];
    // One nonce a second for 30 minutes.
    for (let t = 0; t < 1_800_000; t += 1_000) {
      const nonce = newNonce();
      expect(guard.remember('app', nonce, t)).toBe(true);
      seen.push([nonce, t]);
      // A nonce from inside the window, offered again: refused.
      const [old, at] = seen[Math.max(0, seen.length - 1 - Math.floor(Math.random() * Math.min(seen.length, 600)))]!;
      if (t - at <= REMEMBERED) expect(guard.remember('app', old, t)).toBe(false);
      // Held: the window's worth, plus at most two generations.
      expect(guard.size()).toBeLessThanOrEqual(601 + 60);
    }
    expect(guard.size()).toBeGreaterThanOrEqual(600);
  });

  it('lets go of scopes that fell silent', () => {
    const guard = new MemoryReplayGuard();
    for (let i = 0; i < 50; i += 1) guard.remember('quiet', newNonce(), 0);
    guard.remember('busy', newNonce(), REMEMBERED + 60_001);
    expect(guard.size()).toBe(1);
  });
});
