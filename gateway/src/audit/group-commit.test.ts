import { GroupCommit } from './group-commit';

/** A writer that records each batch and finishes when told to. */
function recordingWriter() {
  const batches: number[][] = [];
  const writeBatch = async (items: number[]): Promise<string[]> => {
    batches.push(items);
    await new Promise((resolve) => setImmediate(resolve));
    return items.map((item) => `#${item}`);
  };
  return { batches, writeBatch };
}

/** A clock the test moves; sleeps end when it passes their time. Records how long each wait was asked to be. */
function manualTime() {
  let now = 0;
  const waits: number[] = [];
  const sleepers: Array<{ until: number; wake: () => void }> = [];
  return {
    clock: () => now,
    waits,
    sleep: (ms: number) =>
      new Promise<void>((wake) => {
        waits.push(ms);
        sleepers.push({ until: now + ms, wake });
      }),
    /** Moves the clock, wakes the sleepers due, and lets the writes that follow run. */
    async advance(ms: number) {
      now += ms;
      for (const sleeper of sleepers.filter((s) => s.until <= now)) {
        sleepers.splice(sleepers.indexOf(sleeper), 1);
        sleeper.wake();
      }
      for (let i = 0; i < 5; i += 1) await new Promise((resolve) => setImmediate(resolve));
    },
  };
}

describe('group commit', () => {
  it('writes at once when quiet, batches what queued behind a write, and keeps the order', async () => {
    const { batches, writeBatch } = recordingWriter();
    const commits = new GroupCommit(writeBatch);
    const results = await Promise.all([1, 2, 3].map((item) => commits.submit(item)));
    expect(results).toEqual(['#1', '#2', '#3']);
    expect(batches).toEqual([[1], [2, 3]]);
  });

  it('without a delay, entries that arrive after the previous write each get a write', async () => {
    const { batches, writeBatch } = recordingWriter();
    const time = manualTime();
    const commits = new GroupCommit(writeBatch, { clock: time.clock, sleep: time.sleep });
    for (let item = 1; item <= 60; item += 1) {
      void commits.submit(item);
      await time.advance(1);
    }
    await commits.idle();
    expect(batches).toHaveLength(60);
  });

  it('with a delay, entries arriving faster than it wait for company, none longer than the delay', async () => {
    const { batches, writeBatch } = recordingWriter();
    const time = manualTime();
    const commits = new GroupCommit(writeBatch, { commitDelayMs: 10, clock: time.clock, sleep: time.sleep });
    const written: Array<Promise<string>> = [];
    for (let item = 1; item <= 60; item += 1) {
      written.push(commits.submit(item));
      await time.advance(1);
    }
    await time.advance(10);
    expect(await Promise.all(written)).toEqual(Array.from({ length: 60 }, (_, i) => `#${i + 1}`));
    // Quiet at first (the average gap starts long), then gathered: far fewer writes than entries.
    expect(batches.slice(0, 5)).toEqual([[1], [2], [3], [4], [5]]);
    expect(batches.length).toBeLessThan(35);
    expect(Math.max(...batches.map((batch) => batch.length))).toBeGreaterThanOrEqual(8);
    for (const wait of time.waits) expect(wait).toBeLessThanOrEqual(10);
  });

  it('does not wait when entries arrive slower than the delay, nor for the first after a busy spell ends', async () => {
    const { batches, writeBatch } = recordingWriter();
    const time = manualTime();
    const commits = new GroupCommit(writeBatch, { commitDelayMs: 10, clock: time.clock, sleep: time.sleep });
    for (let item = 1; item <= 10; item += 1) {
      void commits.submit(item);
      await time.advance(30);
    }
    expect(time.waits).toEqual([]);
    expect(batches).toEqual(Array.from({ length: 10 }, (_, i) => [i + 1]));
    // Busy, then a pause of 200 ms: the next entry is written at once.
    for (let item = 11; item <= 60; item += 1) {
      void commits.submit(item);
      await time.advance(1);
    }
    await time.advance(200);
    time.waits.length = 0;
    void commits.submit(61);
    await time.advance(0);
    expect(time.waits).toEqual([]);
    expect(batches.at(-1)).toEqual([61]);
  });

  it('a failed write fails its batch only', async () => {
    let calls = 0;
    const commits = new GroupCommit(async (items: number[]) => {
      calls += 1;
      if (calls === 1) throw new Error('disk full');
      return items;
    });
    await expect(commits.submit(1)).rejects.toThrow('disk full');
    await expect(commits.submit(2)).resolves.toBe(2);
  });
});
