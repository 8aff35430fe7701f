/**
 * The crypto bench: seal+open per second of each bureau protocol at 1 KiB and 64 KiB, the project
 * against the same envelope on sm-crypto / node-forge primitives, and SM2 sign/verify per second.
 * Prints the tables and writes bench/results/crypto.md. About a minute on the default budget.
 *
 *   npm run bench:crypto            (= node bench/dist/crypto/run.js [--budget-ms 900] [--out path])
 */
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { generateSm2KeyPair, sm2Sign, sm2Verify } from '@huimin/adapters';
import { benchKeys, payloadOfSize, type EnvelopeSides, type ProtocolUnderTest } from './envelopes';
import { opsPerSecond, type MeasureOptions, type Rate } from './measure';
import { assertInteroperable, forEachProtocol } from './protocols';
import { referenceSm2Sign, referenceSm2Verify } from './reference/primitives';
import { formatEnvelopeTable, formatMachine, formatPrimitivesTable, formatSm2Table, machineNow, writeMarkdown, type EnvelopeRow, type Sm2Row } from './report';

const PAYLOAD_BYTES = [1024, 64 * 1024] as const;
const SM2_MESSAGE_BYTES = 200;

function flag(name: string): string | undefined {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? process.argv[at + 1] : undefined;
}

/** One answerable request per implementation, so answers can be sealed against its context. */
async function openedContext<C>(sides: EnvelopeSides<C>): Promise<{ context: C; nonce: string }> {
  const sealed = sides.sealRequest(payloadOfSize(64));
  const { context } = await sides.openRequest(sealed);
  return { context, nonce: sealed.nonce };
}

async function protocolRows<C>(protocol: ProtocolUnderTest<C>, options: MeasureOptions): Promise<EnvelopeRow[]> {
  await assertInteroperable(protocol);
  const answerable = { project: await openedContext(protocol.project), reference: await openedContext(protocol.reference) };
  const rows: EnvelopeRow[] = [];
  for (const payloadBytes of PAYLOAD_BYTES) {
    const payload = payloadOfSize(payloadBytes);
    for (const direction of ['request', 'response'] as const) {
      const timed = (which: 'project' | 'reference'): Promise<Rate> => {
        const sides = protocol[which];
        const { context, nonce } = answerable[which];
        const op =
          direction === 'request'
            ? () => sides.openRequest(sides.sealRequest(payload))
            : () => sides.openResponse(sides.sealResponse(context, payload), nonce);
        return opsPerSecond(op, options);
      };
      const row: EnvelopeRow = { protocol: protocol.name, primitives: protocol.primitives, payloadBytes, direction, project: await timed('project'), reference: await timed('reference') };
      process.stderr.write(`  ${row.protocol} ${payloadBytes} B ${direction}: project ${row.project.perSecond.toFixed(0)}/s, reference ${row.reference.perSecond.toFixed(1)}/s\n`);
      rows.push(row);
    }
  }
  return rows;
}

async function envelopeRows(options: MeasureOptions): Promise<EnvelopeRow[]> {
  const perProtocol = await forEachProtocol(benchKeys(), (protocol) => protocolRows(protocol, options));
  return perProtocol.flat();
}

async function sm2Rows(options: MeasureOptions): Promise<Sm2Row[]> {
  const pair = generateSm2KeyPair();
  const message = 'x'.repeat(SM2_MESSAGE_BYTES);
  const signature = sm2Sign(pair.privateKey, message, pair.publicKey);
  if (!referenceSm2Verify(pair.publicKey, message, signature)) throw new Error('sm-crypto does not verify the project signature');
  const sign: Sm2Row = {
    operation: 'sign',
    messageBytes: SM2_MESSAGE_BYTES,
    project: await opsPerSecond(() => sm2Sign(pair.privateKey, message, pair.publicKey), options),
    reference: await opsPerSecond(() => referenceSm2Sign(pair.privateKey, pair.publicKey, message), options),
  };
  const verify: Sm2Row = {
    operation: 'verify',
    messageBytes: SM2_MESSAGE_BYTES,
    project: await opsPerSecond(() => sm2Verify(pair.publicKey, message, signature), options),
    reference: await opsPerSecond(() => referenceSm2Verify(pair.publicKey, message, signature), options),
  };
  return [sign, verify];
}

async function main(): Promise<void> {
  const budgetMs = Number(flag('budget-ms') ?? 900);
  if (!Number.isInteger(budgetMs) || budgetMs < 50 || budgetMs > 10_000) throw new Error('--budget-ms must be an integer from 50 to 10000');
  const out = flag('out') ?? join(__dirname, '..', '..', 'results', 'crypto.md');
  const options: MeasureOptions = { budgetMs, warmupMs: Math.min(200, budgetMs / 4), minOps: 5 };
  const startedAt = new Date();
  const machine = machineNow();
  process.stderr.write(`crypto bench: ${formatMachine(machine)}\n`);

  const sm2 = await sm2Rows(options);
  const envelopes = await envelopeRows(options);
  machine.loadAverageAfter = loadavg();
  const seconds = (Date.now() - startedAt.getTime()) / 1000;

  process.stdout.write(`\n${formatEnvelopeTable(envelopes)}\n\n${formatPrimitivesTable(envelopes)}\n\n${formatSm2Table(sm2)}\n\n${formatMachine(machine)}\n`);
  const args = process.argv.slice(2).join(' ');
  writeMarkdown(out, { command: `npm run bench:crypto${args ? ` -- ${args}` : ''}`, startedAt, seconds, machine, envelopes, sm2, budgetMs });
  process.stdout.write(`written to ${out}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`crypto bench failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
