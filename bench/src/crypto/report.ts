/** The crypto bench's output: the machine, the envelope table, the SM2 table, as Markdown. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { dirname } from 'node:path';
import type { Rate } from './measure';

export interface EnvelopeRow {
  protocol: string;
  primitives: { project: string; reference: string };
  payloadBytes: number;
  direction: 'request' | 'response';
  project: Rate;
  reference: Rate;
}

export interface Sm2Row {
  operation: 'sign' | 'verify';
  messageBytes: number;
  project: Rate;
  reference: Rate;
}

export interface Machine {
  nproc: number;
  cpuModel: string;
  node: string;
  loadAverageBefore: number[];
  loadAverageAfter?: number[];
}

export const machineNow = (): Machine => ({
  nproc: availableParallelism(),
  cpuModel: cpus()[0]?.model ?? 'unknown',
  node: process.version,
  loadAverageBefore: loadavg(),
});

const figure = (value: number): string => (value >= 100 ? value.toFixed(0) : value.toFixed(1));
const rate = (r: Rate): string => `${figure(r.perSecond)} (${figure(r.perCpuSecond)})`;
/** On CPU-time rates: a ratio of wall rates would also measure how busy the machine was in each cell. */
const speedUp = (project: Rate, reference: Rate): string => `${(project.perCpuSecond / reference.perCpuSecond).toFixed(1)}×`;
const size = (bytes: number): string => (bytes % 1024 === 0 ? `${bytes / 1024} KiB` : `${bytes} B`);
const loads = (values: readonly number[] | undefined): string => (values ?? []).map((v) => v.toFixed(2)).join(' / ');

export function formatEnvelopeTable(rows: readonly EnvelopeRow[]): string {
  const lines = [
    '| protocol | payload | seal + open of the | project ops/s (per CPU-s) | reference ops/s (per CPU-s) | speed-up | core share (project / reference) |',
    '|---|--:|---|--:|--:|--:|--:|',
  ];
  for (const row of rows) {
    lines.push(
      `| ${row.protocol} | ${size(row.payloadBytes)} | ${row.direction} | ${rate(row.project)} | ${rate(row.reference)} | ` +
        `${speedUp(row.project, row.reference)} | ${row.project.coreShare.toFixed(2)} / ${row.reference.coreShare.toFixed(2)} |`,
    );
  }
  return lines.join('\n');
}

export function formatPrimitivesTable(rows: readonly EnvelopeRow[]): string {
  const seen = new Map<string, EnvelopeRow['primitives']>();
  for (const row of rows) seen.set(row.protocol, row.primitives);
  const lines = ['| protocol | project primitives | reference primitives |', '|---|---|---|'];
  for (const [protocol, primitives] of seen) lines.push(`| ${protocol} | ${primitives.project} | ${primitives.reference} |`);
  return lines.join('\n');
}

export function formatSm2Table(rows: readonly Sm2Row[]): string {
  const lines = ['| SM2 | message | sm-crypto /s (per CPU-s) | project /s (per CPU-s) | speed-up | target |', '|---|--:|--:|--:|--:|--:|'];
  for (const row of rows) {
    const met = Math.min(row.project.perSecond, row.project.perCpuSecond) >= 500 ? 'met' : 'NOT met';
    lines.push(`| ${row.operation} | ${row.messageBytes} B | ${rate(row.reference)} | ${rate(row.project)} | ${speedUp(row.project, row.reference)} | ≥ 500/s: ${met} |`);
  }
  return lines.join('\n');
}

export function formatMachine(machine: Machine): string {
  return (
    `nproc ${machine.nproc} (${machine.cpuModel}), node ${machine.node}, ` +
    `load average (1/5/15 min) before ${loads(machine.loadAverageBefore)}, after ${loads(machine.loadAverageAfter)}`
  );
}

export function writeMarkdown(
  path: string,
  run: { command: string; startedAt: Date; seconds: number; machine: Machine; envelopes: readonly EnvelopeRow[]; sm2: readonly Sm2Row[]; budgetMs: number },
): void {
  const text = [
    '# Crypto bench',
    '',
    `Measured ${run.startedAt.toISOString()} with \`${run.command}\` (${run.seconds.toFixed(0)} s in all).`,
    '',
    `Machine: ${formatMachine(run.machine)}.`,
    '',
    'One node process, one thread: every figure is on one core. Each cell is warmed up, then timed for',
    `${run.budgetMs} ms of wall clock (longer when needed for a minimum of operations). Rates are per second of`,
    "wall clock and, in brackets, per second of the process's CPU time: the one-core rate even on a shared",
    'machine. "Core share" is CPU time over wall time (GC helper threads can lift it a little over 1.00); well',
    'under 1.00 means the machine was busy and the wall rate is understated. Speed-ups are on the CPU-time',
    'rates. The SM2 target is met when both its rates are ≥ 500.',
    '',
    'The reference envelopes (bench/src/crypto/reference/) are the same wire format built on sm-crypto /',
    "node-forge; before timing, each protocol's project and reference sides open each other's requests and",
    'answers.',
    '',
    '## Envelopes: seal + open per second',
    '',
    '"request" = the client seals a request and the server opens it (signature, decryption, replay',
    'guard, JSON); "response" = the server seals the answer and the client opens it.',
    '',
    formatEnvelopeTable(run.envelopes),
    '',
    formatPrimitivesTable(run.envelopes),
    '',
    '## SM2 signatures (SM3, user ID 1234567812345678, raw r||s)',
    '',
    'sm-crypto 0.5.8 with { hash: true, der: false, userId, publicKey } vs the project (adapters/src/crypto/sm2.ts:',
    "sm-crypto-v2 curve arithmetic, native SM3 digest, per-key precomputed tables). Verify reuses one public key, as a",
    'bureau verifying one app does.',
    '',
    formatSm2Table(run.sm2),
    '',
  ].join('\n');
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}
