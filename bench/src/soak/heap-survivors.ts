/**
 * `node bench/dist/soak/heap-survivors.js before.heapsnapshot after.heapsnapshot`: the objects
 * allocated after the first snapshot that are still alive in the second (both written by the same
 * process, whose heap-object ids only grow), grouped by type and constructor, each group with the
 * retainer path of one of its members. heap-diff says how much grew; this says what holds it.
 */
import { readFileSync } from 'node:fs';

export interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]]; edge_fields: string[]; edge_types: [string[], ...unknown[]] } };
  nodes: number[];
  edges: number[];
  strings: string[];
}

export interface SurvivorGroup {
  key: string;
  count: number;
  bytes: number;
  /** From the sample member outwards, one retainer per step: `edge name → holder`. */
  path: string[];
}

/**
 * The heap-object ids in a snapshot. V8 keeps an object's id across snapshots of one process, so
 * an id of a later snapshot that is not here belongs to an object allocated since. (Not "above
 * the largest id": some native and synthetic nodes carry ids far above the heap's.)
 */
export function idsOf(snapshot: Snapshot): Set<number> {
  const fields = snapshot.snapshot.meta.node_fields;
  const width = fields.length;
  const idAt = fields.indexOf('id');
  const ids = new Set<number>();
  for (let index = idAt; index < snapshot.nodes.length; index += width) ids.add(snapshot.nodes[index]!);
  return ids;
}

interface Graph {
  nodeCount: number;
  label(node: number): string;
  key(node: number): string;
  id(node: number): number;
  size(node: number): number;
  /** Strong retainers of a node: [holder node, edge label]. */
  retainers(node: number): Array<[number, string]>;
}

function graphOf(snapshot: Snapshot): Graph {
  const meta = snapshot.snapshot.meta;
  const width = meta.node_fields.length;
  const [typeAt, nameAt, idAt, sizeAt, edgeCountAt] = ['type', 'name', 'id', 'self_size', 'edge_count'].map((f) => meta.node_fields.indexOf(f)) as [number, number, number, number, number];
  const edgeWidth = meta.edge_fields.length;
  const [edgeTypeAt, edgeNameAt, toAt] = ['type', 'name_or_index', 'to_node'].map((f) => meta.edge_fields.indexOf(f)) as [number, number, number];
  const nodeTypes = meta.node_types[0];
  const edgeTypes = meta.edge_types[0];
  const nodeCount = snapshot.nodes.length / width;
  const { nodes, edges, strings } = snapshot;
  // Reverse edges, skipping weak ones (they do not keep anything alive).
  const retainerStart = new Uint32Array(nodeCount + 1);
  const forEachEdge = (visit: (from: number, edgeIndex: number, to: number) => void): void => {
    let edgeIndex = 0;
    for (let node = 0; node < nodeCount; node += 1) {
      const count = nodes[node * width + edgeCountAt]!;
      for (let i = 0; i < count; i += 1, edgeIndex += edgeWidth) {
        if (edgeTypes[edges[edgeIndex + edgeTypeAt]!] === 'weak') continue;
        visit(node, edgeIndex, edges[edgeIndex + toAt]! / width);
      }
    }
  };
  forEachEdge((_from, _edge, to) => (retainerStart[to + 1]! += 1));
  for (let node = 0; node < nodeCount; node += 1) retainerStart[node + 1]! += retainerStart[node]!;
  const filled = retainerStart.slice(0, nodeCount);
  const retainerNode = new Uint32Array(retainerStart[nodeCount]!);
  const retainerEdge = new Uint32Array(retainerStart[nodeCount]!);
  forEachEdge((from, edgeIndex, to) => {
    const at = filled[to]!;
    retainerNode[at] = from;
    retainerEdge[at] = edgeIndex;
    filled[to] = at + 1;
  });
  const type = (node: number): string => nodeTypes[nodes[node * width + typeAt]!] ?? '?';
  const name = (node: number): string => strings[nodes[node * width + nameAt]!] ?? '?';
  const edgeLabel = (edgeIndex: number): string => {
    const kind = edgeTypes[edges[edgeIndex + edgeTypeAt]!];
    const nameOrIndex = edges[edgeIndex + edgeNameAt]!;
    return kind === 'element' || kind === 'hidden' ? `[${nameOrIndex}]` : (strings[nameOrIndex] ?? '?');
  };
  return {
    nodeCount,
    id: (node) => nodes[node * width + idAt]!,
    size: (node) => nodes[node * width + sizeAt]!,
    key: (node) => {
      const t = type(node);
      // Strings and code group by type only: their names are their contents.
      return t === 'object' || t === 'closure' || t === 'native' || t === 'hidden' ? `${t} ${name(node).slice(0, 60)}` : t;
    },
    label: (node) => `${type(node)} ${name(node).slice(0, 60)}`,
    retainers: (node) => {
      const found: Array<[number, string]> = [];
      for (let at = retainerStart[node]!; at < retainerStart[node + 1]!; at += 1) found.push([retainerNode[at]!, edgeLabel(retainerEdge[at]!)]);
      return found;
    },
  };
}

