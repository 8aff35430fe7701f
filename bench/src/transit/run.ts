/**
 * Card lookups per second through the gateway, as the transit interconnection makes them: one
 * card per request (transitCard) and 500 per request (transitCards), with and without the
 * owner's concessions. The whole stack runs in this process (startStack: sandbox bureaus over
 * HTTPS, subgraphs, the gateway with authentication, scopes, audit); every request is signed by a
 * bench partner with no rate limit. Writes bench/results/transit.md.
 *
 *   node bench/dist/transit/run.js [--duration 4] [--rounds 3] [--warmup 2] [--single-connections 16] [--batch-connections 4]
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadGatewayConfig } from '@huimin/gateway';
import { generatePopulation, loadPopulationFile } from '@huimin/sandbox';
import { startStack } from '@huimin/stack';
import { runSignedLoad, type SignedLoadResult, type Signer } from './signed-load';

const RESULTS_FILE = join(__dirname, '..', '..', 'results', 'transit.md');
const BATCH = 500;
const CARD_FIELDS = 'cardNo status statusAsOf balanceFen balanceAsOf';
const signer: Signer = { partner: 'bench-transit', secret: randomBytes(16).toString('hex'), purpose: 'BENEFIT_SERVICE' };

interface Mode {
  label: string;
  cardsPerRequest: number;
  connections: number;
  bodies: string[];
}

function flag(name: string, fallback: number, max: number): number {
  const at = process.argv.indexOf(`--${name}`);
  const value = Number(at >= 0 ? process.argv[at + 1] : fallback);
  if (!Number.isInteger(value) || value < 1 || value > max) throw new Error(`--${name} must be an integer from 1 to ${max}`);
  return value;
}

/** A partners file with one HMAC partner: transit:read and eligibility:read, limits far above what the bench can send. */
function benchPartnersFile(): string {
  const file = join(mkdtempSync(join(tmpdir(), 'huimin-bench-transit-')), 'partners.json');
  writeFileSync(file, JSON.stringify({
    formatVersion: 1,
    development: true,
    partners: [{
      id: signer.partner, auth: { hmacSecret: { value: signer.secret } }, scopes: ['transit:read', 'eligibility:read'],
      purposes: [signer.purpose], priorityClass: 'counter', rateLimit: { perSecond: 1_000_000, burst: 1_000_000 }, costBudget: 1_000_000_000,
    }],
  }));
  return file;
}

function modes(cardNos: readonly string[], single: number, batch: number): Mode[] {
  const one = (fields: string) => cardNos.slice(0, 2000).map((c) => JSON.stringify({ query: `query($c:String!){transitCard(cardNo:$c){${fields}}}`, variables: { c: c } }));
  const many = (fields: string) => Array.from({ length: 8 }, (_, i) => {
    const start = (i * 97) % Math.max(1, cardNos.length - BATCH);
    return JSON.stringify({ query: `query($n:[String!]!){transitCards(cardNos:$n){${fields}}}`, variables: { n: cardNos.slice(start, start + BATCH) } });
  });
  return [
    { label: 'transitCard (1 card)', cardsPerRequest: 1, connections: single, bodies: one(CARD_FIELDS) },
    { label: 'transitCard + concessions', cardsPerRequest: 1, connections: single, bodies: one(`${CARD_FIELDS} concessions`) },
    { label: 'transitCards (500 cards)', cardsPerRequest: BATCH, connections: batch, bodies: many(CARD_FIELDS) },
    { label: 'transitCards + concessions', cardsPerRequest: BATCH, connections: batch, bodies: many(`${CARD_FIELDS} concessions`) },
  ];
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)] ?? Number.NaN;

