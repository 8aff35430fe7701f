/**
 * `node bench/dist/soak/heap-diff.js before.heapsnapshot after.heapsnapshot`: what grew between
 * two V8 heap snapshots, by node type and constructor name (count and self size), largest
 * growth first. For finding what keeps memory climbing in a soak.
 */
import { readFileSync } from 'node:fs';

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
  strings: string[];
}

type Totals = Map<string, { count: number; bytes: number }>;

export function totalsOf(snapshot: Snapshot): Totals {
  const fields = snapshot.snapshot.meta.node_fields;
  const width = fields.length;
  const typeAt = fields.indexOf('type');
  const nameAt = fields.indexOf('name');
  const sizeAt = fields.indexOf('self_size');
  const types = snapshot.snapshot.meta.node_types[0];
  const totals: Totals = new Map();
  for (let index = 0; index < snapshot.nodes.length; index += width) {
    const type = types[snapshot.nodes[index + typeAt] as number] ?? '?';
    // Strings and code are grouped by type only: their "names" are their contents.
    const name = type === 'object' || type === 'closure' || type === 'native' ? (snapshot.strings[snapshot.nodes[index + nameAt] as number] ?? '?') : '';
    const key = name ? `${type} ${name}` : type;
    const entry = totals.get(key) ?? { count: 0, bytes: 0 };
    entry.count += 1;
    entry.bytes += snapshot.nodes[index + sizeAt] as number;
    totals.set(key, entry);
  }
  return totals;
}

export function growth(before: Totals, after: Totals): Array<{ key: string; count: number; bytes: number }> {
  const keys = new Set([...before.keys(), ...after.keys()]);
  return [...keys]
    .map((key) => ({ key, count: (after.get(key)?.count ?? 0) - (before.get(key)?.count ?? 0), bytes: (after.get(key)?.bytes ?? 0) - (before.get(key)?.bytes ?? 0) }))
    .sort((a, b) => b.bytes - a.bytes);
}

if (require.main === module) {
  const [beforeFile, afterFile] = process.argv.slice(2);
  if (!beforeFile || !afterFile) throw new Error('usage: heap-diff.js before.heapsnapshot after.heapsnapshot');
  const read = (file: string): Totals => totalsOf(JSON.parse(readFileSync(file, 'utf8')) as Snapshot);
  const rows = growth(read(beforeFile), read(afterFile));
  for (const row of rows.slice(0, 30)) process.stdout.write(`${(row.bytes / 1024).toFixed(0).padStart(9)} KiB ${String(row.count).padStart(8)}  ${row.key}\n`);
}
