import { FRESHNESS_WINDOW_MS, MemoryReplayGuard, newNonce } from './freshness';

describe('the in-process replay guard', () => {
  it('refuses a nonce seen inside twice the window, per scope, and takes it again after', () => {
    const guard = new MemoryReplayGuard();
    const nonce = newNonce();
    expect(guard.remember('app-a', nonce, 1_000)).toBe(true);
    expect(guard.remember('app-a', nonce, 1_000 + 2 * FRESHNESS_WINDOW_MS)).toBe(false);
    expect(guard.remember('app-b', nonce, 2_000)).toBe(true);
    expect(guard.remember('app-a', nonce, 1_001 + 2 * FRESHNESS_WINDOW_MS)).toBe(true);
    // Re-recorded: remembered from its new time.
    expect(guard.remember('app-a', nonce, 1_002 + 2 * FRESHNESS_WINDOW_MS)).toBe(false);
  });

  it('forgets what left the window, oldest first, and keeps what is inside', () => {
    const guard = new MemoryReplayGuard();
    const early = Array.from({ length: 50 }, () => newNonce());
    const late = Array.from({ length: 30 }, () => newNonce());
    for (const nonce of early) guard.remember('app', nonce, 0);
    for (const nonce of late) guard.remember('other', nonce, FRESHNESS_WINDOW_MS);
    expect(guard.size()).toBe(80);
    // Past the early ones' memory, inside the late ones'.
    guard.remember('app', newNonce(), 2 * FRESHNESS_WINDOW_MS + 1);
    expect(guard.size()).toBe(31);
    for (const nonce of late) expect(guard.remember('other', nonce, 2 * FRESHNESS_WINDOW_MS + 2)).toBe(false);
    guard.remember('other', newNonce(), 4 * FRESHNESS_WINDOW_MS + 10);
    expect(guard.size()).toBe(1);
  });
});
