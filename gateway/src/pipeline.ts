/**
 * The gateway's extension points. Every cross-cutting concern (authentication, scopes, masking,
 * audit, limits, rate limits, deadlines) is one feature in its own file that contributes to
 * these lists; features.ts is the one place that switches them on from config.
 */
import type { IncomingMessage } from 'node:http';
import type { ApolloServerPlugin } from '@apollo/server';
import type { GatewayGraphQLRequest } from '@apollo/server-gateway-interface';

/** Per-request state: lives on the request context, never in module globals. */
export interface GatewayContext {
  /** Unique per request; logged and sent to subgraphs. */
  requestId: string;
  /** Epoch ms when the request arrived. */
  receivedAt: number;
  /** The request as received (headers, socket for client certificates, raw body for signatures). */
  http: { req: IncomingMessage; rawBody: Buffer };
  /** Whatever the features attach (partner, purpose, scopes, deadline, audit record, …). */
  [feature: string]: unknown;
}

/** Runs before GraphQL sees the request; throws RequestRejected to refuse it. */
export interface HttpGuard {
  name: string;
  check(context: GatewayContext): Promise<void> | void;
  /** Once the answer is sent (or failed), for every request whose guards began: gives back what check took. */
  done?(context: GatewayContext): void;
}

/**
 * Adds headers (signed context, deadlines) to each request the gateway sends a subgraph. `body`
 * is the exact JSON text that will be sent; hooks add headers and change nothing else.
 */
export type SubgraphRequestHook = (args: { subgraph: string; request: GatewayGraphQLRequest; context: GatewayContext; body: string }) => void | Promise<void>;

export interface GatewayFeatures {
  guards: HttpGuard[];
  plugins: Array<ApolloServerPlugin<GatewayContext>>;
  subgraphRequestHooks: SubgraphRequestHook[];
  /** Released on shutdown, after requests have drained (pools, clients). */
  closers: Array<() => Promise<void>>;
}

export function noFeatures(): GatewayFeatures {
  return { guards: [], plugins: [], subgraphRequestHooks: [], closers: [] };
}
