import { growth, totalsOf } from './heap-diff';

/** A heap snapshot with only what totalsOf reads: nodes of [type, name, self_size]. */
function snapshot(nodes: Array<[type: number, name: number, size: number]>, strings: string[]) {
  return {
    snapshot: { meta: { node_fields: ['type', 'name', 'self_size'], node_types: [['hidden', 'object', 'string'] as string[]] as [string[]] } },
    nodes: nodes.flat(),
    strings,
  };
}

describe('heap-diff', () => {
  it('groups objects by constructor and strings by type, and ranks what grew', () => {
    const strings = ['Map', 'Sample', 'a nonce'];
    const before = totalsOf(snapshot([[1, 0, 100], [1, 1, 40], [2, 2, 32]], strings));
    const after = totalsOf(snapshot([[1, 0, 100], [1, 1, 40], [1, 1, 40], [1, 1, 40], [2, 2, 32], [2, 2, 32]], strings));
    expect(after.get('object Sample')).toEqual({ count: 3, bytes: 120 });
    expect(after.get('string')).toEqual({ count: 2, bytes: 64 });
    expect(growth(before, after)).toEqual([
      { key: 'object Sample', count: 2, bytes: 80 },
      { key: 'string', count: 1, bytes: 32 },
      { key: 'object Map', count: 0, bytes: 0 },
    ]);
  });
});
