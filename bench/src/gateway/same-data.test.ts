import { assertSameData, canonicalJson, sampleOf } from './same-data';

describe('same data check', () => {
  it('serialises equal answers identically whatever their key order', () => {
    expect(canonicalJson({ b: 1, a: { d: [{ y: 1, x: 2 }], c: null } })).toBe(canonicalJson({ a: { c: null, d: [{ x: 2, y: 1 }] }, b: 1 }));
  });

  it('keeps list order significant', () => {
    expect(canonicalJson([1, 2])).not.toBe(canonicalJson([2, 1]));
  });

  it('names the request and the place where a contender differs', () => {
    const reference = { data: [canonicalJson({ id: 'a', balance: 1 }), canonicalJson({ id: 'b', balance: 2 })] };
    expect(() => assertSameData(reference, { data: [...reference.data] }, 'x')).not.toThrow();
    const differing = { data: [reference.data[0] as string, canonicalJson({ id: 'b', balance: 3 })] };
    expect(() => assertSameData(reference, differing, 'contender Q1')).toThrow(/contender Q1: request #1 answers different data/);
  });

  it('samples the same spread of requests every time', () => {
    const items = Array.from({ length: 100 }, (_, i) => i);
    expect(sampleOf(items, 4)).toEqual([0, 25, 50, 75]);
    expect(sampleOf([1, 2], 4)).toEqual([1, 2]);
  });
});
