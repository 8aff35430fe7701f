/** Builds a bureau subgraph's schema from its SDL and serves it: the part all four share. */
import type { IncomingMessage } from 'node:http';
import { ApolloServer, type BaseContext } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import type { GraphQLSchema } from 'graphql';
import gql from 'graphql-tag';
import { scalarResolvers, subgraphSdl, type SubgraphName } from '@huimin/schema';
import { createFormatError, type ErrorLog } from './errors';
import { enforceFieldScopes } from './field-scopes';
import { bindCallerToContext, callerOf, createSignedContextVerifier, isMutualTlsTrust, rememberCaller, type GatewayTrust } from './gateway-context';
import { createMutualTlsVerifier } from './gateway-mutual-tls';
import { serveOverHttp, type HttpRoute } from './http-server';

export type SubgraphResolvers<TContext> = GraphQLResolverMap<TContext>;

export interface RunningSubgraph {
  name: SubgraphName;
  /** http://host:port/graphql, or https:// under mutual TLS */
  url: string;
  port: number;
  close(): Promise<void>;
}

/** The subgraph schema: shared scalars plus the subgraph's own resolvers. */
export function createSubgraphSchema<TContext>(name: SubgraphName, resolvers: SubgraphResolvers<TContext>): GraphQLSchema {
  return buildSubgraphSchema({
    typeDefs: gql(subgraphSdl(name)),
    // The resolver map is typed per subgraph context; Apollo's own type only knows `unknown`.
    resolvers: { ...scalarResolvers, ...resolvers } as GraphQLResolverMap<unknown>,
  });
}

export interface SubgraphServerOptions<TContext extends BaseContext> {
  name: SubgraphName;
  schema: GraphQLSchema;
  context: (request: IncomingMessage) => TContext | Promise<TContext>;
  host?: string;
  port?: number;
  log?: ErrorLog;
  /**
   * Accept only the gateway's requests (its signed context, or its client certificate over HTTPS)
   * and check field scopes. Absent: open (tests, benches).
   */
  gatewayTrust?: GatewayTrust;
  /** Routes beside /graphql and /health (a webhook), outside the gateway's trust: they authenticate themselves. */
  routes?: readonly HttpRoute[];
}

export async function startSubgraphServer<TContext extends BaseContext>(options: SubgraphServerOptions<TContext>): Promise<RunningSubgraph> {
  const trust = options.gatewayTrust;
  const verifier = trust && (isMutualTlsTrust(trust) ? createMutualTlsVerifier(trust) : createSignedContextVerifier(options.name, trust));
  const server = new ApolloServer<TContext>({
    schema: trust ? enforceFieldScopes(options.schema) : options.schema,
    // Traces would carry timing of bureau calls to the gateway; the gateway does its own tracing.
    // No traces and no cache hints: the gateway uses neither, and computing cache policy per
    // field costs a subgraph a few percent of its CPU on large batches.
    plugins: [ApolloServerPluginInlineTraceDisabled(), ApolloServerPluginCacheControlDisabled()],
    includeStacktraceInErrorResponses: false,
    formatError: createFormatError(options.log),
    introspection: true,
  });
  const serving = await serveOverHttp({
    server,
    context: trust
      ? async (request) => {
          const context = await options.context(request);
          const caller = callerOf(request);
          if (caller) bindCallerToContext(context, caller);
          return context;
        }
      : options.context,
    host: options.host,
    port: options.port,
    routes: options.routes,
    ...(trust && isMutualTlsTrust(trust) ? { tls: trust.mutualTls } : {}),
    ...(verifier
      ? {
          authorize: (request: IncomingMessage, rawBody: string) => {
            const caller = verifier.verify(request, rawBody);
            if (caller) rememberCaller(request, caller);
            return caller !== null;
          },
        }
      : {}),
  });
  return { name: options.name, url: serving.url, port: serving.port, close: () => serving.close() };
}
