import { BoundedMemo } from './bounded-memo';

describe('BoundedMemo', () => {
  it('computes once per key while the key is held', () => {
    const memo = new BoundedMemo<string, string>(10);
    const compute = jest.fn((key: string) => key.toUpperCase());
    expect(memo.through('a', compute)).toBe('A');
    expect(memo.through('a', compute)).toBe('A');
    expect(compute).toHaveBeenCalledTimes(1);
  });

  it('drops the least recently used keys above its capacity', () => {
    const memo = new BoundedMemo<string, number>(4);
    memo.set('a', 1);
    memo.set('b', 2);
    expect(memo.get('a')).toBe(1); // a is now more recent than b
    memo.set('c', 3);
    memo.set('d', 4);
    expect(memo.get('b')).toBeUndefined();
    expect(memo.get('a')).toBe(1);
    expect(memo.get('d')).toBe(4);
  });

  it.each([1, 2, 3, 7, 100])('never holds more than its capacity (%i)', (capacity) => {
    const memo = new BoundedMemo<number, number>(capacity);
    for (let i = 0; i < 1000; i += 1) {
      memo.set(i, i);
      memo.get(i - 1);
      memo.get(Math.floor(i / 3));
      expect(memo.size).toBeLessThanOrEqual(capacity);
    }
    expect(memo.get(999)).toBe(999);
  });

  it('remembers nothing when the computation throws, or with capacity 0', () => {
    const memo = new BoundedMemo<string, string>(10);
    expect(() => memo.through('bad', () => { throw new Error('no'); })).toThrow('no');
    expect(memo.size).toBe(0);
    const off = new BoundedMemo<string, string>(0);
    const compute = jest.fn((key: string) => key);
    off.through('a', compute);
    off.through('a', compute);
    expect(compute).toHaveBeenCalledTimes(2);
    expect(off.size).toBe(0);
  });

  it('refuses a negative or fractional capacity', () => {
    expect(() => new BoundedMemo(-1)).toThrow(RangeError);
    expect(() => new BoundedMemo(1.5)).toThrow(RangeError);
  });
});
