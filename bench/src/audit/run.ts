/**
 * What one audit record costs the gateway's embedded store (the O_DSYNC JSON-lines file) at a
 * steady arrival rate, by commit delay (HUIMIN_AUDIT_COMMIT_DELAY_MS): process CPU per record
 * (every thread: the synced write runs in libuv's pool and most of its cost is kernel time),
 * records per write, and how long a record waited from submission to being on disk.
 *
 * Records arrive on a 1 ms timer at the given rate, as Q1-sized entries. The same timer loop
 * with no store (each record answered at once) is measured in the same round and subtracted, so
 * what is left is the store's. Delays run interleaved, round after round; each is compared with
 * delay 0 (one write per record that arrives to an idle store) in the same round.
 *
 *   node bench/dist/audit/run.js [--rates 400,1200] [--delays 0,2,5,10] [--seconds 2] [--rounds 3]
 */
import { mkdtempSync, openSync, rmSync, writeSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openFileAuditStore, type AuditEntry, type AuditStore } from '@huimin/gateway';
import { median, percentile } from '../stats';

function listFlag(argv: readonly string[], name: string, fallback: number[]): number[] {
  const at = argv.indexOf(`--${name}`);
  if (at < 0) return fallback;
  const values = String(argv[at + 1]).split(',').map(Number);
  if (values.some((v) => !Number.isFinite(v) || v < 0)) throw new Error(`--${name} takes non-negative numbers, comma separated`);
  return values;
}

/** Shaped like a Q1 record: one citizen, about sixty coordinates. */
const FIELDS = Array.from({ length: 60 }, (_, i) => `Type${i % 9}.field${i}`).sort();

function entry(i: number): AuditEntry {
  return {
    requestId: `bench-${i.toString(16).padStart(24, '0')}`,
    partnerId: 'bench-partner',
    purpose: 'BENEFIT_SERVICE',
    operationName: 'FullProfile',
    operationHash: 'a'.repeat(64),
    citizenIds: [`C${String(i % 2000).padStart(40, '0')}`],
    fields: FIELDS,
    outcome: 'SERVED',
    errorCodes: [],
    latencyMs: 12,
    at: new Date().toISOString(),
  };
}

interface Sample {
  cpuUsPerRecord: number;
  recordsPerWrite: number;
  waitP50Ms: number;
  waitP99Ms: number;
}

/** Submits `rate × seconds` records on a 1 ms timer; `append` null answers each at once (the harness alone). */
async function drive(rate: number, seconds: number, append: ((entry: AuditEntry) => Promise<unknown>) | null): Promise<{ cpuUs: number; waits: number[] }> {
  const total = Math.round(rate * seconds);
  const waits: number[] = [];
  const pending: Array<Promise<unknown>> = [];
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  let sent = 0;
  await new Promise<void>((done) => {
    const timer = setInterval(() => {
      const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * rate));
      for (; sent < due; sent += 1) {
        const at = performance.now();
        const record = entry(sent);
        pending.push((append ? append(record) : Promise.resolve()).then(() => waits.push(performance.now() - at)));
      }
      if (sent >= total) {
        clearInterval(timer);
        done();
      }
    }, 1);
  });
  await Promise.all(pending);
  const cpu = process.cpuUsage(cpuBefore);
  return { cpuUs: cpu.user + cpu.system, waits: waits.sort((a, b) => a - b) };
}

async function measure(rate: number, delayMs: number, seconds: number, harnessUs: number): Promise<Sample> {
  const dir = mkdtempSync(join(tmpdir(), 'huimin-bench-audit-'));
  const file = join(dir, 'audit.jsonl');
  let writes = 0;
  let headFd: number | null = null;
  // Counts the batches by their head write, which it still makes as the store would.
  const writeHead = async (bytes: Buffer): Promise<void> => {
    writes += 1;
    headFd ??= openSync(`${file}.head`, 'r+');
    writeSync(headFd, bytes, 0, bytes.length, 0);
  };
  const store: AuditStore = await openFileAuditStore(file, { commitDelayMs: delayMs, writeHead });
  try {
    const { cpuUs, waits } = await drive(rate, seconds, (record) => store.append(record));
    return {
      cpuUsPerRecord: (cpuUs - harnessUs) / waits.length,
      recordsPerWrite: waits.length / Math.max(1, writes),
      waitP50Ms: percentile(waits, 50),
      waitP99Ms: percentile(waits, 99),
    };
  } finally {
    await store.close();
    if (headFd !== null) closeSync(headFd);
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const rates = listFlag(argv, 'rates', [400, 1200]);
  const delays = listFlag(argv, 'delays', [0, 2, 5, 10]);
  const [seconds] = listFlag(argv, 'seconds', [2]);
  const [rounds] = listFlag(argv, 'rounds', [3]);
  if (!(seconds! > 0) || !Number.isInteger(rounds) || rounds! < 1) throw new Error('--seconds must be above 0 and --rounds a whole number from 1');
  if (!delays.includes(0)) delays.unshift(0);
  console.log(`audit store bench: rates ${rates.join(', ')} records/s, delays ${delays.join(', ')} ms, ${rounds} rounds × ${seconds} s, node ${process.version}`);
  for (const rate of rates) {
    const byDelay = new Map<number, Sample[]>(delays.map((delay) => [delay, []]));
    const ratios = new Map<number, number[]>(delays.map((delay) => [delay, []]));
    for (let round = 1; round <= rounds!; round += 1) {
      const harness = await drive(rate, seconds!, null);
      const samples = new Map<number, Sample>();
      for (const delay of delays) samples.set(delay, await measure(rate, delay, seconds!, harness.cpuUs));
      const base = samples.get(0)!.cpuUsPerRecord;
      for (const [delay, sample] of samples) {
        byDelay.get(delay)!.push(sample);
        ratios.get(delay)!.push(sample.cpuUsPerRecord / base);
      }
    }
    console.log(`\n${rate} records/s (medians over rounds; CPU ratio: round by round against delay 0)`);
    console.log('| delay ms | CPU µs/record | CPU vs delay 0 | records/write | wait p50 ms | wait p99 ms |');
    console.log('|--:|--:|--:|--:|--:|--:|');
    for (const delay of delays) {
      const samples = byDelay.get(delay)!;
      const m = (pick: (s: Sample) => number) => median(samples.map(pick));
      console.log(
        `| ${delay} | ${m((s) => s.cpuUsPerRecord).toFixed(0)} | ${median(ratios.get(delay)!).toFixed(2)}× | ${m((s) => s.recordsPerWrite).toFixed(1)} | ` +
          `${m((s) => s.waitP50Ms).toFixed(1)} | ${m((s) => s.waitP99Ms).toFixed(1)} |`,
      );
    }
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
