/** Starts the whole stack (ephemeral ports) on the spec's reference population. */
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
): Promise<{ stack: RunningStack; population: Population }> {
  const stack = await startStack({ population, gateway: loadGatewayConfig({ PORT: '0' }) });
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
