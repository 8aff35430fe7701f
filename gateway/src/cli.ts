#!/usr/bin/env node
/**
 * `huimin-gateway --supergraph FILE [--port N]`: serves any composed supergraph, the way operators
 * bring their own subgraphs. Flags override the environment (see config.ts).
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ConfigError, loadGatewayConfig } from './config';
import { startGateway } from './create-gateway';
import { buildGatewayFeatures } from './features';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { supergraph: { type: 'string' }, port: { type: 'string' }, host: { type: 'string' } },
  });
  const config = loadGatewayConfig({
    ...process.env,
    ...(values.port !== undefined ? { PORT: values.port } : {}),
    ...(values.host !== undefined ? { HOST: values.host } : {}),
    ...(values.supergraph !== undefined ? { HUIMIN_SUPERGRAPH_FILE: values.supergraph } : {}),
  });
  if (!config.supergraphFile) throw new ConfigError('give the supergraph with --supergraph FILE or HUIMIN_SUPERGRAPH_FILE');
  const gateway = await startGateway(config, readFileSync(config.supergraphFile, 'utf8'), await buildGatewayFeatures(config));
  process.stdout.write(`${JSON.stringify({ msg: 'gateway listening', url: gateway.url })}\n`);
  const stop = (): void => {
    void gateway.close().then(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof ConfigError ? error.message : 'gateway failed to start'}\n`);
  if (!(error instanceof ConfigError)) process.stderr.write(`${String((error as Error).stack)}\n`);
  process.exit(1);
});
