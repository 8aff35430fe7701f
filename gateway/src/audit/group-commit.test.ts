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

describe('group commit', () => {
  it('writes at once when quiet, batches what queued behind a write, and keeps the order', async () => {
    const { batches, writeBatch } = recordingWriter();
    const commits = new GroupCommit(writeBatch);
    const results = await Promise.all([1, 2, 3].map((item) => commits.submit(item)));
    expect(results).toEqual(['#1', '#2', '#3']);
    expect(batches).toEqual([[1], [2, 3]]);
  });

  it('with a commit delay, a busy trail gathers entries for that long; a quiet one does not wait', async () => {
    const { batches, writeBatch } = recordingWriter();
    let now = 0;
    const commits = new GroupCommit(writeBatch, { commitDelayMs: 5, busyWindowMs: 50, clock: () => now });
    await commits.submit(1);
    expect(batches).toEqual([[1]]);
    // Busy (the last write just ended): the next batch waits 5 ms, collecting the others.
    const busy = [commits.submit(2), new Promise((r) => setTimeout(r, 1)).then(() => commits.submit(3))];
    await Promise.all(busy);
    expect(batches).toEqual([[1], [2, 3]]);
    // Quiet (long after the last write): written at once.
    now = 1000;
    await commits.submit(4);
    expect(batches.at(-1)).toEqual([4]);
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
