/**
 * The stack as the fault suite runs it: a small generated population, short bureau timeouts and
 * a short breaker period (so a scenario takes seconds), a counter-class deadline, the local
 * Mosquitto under a topic prefix of its own, and a fault control over the bureaus' HTTPS.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUREAU_SERVER_NAMES, SUBGRAPH_SERVER_NAMES, createDevMaterial, type DevMaterial } from '@huimin/certs';
import { loadGatewayConfig } from '@huimin/gateway';
import { generatePopulation } from '@huimin/sandbox';
import type { Population } from '@huimin/schema';
import { startStack, type RunningStack } from '../stack';
import { postGraphQL, type GraphQLResponse, type Signer } from '../test-support/graphql-client';
import { peopleOf, type Person } from '../test-support/spec-oracle';
import { createFaultControl, type FaultControl } from './fault-control';

/** Opens after 3 failures in a row; probes after 1 s. */
export const FAULT_BREAKER = { consecutiveFailures: 3, failureRate: 0.5, minimumCalls: 10, windowMs: 5000, openMs: 1000, halfOpenProbes: 1 };
/** Bureau calls of several concurrent requests share two cores with the SM2 and RSA work: not less. */
export const FAULT_UPSTREAM_TIMEOUT_MS = 1500;
/** The counter class's deadline (counter-full, the suite's partner). */
export const FAULT_DEADLINE_MS = 3000;

export interface TimedAnswer<T> extends GraphQLResponse<T> {
  elapsedMs: number;
}

export interface FaultStack {
  stack: RunningStack;
  /** The CA the bureaus' certificates chain to, and the protocol keys on both sides. */
  material: DevMaterial;
  /** The card-status topics' prefix on the shared broker. */
  mqttTopicPrefix: string;
  population: Population;
  /** People with a record at every bureau, then a few missing from some. */
  people: Person[];
  control: FaultControl;
  post<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>, signer?: Signer | null): Promise<TimedAnswer<T>>;
  close(): Promise<void>;
}

export interface FaultStackOptions {
  /** Gateway settings as environment variables (deadlines, overload limits). */
  gatewayEnv?: Record<string, string>;
  upstreamTimeoutMs?: number;
}

export async function startFaultStack(options: FaultStackOptions = {}): Promise<FaultStack> {
  const population = generatePopulation({ size: 80, seed: 5 });
  const material = await createDevMaterial({ servers: [...BUREAU_SERVER_NAMES, ...SUBGRAPH_SERVER_NAMES], partners: [] });
  const mqttTopicPrefix = `huimin-fault-${randomBytes(6).toString('hex')}/transit`;
  const stack = await startStack({
    population,
    material,
    gateway: loadGatewayConfig({
      PORT: '0',
      HUIMIN_AUDIT_FILE: join(mkdtempSync(join(tmpdir(), 'huimin-fault-audit-')), 'audit.jsonl'),
      HUIMIN_DEADLINE_MS_COUNTER: String(FAULT_DEADLINE_MS),
      ...options.gatewayEnv,
    }),
    upstreamTimeoutMs: options.upstreamTimeoutMs ?? FAULT_UPSTREAM_TIMEOUT_MS,
    resilience: { breaker: FAULT_BREAKER },
    mqttUrl: process.env.MQTT_URL ?? 'mqtt://127.0.0.1:1883',
    mqttTopicPrefix,
  });
  const everywhere = (p: Person): boolean => p.civil !== null && p.medical !== null && p.disbursements.length > 0 && p.cards.length > 0;
  const all = peopleOf(population);
  const people = [...all.filter(everywhere), ...all.filter((p) => !everywhere(p)).slice(0, 6)];
  const urls = { civilAffairs: stack.bureaus.civilAffairs.url, medicalInsurance: stack.bureaus.medicalInsurance.url, finance: stack.bureaus.finance.url, transit: stack.bureaus.transit.url };
  return {
    stack,
    material,
    mqttTopicPrefix,
    population,
    people,
    control: createFaultControl(urls, material.caCertPem),
    async post<T>(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>, signer?: Signer | null): Promise<TimedAnswer<T>> {
      const started = performance.now();
      const answer = await postGraphQL<T>(stack.gatewayUrl, query, variables, headers, signer);
      return { ...answer, elapsedMs: performance.now() - started };
    },
    close: () => stack.close(),
  };
}

/** Runs `task` over the items, at most `concurrency` at a time, answers in order. */
export async function runBounded<T, R>(items: readonly T[], concurrency: number, task: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return results;
}
