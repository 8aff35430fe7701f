/** Starts the whole stack (ephemeral ports) on the spec's reference population. */
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadGatewayConfig } from '@huimin/gateway';
import { loadPopulationFile } from '@huimin/sandbox';
import type { Population } from '@huimin/schema';
import { startStack, type RunningStack } from '../stack';
import { postGraphQL } from './graphql-client';

export const FIXTURE_FILE = join(__dirname, '..', '..', '..', '..', 'shared', 'fixtures', 'population-2k.json');

/** The reference population by default; pass another (e.g. a generated one) to test on it. */
export async function startFixtureStack(
  population: Population = loadPopulationFile(process.env.POPULATION_FILE ?? FIXTURE_FILE),
  /** More gateway settings, as environment variables (e.g. REDIS_URL). */
  gatewayEnv: Record<string, string> = {},
): Promise<{ stack: RunningStack; population: Population }> {
  // aedes (the default broker) cannot load under jest: the tests use the local Mosquitto, each
  // stack under its own topic prefix so parallel runs never read each other's feed.
  const stack = await startStack({
    population,
    // Each stack its own audit file: one writer per file, and parallel suites never share a chain.
    gateway: loadGatewayConfig({ PORT: '0', HUIMIN_AUDIT_FILE: join(mkdtempSync(join(tmpdir(), 'huimin-e2e-audit-')), 'audit.jsonl'), ...gatewayEnv }),
    mqttUrl: process.env.MQTT_URL ?? 'mqtt://127.0.0.1:1883',
    mqttTopicPrefix: `huimin-e2e-${randomBytes(6).toString('hex')}/transit`,
  });
  return { stack, population };
}

/** Pseudonymous IDs for the ID numbers, asked 100 at a time with aliases. */
export async function mintIds(gatewayUrl: string, idNumbers: readonly string[]): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  for (let start = 0; start < idNumbers.length; start += 100) {
    const chunk = idNumbers.slice(start, start + 100);
    const query = `{ ${chunk.map((idNumber, i) => `p${i}: citizen(idNumber: "${idNumber}") { id }`).join(' ')} }`;
    const response = await postGraphQL<Record<string, { id: string }>>(gatewayUrl, query);
    if (response.errors) throw new Error(`minting ids failed: ${JSON.stringify(response.errors[0])}`);
    chunk.forEach((idNumber, i) => ids.set(idNumber, response.data![`p${i}`]!.id));
  }
  return ids;
}
