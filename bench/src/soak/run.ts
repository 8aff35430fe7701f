/**
 * `npm run bench:soak` (node --expose-gc bench/dist/soak/run.js [--minutes 10]
 * [--warm-up-minutes 11] [--rate 8]): the soak — its memory warm-up, then the minutes measured —
 * and bench/results/soak.md. Loopback only, bounded load; see soak.ts.
 */
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { gcExposed } from './memory';
import { soakMarkdown } from './report';
import { DEFAULT_SOAK, runSoak } from './soak';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { minutes: { type: 'string' }, 'warm-up-minutes': { type: 'string' }, rate: { type: 'string' }, note: { type: 'string' }, out: { type: 'string' } } });
  // The soak proper, measured after the memory warm-up.
  const minutes = Number(values.minutes ?? 10);
  const warmUpMinutes = Number(values['warm-up-minutes'] ?? DEFAULT_SOAK.memoryWarmUpMs / 60_000);
  const rate = Number(values.rate ?? DEFAULT_SOAK.ratePerSecond);
  if (!(minutes > 0 && minutes <= 60) || !(warmUpMinutes >= 0 && warmUpMinutes <= 60) || !(rate > 0 && rate <= 500)) {
    throw new Error('--minutes must be in (0, 60], --warm-up-minutes in [0, 60] and --rate in (0, 500]');
  }
  const loadBefore = loadavg();
  const memoryWarmUpMs = warmUpMinutes * 60_000;
  const durationMs = memoryWarmUpMs + minutes * 60_000;
  const result = await runSoak({
    durationMs, memoryWarmUpMs, startUpMs: Math.min(DEFAULT_SOAK.startUpMs, durationMs / 6), ratePerSecond: rate,
    ...(process.env.MQTT_URL ? { mqttUrl: process.env.MQTT_URL } : {}),
  });
  const command = `node --expose-gc bench/dist/soak/run.js --minutes ${minutes} --warm-up-minutes ${warmUpMinutes} --rate ${rate}`;
  const out = values.out ?? join(__dirname, '..', '..', 'results', 'soak.md');
  writeFileSync(out, soakMarkdown(result, { command, loadBefore, gcExposed: gcExposed(), ...(values.note ? { note: values.note } : {}) }));
  process.stdout.write(`${JSON.stringify({ msg: 'soak done', out, requests: result.samples.length })}\n`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`soak failed: ${String((error as Error).stack ?? error)}\n`);
    process.exit(1);
  },
);
