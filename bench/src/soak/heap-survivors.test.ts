import { idsOf, survivors, type Snapshot } from './heap-survivors';

/**
 * A small heap: a root holds a long-lived cache (id 3) created before the first snapshot; after
 * it, the cache took two Entry objects (ids 11, 13) and an unreachable-but-weakly-held one (15).
 */
function heap(): Snapshot {
  const strings = ['(root)', 'Cache', 'Entry', 'entries', 'weakRef'];
  // [type, name, id, self_size, edge_count]
  const nodes = [
    [0, 0, 1, 0, 1], // (root)
    [1, 1, 3, 64, 3], // Cache
    [1, 2, 11, 40, 0], // Entry
    [1, 2, 13, 40, 0], // Entry
    [1, 2, 15, 40, 0], // Entry (weak only)
  ];
  // [type, name_or_index, to_node (index × node width)]
  const edges = [
    [1, 3, 5], // (root) -entries→ Cache
    [0, 0, 10], // Cache [0] → Entry 11
    [0, 1, 15], // Cache [1] → Entry 13
    [2, 4, 20], // Cache -weakRef→ Entry 15 (weak)
  ];
  return {
    snapshot: {
      meta: {
        node_fields: ['type', 'name', 'id', 'self_size', 'edge_count'],
        node_types: [['synthetic', 'object']],
        edge_fields: ['type', 'name_or_index', 'to_node'],
        edge_types: [['element', 'property', 'weak']],
      },
    },
    nodes: nodes.flat(),
    edges: edges.flat(),
    strings,
  };
}

describe('heap-survivors', () => {
  it('finds what was allocated since the first snapshot and names its strong holder', () => {
    const snapshot = heap();
    expect(idsOf(snapshot)).toEqual(new Set([1, 3, 11, 13, 15]));
    const [entries] = survivors(snapshot, new Set([1, 3]));
    expect(entries).toEqual({ key: 'object Entry ← [] of object Cache', count: 2, bytes: 80, path: ['[0] → object Cache', 'entries → synthetic (root)'] });
    expect(survivors(snapshot, idsOf(snapshot))).toEqual([]);
  });
});
