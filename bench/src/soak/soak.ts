/**
 * The soak: the whole stack in this process (sandbox bureaus over their real protocols, the four
 * subgraphs, the gateway with every feature on, as `npm start` runs it) under steady open-loop
 * load on loopback for minutes, while one bureau flaps — down for a while, then back — through
 * its fault injection. Records the latency of every request by phase and memory every few
 * seconds, so a leak (memory climbing after warm-up) or a flap that lingers (latency or errors
 * after the bureau is back) shows.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadGatewayConfig, signPartnerRequest } from '@huimin/gateway';
import { generatePopulation } from '@huimin/sandbox';
import { startStack, type RunningStack } from '@huimin/stack';
import { writeHeapSnapshot } from 'node:v8';
import { sampleMemory, type MemorySample } from './memory';
import { SampleLog } from './sample-log';
import { startOpenLoopLoad, type Answer, type Sample } from './soak-load';

export type FlappingBureau = keyof RunningStack['bureaus'];

export interface SoakOptions {
  durationMs: number;
  /** Before the first flap: connections, JIT and caches settle. */
  startUpMs: number;
  /**
   * Excluded from the memory trend. At least twice the protocols' 300 s replay window: every
   * nonce seen is kept that long on both sides of each bureau call (and by the gateway for its
   * partners), so memory only levels off once that much time has passed under load.
   */
  memoryWarmUpMs: number;
  ratePerSecond: number;
  maxInFlight: number;
  flapping: FlappingBureau;
  /** The flap's period and the part of it the bureau is down. */
  flapPeriodMs: number;
  flapDownMs: number;
  /** After the bureau is back, this long counts as "recovering". */
  recoveringMs: number;
  memoryEveryMs: number;
  populationSize: number;
  /** A broker to use (MQTT_URL); without it the stack's embedded one. */
  mqttUrl?: string;
}

export const DEFAULT_SOAK: SoakOptions = {
  durationMs: 21 * 60_000,
  startUpMs: 60_000,
  memoryWarmUpMs: 11 * 60_000,
  // The whole stack runs in one process, and the bureaus' protocol crypto (SM2, RSA) dominates it.
  // On 2026-11-22's machine it saturated below 20 a second (results/soak-20rps-2026-11-22.md).
  // A soak runs well below saturation.
  ratePerSecond: 8,
  maxInFlight: 64,
  flapping: 'medicalInsurance',
  flapPeriodMs: 60_000,
  flapDownMs: 20_000,
  recoveringMs: 10_000,
  memoryEveryMs: 10_000,
  populationSize: 2000,
};

export interface SoakResult {
  options: SoakOptions;
  samples: Sample[];
  memory: MemorySample[];
  skipped: number;
  /** Answers not recorded because the log was full (sized for the run, so 0). */
  unrecorded: number;
  /** The counter class's deadline, which no answer should pass. */
  deadlineMs: number;
}

const QUERY = `query Soak($idNumber: String!) {
  citizen(idNumber: $idNumber) { id identity { name birthDate } eligibility(programs: [ELDERLY_TRANSIT, MEDICAL_ASSISTANCE]) { program eligible reasons } }
  medical: citizen(idNumber: $idNumber) { medicalInsurance { status } balances { medicalAccount { amountFen stale } } }
  transit: citizen(idNumber: $idNumber) { transitCards { cardNo balanceFen } balances { transitTotalFen } }
  finance: citizen(idNumber: $idNumber) { subsidies(first: 5) { totalCount } balances { pendingSubsidiesFen } }
}`;

/** A copy in random order (Fisher–Yates). */
function shuffled<T>(items: readonly T[]): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i -= 1) {
    const j = Math.floor(Math.random() * (i + 1));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
}

/** Where a request starting at `at` falls in the flap cycle (the start-up has no flaps). */
export function phaseAt(at: number, options: SoakOptions): string {
  if (at < options.startUpMs) return 'start-up';
  const inCycle = (at - options.startUpMs) % options.flapPeriodMs;
  if (inCycle < options.flapDownMs) return 'bureau down';
  if (inCycle < options.flapDownMs + options.recoveringMs) return 'recovering';
  return 'steady';
}

