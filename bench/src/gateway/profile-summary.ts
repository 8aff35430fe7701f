/**
 * Where a contender spent its CPU: the top frames by self time and the share per package, from
 * a V8 .cpuprofile written with `run.js --cpu-prof d` (bench/profiles/).
 *
 *   node bench/dist/gateway/profile-summary.js bench/profiles/gateway-d-*.cpuprofile [--top 30]
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** node_modules/@scope/name or node_modules/name, else our own package, else node internals. */
function packageOf(url: string): string {
  const inModules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url.slice(url.lastIndexOf('node_modules/') - 0));
  if (url.includes('node_modules/') && inModules?.[1]) return inModules[1];
  const own = /\/work\/main\/([^/]+(?:\/[^/]+)?)\/dist\//.exec(url);
  if (own?.[1]) return `(ours) ${own[1]}`;
  if (url.startsWith('node:')) return '(node internals)';
  return url === '' ? '(native / GC / idle)' : url;
}

function summarise(profile: CpuProfile, top: number): string {
  const byNode = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));

  const byFrame = new Map<string, number>();
  const byPackage = new Map<string, number>();
  let total = 0;
  for (const [id, us] of selfUs) {
    const frame = byNode.get(id)?.callFrame;
    if (!frame || frame.functionName === '(idle)' || frame.functionName === '(program)') continue;
    total += us;
    const file = frame.url.replace(/^.*node_modules\//, '').replace(/^file:\/\/\/work\/main\//, '');
    const key = `${frame.functionName || '(anonymous)'}  ${file}:${frame.lineNumber + 1}`;
    byFrame.set(key, (byFrame.get(key) ?? 0) + us);
    const pkg = frame.functionName === '(garbage collector)' ? '(garbage collector)' : packageOf(frame.url);
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + us);
  }
  const rows = (map: Map<string, number>, count: number): string =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, count)
      .map(([key, us]) => `${((100 * us) / total).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(7)} ms  ${key}`)
      .join('\n');
  return `busy ${(total / 1000).toFixed(0)} ms (idle excluded)\n\nby package:\n${rows(byPackage, 25)}\n\ntop frames by self time:\n${rows(byFrame, top)}`;
}

const [file, ...rest] = process.argv.slice(2);
if (!file) {
  console.error('usage: node profile-summary.js <file.cpuprofile> [--top N]');
  process.exit(2);
}
const topAt = rest.indexOf('--top');
console.log(summarise(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile, topAt >= 0 ? Number(rest[topAt + 1]) : 30));
