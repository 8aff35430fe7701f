/** `npm start`: the whole stack on its embedded defaults, at http://127.0.0.1:4000/graphql. */
import { join } from 'node:path';
import { ConfigError } from '@huimin/gateway';
import { generateDevMaterial, loadDevMaterial } from '@huimin/certs';
import { resolvePopulation } from '@huimin/sandbox';
import { loadOrCreatePseudonymKeys } from './dev-keys';
import { loadStackConfig } from './stack-config';
import { startStack } from './stack';

function log(fields: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), ...fields })}\n`);
}

async function main(): Promise<void> {
  const config = loadStackConfig();
  const population = resolvePopulation({
    ...(config.populationFile ? { populationFile: config.populationFile } : {}),
    size: config.populationSize,
    seed: config.populationSeed,
  });
  const pseudonymKeys =
    config.pseudonymIdKey && config.pseudonymRefKey
      ? { idKey: config.pseudonymIdKey, refKey: config.pseudonymRefKey }
      : loadOrCreatePseudonymKeys(join(__dirname, '..', '..', 'var', 'pseudonym-keys.json'));
  // What `npm run certs` does, so a fresh clone starts with one command; existing material is kept.
  const certs = await generateDevMaterial(config.certsDir);
  if (certs.made.length > 0) log({ msg: 'development certificates and keys made', dir: certs.dir, made: certs.made });
  const material = loadDevMaterial(config.certsDir, { env: config.keyFileEnv });
  const stack = await startStack({ population, gateway: config.gateway, pseudonymKeys, upstreamTimeoutMs: config.upstreamTimeoutMs, staleMaxAgeMs: config.staleMaxAgeMs, material,
    ...(config.mqttUrl ? { mqttUrl: config.mqttUrl } : {}), cardSnapshotIntervalMs: config.cardSnapshotIntervalMs,
    transitStore: config.transitStore, transitLog: log });
  log({
    msg: 'huimin stack ready',
    gateway: stack.gatewayUrl,
    people: population.civilAffairs.length,
    population: config.populationFile ?? `generated (size ${config.populationSize}, seed ${config.populationSeed})`,
    subgraphs: Object.fromEntries(Object.entries(stack.subgraphs).map(([name, s]) => [name, s.url])),
    bureaus: Object.fromEntries(Object.entries(stack.bureaus).map(([name, b]) => [name, b.url])),
    // MQTT_URL may carry credentials: name it rather than print it.
    cardStatusBroker: config.mqttUrl ? 'MQTT_URL' : `embedded ${stack.cardStatus.mqttUrl}`,
    transitLedger: stack.transitLedger.stores.kind === 'postgresql' ? `DATABASE_URL schema ${config.transitStore.pgSchema}` : stack.transitLedger.stores.kind,
  });
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    log({ msg: 'shutting down', signal });
    void stack.close().then(() => process.exit(0));
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof ConfigError ? error.message : `stack failed to start: ${String((error as Error).stack)}`}\n`);
  process.exit(1);
});
