/**
 * The composition root: @apollo/gateway inside @apollo/server, served on node:http with
 * GET /health (process up) and GET /ready (supergraph loaded, every subgraph reachable). Query
 * plans are run by our executor (execution/plan-executor.ts) unless HUIMIN_EXECUTOR=apollo, and
 * every subgraph call goes through subgraph-data-source.ts.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloGateway, type GraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import type { GatewayGraphQLRequest } from '@apollo/server-gateway-interface';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginLandingPageDisabled,
  ApolloServerPluginSchemaReportingDisabled,
  ApolloServerPluginUsageReportingDisabled,
} from '@apollo/server/plugin/disabled';
import { randomUUID } from 'node:crypto';
import type { GatewayConfig } from './config';
import { noFeatures, type GatewayContext, type GatewayFeatures } from './pipeline';
import { formatPartnerError } from './format-error';
import { RequestRejected, handleGraphQLRequest, sendJson, sendRejection } from './http/graphql-http';
import { probeSubgraphs } from './readiness';
import { createListeningServer } from './http/tls-server';
import { createSubgraphFetcher } from './subgraph-fetcher';
import { SubgraphDataSource } from './subgraph-data-source';
import { subgraphFetchFailure } from './features/deadline-subgraph-errors';
import { refuseUnresolvedOperation } from './unresolved-operation';
import { withPlanExecutor } from './execution/plan-executor';

export interface RunningGateway {
  url: string;
  port: number;
  /** Stops taking requests (ready turns false first), drains those in flight, then closes. */
  close(): Promise<void>;
}

function isGatewayContext(context: unknown): context is GatewayContext {
  return typeof context === 'object' && context !== null && 'requestId' in context;
}

export async function startGateway(
  config: GatewayConfig,
  supergraphSdl: string,
  features: GatewayFeatures = noFeatures(),
): Promise<RunningGateway> {
  // Without this, @apollo/gateway probes cloud metadata hosts and reports usage to Apollo.
  process.env.APOLLO_TELEMETRY_DISABLED = 'true';
  const subgraphFetcher = createSubgraphFetcher({ timeoutMs: config.subgraphTimeoutMs, tls: config.subgraphTls });
  const subgraphs: Array<{ name: string; url: string }> = [];
  const dataSources = new Map<string, GraphQLDataSource>();
  const gateway = new ApolloGateway({
    supergraphSdl,
    buildService: ({ name, url }) => {
      const resolvedUrl = config.subgraphUrls[name] ?? url ?? '';
      subgraphs.push({ name, url: resolvedUrl });
      const dataSource = new SubgraphDataSource({
        name,
        url: resolvedUrl,
        fetcher: subgraphFetcher.fetcher,
        // Health checks and schema loads carry no partner context.
        isGatewayContext,
        hooks: features.subgraphRequestHooks,
        // A subgraph down or past the deadline names its bureau (UPSTREAM_*), not INTERNAL.
        onError: (error) => subgraphFetchFailure(name, error),
      });
      dataSources.set(name, dataSource);
      return dataSource;
    },
  });
  const server = new ApolloServer<GatewayContext>({
    gateway: config.executor === 'huimin' ? withPlanExecutor(gateway, supergraphSdl, dataSources) : gateway,
    introspection: !config.production,
    includeStacktraceInErrorResponses: false,
    formatError: formatPartnerError,
    plugins: [
      ApolloServerPluginLandingPageDisabled(),
      ApolloServerPluginCacheControlDisabled(),
      ApolloServerPluginUsageReportingDisabled(),
      ApolloServerPluginSchemaReportingDisabled(),
      refuseUnresolvedOperation(),
      ...features.plugins,
    ],
  });
  await server.start();

  let accepting = true;
  let inFlight = 0;
  const { server: httpServer, scheme }: { server: Server; scheme: string } = createListeningServer(config.tls, (req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/health') return sendJson(res, 200, { status: 'ok' });
    if (path === '/ready') {
      if (!accepting) return sendJson(res, 503, { ready: false, reason: 'shutting down' });
      // The probe goes through the same subgraph hooks as operations (context, no partner), so a
      // subgraph that would refuse the gateway's context shows up here as not ready.
      const probeContext: GatewayContext = { requestId: randomUUID(), receivedAt: Date.now(), http: { req, rawBody: Buffer.alloc(0) } };
      const prepare = async (subgraph: string, request: GatewayGraphQLRequest, body: string): Promise<void> => {
        for (const hook of features.subgraphRequestHooks) await hook({ subgraph, request, context: probeContext, body });
      };
      void probeSubgraphs(subgraphs, subgraphFetcher.fetcher, config.readyProbeTimeoutMs, prepare).then((probes) => {
        const ready = probes.every((probe) => probe.reachable);
        sendJson(res, ready ? 200 : 503, { ready, subgraphs: probes });
      });
      return;
    }
    if (path !== '/graphql') return sendJson(res, 404, { errors: [{ message: 'Not found', extensions: { code: 'BAD_REQUEST' } }] });
    inFlight += 1;
    const receivedAt = Date.now();
    let guarded: GatewayContext | undefined;
    handleGraphQLRequest(server, req, res, {
      maxBodyBytes: config.maxBodyBytes,
      context: async (rawBody) => {
        const context: GatewayContext = { requestId: randomUUID(), receivedAt, http: { req, rawBody } };
        guarded = context;
        for (const guard of features.guards) await guard.check(context);
        return context;
      },
    })
      .catch((error: unknown) => {
        if (res.headersSent) return res.destroy();
        if (error instanceof RequestRejected) return sendRejection(res, error);
        return sendJson(res, 500, { errors: [{ message: 'Internal error', extensions: { code: 'INTERNAL' } }] });
      })
      .finally(() => {
        inFlight -= 1;
        if (guarded) for (const guard of features.guards) guard.done?.(guarded);
      });
  });
  httpServer.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve) => httpServer.listen(config.port, config.host, resolve));
  const { port } = httpServer.address() as AddressInfo;

  return {
    url: `${scheme}://${config.host}:${port}/graphql`,
    port,
    close: async () => {
      accepting = false;
      // /ready answers 503 from here; for the grace the gateway still serves everything, so load
      // balancers can see it and stop sending before the listener goes.
      if (config.shutdownGraceMs > 0) await new Promise((resolve) => setTimeout(resolve, config.shutdownGraceMs));
      const closed = new Promise<void>((resolve) => httpServer.close(() => resolve()));
      httpServer.closeIdleConnections();
      const deadline = Date.now() + 10_000;
      while (inFlight > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      httpServer.closeAllConnections();
      await closed;
      await server.stop();
      await subgraphFetcher.close();
      for (const close of features.closers) await close().catch(() => undefined);
    },
  };
}