export async function runSoak(overrides: Partial<SoakOptions> = {}): Promise<SoakResult> {
  const options: SoakOptions = { ...DEFAULT_SOAK, ...overrides };
  const population = generatePopulation({ size: options.populationSize, seed: 1 });
  const gateway = loadGatewayConfig({ PORT: '0', HUIMIN_AUDIT_FILE: join(mkdtempSync(join(tmpdir(), 'huimin-soak-')), 'audit.jsonl') });
  const stack = await startStack({
    population,
    gateway,
    ...(options.mqttUrl ? { mqttUrl: options.mqttUrl, mqttTopicPrefix: `huimin-soak-${randomBytes(6).toString('hex')}/transit` } : {}),
  });
  // Every citizen in turn, in a shuffled order: the last-known balances and the other caches
  // hold the whole population after the first pass, inside the warm-up, rather than filling on
  // into the measured minutes as random draws would.
  const idNumbers = shuffled(population.civilAffairs.map((p) => p.idNumber));
  let next = 0;
  const path = new URL(stack.gatewayUrl).pathname;
  // counter-full, a hospital counter: the class whose deadline matters most.
  const send = async (): Promise<Answer> => {
    const idNumber = idNumbers[next++ % idNumbers.length];
    const body = JSON.stringify({ query: QUERY, variables: { idNumber } });
    const headers = signPartnerRequest({ partner: 'counter-full', secret: 'counter-full-dev-secret', purpose: 'BENEFIT_SERVICE', method: 'POST', path, body });
    const response = await fetch(stack.gatewayUrl, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body, signal: AbortSignal.timeout(30_000) });
    const text = await response.text();
    const parsed = JSON.parse(text) as { errors?: Array<{ extensions?: { code?: string } }> };
    return { status: response.status, codes: (parsed.errors ?? []).map((e) => e.extensions?.code ?? '?'), stale: text.split('"stale":true').length - 1 };
  };

  // Sized for the whole run (and a margin for the catch-up after a stall), before anything is measured.
  const samples = new SampleLog(Math.ceil((options.durationMs / 1000) * options.ratePerSecond * 1.1) + 100);
  const memory: MemorySample[] = [];
  const started = performance.now();
  const elapsed = (): number => performance.now() - started;
  let down = false;
  const flap = setInterval(() => {
    const shouldBeDown = phaseAt(elapsed(), options) === 'bureau down';
    if (shouldBeDown === down) return;
    down = shouldBeDown;
    if (down) stack.bureaus[options.flapping].faults.set({ down: true });
    else stack.bureaus[options.flapping].faults.clear();
  }, 100);
  const sampler = setInterval(() => memory.push(sampleMemory(elapsed())), options.memoryEveryMs);
  // Heap snapshots at the given minutes (SOAK_HEAP_SNAPSHOT_MINUTES=11,21), for
  // bench/dist/soak/heap-diff.js to compare what grew between them.
  const snapshots = (process.env.SOAK_HEAP_SNAPSHOT_MINUTES ?? '')
    .split(',')
    .filter((minute) => minute.trim() !== '')
    .map((minute) => setTimeout(() => process.stdout.write(`${JSON.stringify({ msg: 'heap snapshot', file: writeHeapSnapshot() })}\n`), Number(minute) * 60_000));
  const load = startOpenLoopLoad({
    ratePerSecond: options.ratePerSecond,
    maxInFlight: options.maxInFlight,
    send,
    phase: () => phaseAt(elapsed(), options),
    onSample: (sample) => samples.add(sample),
  });
  try {
    await new Promise((resolve) => setTimeout(resolve, options.durationMs));
  } finally {
    await load.stop();
    clearInterval(flap);
    clearInterval(sampler);
    for (const timer of snapshots) clearTimeout(timer);
    memory.push(sampleMemory(elapsed()));
    await stack.close();
  }
  return { options, samples: samples.toSamples(), memory, skipped: load.skipped(), unrecorded: samples.droppedCount(), deadlineMs: gateway.deadlines.counter };
}
