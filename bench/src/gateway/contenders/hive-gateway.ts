/**
 * Contender (c): Hive Gateway's runtime with default settings on node:http. Only the landing page
 * and GraphiQL are off; usage reporting is opt-in and not configured.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createGatewayRuntime } from '@graphql-hive/gateway';
import { serveContender } from './serve-contender';

serveContender(async (supergraphSdl) => {
  const runtime = createGatewayRuntime({ supergraph: supergraphSdl, landingPage: false, graphiql: false });
  const server = createServer(runtime);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await runtime.dispose();
    },
  };
});
