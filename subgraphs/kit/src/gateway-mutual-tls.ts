/**
 * Trusting the gateway by its client certificate: the subgraph serves HTTPS, asks every client
 * for a certificate, and /graphql answers only connections whose certificate chains to the
 * deployment CA and names the gateway (subject CN). The partner, purpose and scopes then travel
 * in the same context header as with the signed context, unsigned: the authenticated channel is
 * what vouches for them, so nothing is hashed or MACed per call (bench/results/transport.md).
 * /health and the webhook routes stay reachable without a certificate; they authenticate
 * themselves.
 */
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { isSubgraphRequestId } from '@huimin/schema';
import { BoundedMemo } from './bounded-memo';
import {
  GATEWAY_CONTEXT_HEADER,
  GATEWAY_REQUEST_ID_HEADER,
  MAX_CONTEXT_HEADER_LENGTH,
  decodeContext,
  firstHeaderValue,
  type DecodedContext,
  type GatewayContextVerifier,
  type MutualTlsTrust,
} from './gateway-context';

/** Whether the connection's client certificate chained to our CA and is the gateway's. */
function isGatewayConnection(socket: TLSSocket, gatewayName: string): boolean {
  if (!socket.authorized) return false;
  const subject = socket.getPeerCertificate().subject as Record<string, string | string[]> | undefined;
  return subject?.CN === gatewayName;
}

export function createMutualTlsVerifier(trust: MutualTlsTrust): GatewayContextVerifier {
  const { gatewayName } = trust.mutualTls;
  // A keep-alive connection carries hundreds of calls: its certificate is looked at once.
  const connections = new WeakMap<object, boolean>();
  const contexts = new BoundedMemo<string, DecodedContext>(1024);
  return {
    verify(request: IncomingMessage) {
      const socket = request.socket as TLSSocket;
      let isGateway = connections.get(socket);
      if (isGateway === undefined) {
        isGateway = typeof socket.getPeerCertificate === 'function' && isGatewayConnection(socket, gatewayName);
        connections.set(socket, isGateway);
      }
      if (!isGateway) return null;
      const encoded = firstHeaderValue(request.headers, GATEWAY_CONTEXT_HEADER);
      const requestId = firstHeaderValue(request.headers, GATEWAY_REQUEST_ID_HEADER);
      if (!encoded || !requestId || encoded.length > MAX_CONTEXT_HEADER_LENGTH || !isSubgraphRequestId(requestId)) return null;
      const { principal } = contexts.through(encoded, decodeContext);
      return principal && { ...principal, requestId };
    },
  };
}
