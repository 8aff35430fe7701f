/**
 * Contender (b): plain @apollo/gateway in @apollo/server's standalone server, default settings.
 * Only telemetry is off (it would probe cloud metadata hosts and report to Apollo).
 */
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { serveContender } from './serve-contender';

serveContender(async (supergraphSdl) => {
  process.env.APOLLO_TELEMETRY_DISABLED = 'true';
  const server = new ApolloServer({ gateway: new ApolloGateway({ supergraphSdl }) });
  const { url } = await startStandaloneServer(server, { listen: { host: '127.0.0.1', port: 0 } });
  return { url, close: () => server.stop() };
});