async function main(): Promise<void> {
  const durationS = flag('duration', 4, 60);
  const rounds = flag('rounds', 3, 10);
  const warmupS = flag('warmup', 2, 30);
  const started = Date.now();
  const loadBefore = loadavg();
  const population = process.env.POPULATION_FILE ? loadPopulationFile(process.env.POPULATION_FILE) : generatePopulation({ size: 2000, seed: 1 });
  const cardNos = population.transit.cards.map((c) => c.cardNo);
  if (cardNos.length < BATCH) throw new Error(`the population has ${cardNos.length} cards; the batch needs ${BATCH}`);
  const stack = await startStack({
    population,
    gateway: loadGatewayConfig({ PORT: '0', HUIMIN_PARTNERS_FILE: benchPartnersFile(), HUIMIN_AUDIT_FILE: join(mkdtempSync(join(tmpdir(), 'huimin-bench-audit-')), 'audit.jsonl') }),
    ...(process.env.MQTT_URL ? { mqttUrl: process.env.MQTT_URL, mqttTopicPrefix: `huimin-bench-${randomBytes(4).toString('hex')}/transit` } : {}),
  });
  const rows: Array<{ mode: Mode; runs: SignedLoadResult[] }> = [];
  try {
    for (const mode of modes(cardNos, flag('single-connections', 16, 256), flag('batch-connections', 4, 64))) {
      const check = await runSignedLoad(stack.gatewayUrl, mode.bodies.slice(0, 1), signer, { durationS: 1, connections: 1 });
      if (check.graphqlErrors > 0 || check.non2xx > 0) throw new Error(`${mode.label}: the gateway answers with errors`);
      await runSignedLoad(stack.gatewayUrl, mode.bodies, signer, { durationS: warmupS, connections: mode.connections });
      const runs: SignedLoadResult[] = [];
      for (let round = 0; round < rounds; round += 1) runs.push(await runSignedLoad(stack.gatewayUrl, mode.bodies, signer, { durationS, connections: mode.connections }));
      rows.push({ mode, runs });
      const rate = median(runs.map((r) => r.requestsPerSecond));
      process.stdout.write(`${mode.label}: ${rate.toFixed(0)} req/s, ${(rate * mode.cardsPerRequest).toFixed(0)} cards/s\n`);
    }
  } finally {
    await stack.close();
  }
  const table = rows.map(({ mode, runs }) => {
    const rates = runs.map((r) => r.requestsPerSecond);
    const rate = median(rates);
    const errors = runs.reduce((sum, r) => sum + r.non2xx + r.socketErrors + r.graphqlErrors, 0);
    return `| ${mode.label} | ${mode.cardsPerRequest} | ${mode.connections} | ${rate.toFixed(0)} (${Math.min(...rates).toFixed(0)}–${Math.max(...rates).toFixed(0)}) | **${(rate * mode.cardsPerRequest).toFixed(0)}** | ${median(runs.map((r) => r.p50Ms))} | ${median(runs.map((r) => r.p99Ms))} | ${errors} |`;
  });
  const fmt = (l: number[]): string => l.map((v) => v.toFixed(2)).join(' / ');
  const cardsPerSecond = (row: (typeof rows)[number] | undefined): number => (row ? median(row.runs.map((r) => r.requestsPerSecond)) * row.mode.cardsPerRequest : Number.NaN);
  const gain = (batch: number, single: number): string => `${(cardsPerSecond(rows[batch]) / cardsPerSecond(rows[single])).toFixed(0)}×`;
  writeFileSync(RESULTS_FILE, [
    '# Transit card lookups through the gateway',
    '',
    `Measured ${new Date(started).toISOString()} with \`node bench/dist/transit/run.js --duration ${durationS} --rounds ${rounds} --warmup ${warmupS}\` (${Math.round((Date.now() - started) / 1000)} s in all).`,
    '',
    `Machine: nproc ${availableParallelism()} (${cpus()[0]?.model ?? 'unknown'}), node ${process.version}, load average (1/5/15 min) before ${fmt(loadBefore)}, after ${fmt(loadavg())}.`,
    '',
    'Everything in one process on one machine, as `npm start` runs it: the sandbox card system over HTTPS with its',
    'AES-256-GCM + HMAC-SHA256 envelope, the transit subgraph (card-status feed on an embedded MQTT broker, one',
    'card-system call per 200 cards through its loader), civil affairs for `concessions` (the owner\'s eligibility),',
    'and the gateway with HMAC-SM3 partner authentication, scopes and the audit trail (file). autocannon runs in the',
    `same process and signs every request afresh. Population: ${cardNos.length} cards (${process.env.POPULATION_FILE ? 'POPULATION_FILE' : 'generated, size 2000, seed 1'}).`,
    `Each row: a 1-connection check that the answers carry no errors, ${warmupS} s warm-up, then ${rounds} rounds of ${durationS} s;`,
    'requests/s is the median round (min–max), cards/s = requests/s × cards per request, latencies the median round\'s.',
    '',
    '| query | cards / request | connections | requests/s | cards/s | p50 ms | p99 ms | errors |',
    '|---|--:|--:|--:|--:|--:|--:|--:|',
    ...table,
    '',
    `The 500-card batch serves ${gain(2, 0)} the cards per second of single lookups (${gain(3, 1)} with concessions): one`,
    'request, one plan, three card-system calls of ≤200 cards instead of 500 requests. The machine is shared (load',
    'average above), so absolute rates are understated; the ratios are the stable part.',
    '',
  ].join('\n'));
  process.stdout.write(`wrote ${RESULTS_FILE}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`transit bench failed: ${String((error as Error).stack)}\n`);
  process.exit(1);
});