/**
 * One retainer path from `node` towards the roots, preferring holders that already existed
 * (the long-lived structure doing the keeping) and never revisiting a node.
 */
function retainerPath(graph: Graph, node: number, before: ReadonlySet<number>, steps: number): string[] {
  const path: string[] = [];
  const seen = new Set<number>([node]);
  let current = node;
  for (let step = 0; step < steps; step += 1) {
    const candidates = graph.retainers(current).filter(([holder]) => !seen.has(holder));
    if (candidates.length === 0) break;
    const [holder, edge] = candidates.find(([h]) => before.has(graph.id(h))) ?? candidates[0]!;
    path.push(`${edge} → ${graph.label(holder)}`);
    seen.add(holder);
    current = holder;
  }
  return path;
}

export function survivors(after: Snapshot, before: ReadonlySet<number>, options: { groups?: number; steps?: number } = {}): SurvivorGroup[] {
  const graph = graphOf(after);
  const groups = new Map<string, { count: number; bytes: number; sample: number }>();
  for (let node = 0; node < graph.nodeCount; node += 1) {
    if (before.has(graph.id(node))) continue;
    // What it is and what holds it: 3,000 "array"s say little; "array ← elements of Map" says where.
    const [holder] = graph.retainers(node);
    const key = holder ? `${graph.key(node)} ← ${holder[1].replace(/^\[\d+\]$/, '[]')} of ${graph.key(holder[0])}` : graph.key(node);
    const group = groups.get(key) ?? { count: 0, bytes: 0, sample: node };
    group.count += 1;
    group.bytes += graph.size(node);
    groups.set(key, group);
  }
  return [...groups.entries()]
    .sort((a, b) => b[1].bytes - a[1].bytes)
    .slice(0, options.groups ?? 25)
    .map(([key, group]) => ({ key, count: group.count, bytes: group.bytes, path: retainerPath(graph, group.sample, before, options.steps ?? 8) }));
}

if (require.main === module) {
  const [beforeFile, afterFile] = process.argv.slice(2);
  if (!beforeFile || !afterFile) throw new Error('usage: heap-survivors.js before.heapsnapshot after.heapsnapshot');
  const read = (file: string): Snapshot => JSON.parse(readFileSync(file, 'utf8')) as Snapshot;
  const before = idsOf(read(beforeFile));
  for (const group of survivors(read(afterFile), before)) {
    process.stdout.write(`${(group.bytes / 1024).toFixed(0).padStart(8)} KiB ${String(group.count).padStart(8)}  ${group.key}\n`);
    for (const step of group.path) process.stdout.write(`${' '.repeat(20)}${step}\n`);
  }
}
