/**
 * Subgraphs trust only the gateway. Two ways to know a request is the gateway's:
 * - signed context (this file): each request carries the context the gateway signed for this
 *   subgraph (the wire format is @huimin/schema's subgraph-context, shared with the signing side
 *   in gateway/src/features/subgraph-context.ts). A request without it, signed with another key,
 *   for another subgraph, too old, or whose body differs from what was signed is refused;
 * - mutual TLS (gateway-mutual-tls.ts): the connection carries the gateway's client certificate,
 *   and the context travels unsigned over it.
 * Either way a refused request answers 401 UNAUTHENTICATED, and the verified caller — partner,
 * purpose, scopes — is then available to resolvers through callerOfContext and to options taking
 * the HTTP request through callerOf.
 */
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import {
  SUBGRAPH_CONTEXT_HEADER,
  SUBGRAPH_CONTEXT_SIGNATURE_HEADER,
  SUBGRAPH_REQUEST_ID_HEADER,
  SubgraphContextKey,
  decodeSubgraphContext,
  subgraphContextDigest,
  verifySubgraphCall,
} from '@huimin/schema';
import { BoundedMemo } from './bounded-memo';

export const GATEWAY_CONTEXT_HEADER = SUBGRAPH_CONTEXT_HEADER;
export const GATEWAY_CONTEXT_SIGNATURE_HEADER = SUBGRAPH_CONTEXT_SIGNATURE_HEADER;
export const GATEWAY_REQUEST_ID_HEADER = SUBGRAPH_REQUEST_ID_HEADER;

/** How a subgraph knows the gateway: its signed context, or its client certificate. */
export type GatewayTrust = SignedContextTrust | MutualTlsTrust;

export interface SignedContextTrust {
  /** The gateway↔subgraph HMAC-SM3 key (HUIMIN_SUBGRAPH_CONTEXT_KEY). */
  key: Buffer;
  /** How far the signing time may be from ours. Default 60 s (gateway and subgraphs share a deployment's clock). */
  maxSkewMs?: number;
  clock?: () => number;
}

export interface MutualTlsTrust {
  mutualTls: {
    /** This subgraph's server certificate and key (PEM). */
    certPem: string;
    keyPem: string;
    /** The CA the gateway's client certificate must chain to (PEM). */
    caPem: string;
    /** The subject CN of the gateway's client certificate; any other certificate is refused. */
    gatewayName: string;
  };
}

export const isMutualTlsTrust = (trust: GatewayTrust): trust is MutualTlsTrust => 'mutualTls' in trust;

/** Who is behind a call: the same for every request of one partner, purpose and identity view. */
export interface GatewayPrincipal {
  /** Null for the gateway's own requests (the /ready probe). */
  partner: string | null;
  purpose: string | null;
  /** One set per decoded context header: checks may cache their answers on it (field-scopes). */
  scopes: ReadonlySet<string>;
  /** The gateway's decision on identity masking (the subgraph still checks identity:full). */
  identity: 'full' | 'masked';
}

export interface GatewayCaller extends GatewayPrincipal {
  /** The partner request this call belongs to. */
  requestId: string;
}

export function firstHeaderValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** A context header's principal (null when it is not a valid context) and the digest signatures cover. */
export interface DecodedContext {
  principal: GatewayPrincipal | null;
  digest: string;
}

/** A context header decoded and hashed: the work done once per header, not per call. */
export function decodeContext(header: string): DecodedContext {
  const payload = decodeSubgraphContext(header);
  return {
    principal: payload && {
      partner: payload.partner,
      purpose: payload.purpose,
      scopes: new Set(payload.scopes),
      identity: payload.identity,
    },
    digest: subgraphContextDigest(header),
  };
}

/** 4 KiB: far above any real context; refused before hashing or caching anything that big. */
export const MAX_CONTEXT_HEADER_LENGTH = 4096;

export interface GatewayContextVerifier {
  /** The verified caller, or null when the request must be refused. `rawBody`: the POST body as received. */
  verify(request: IncomingMessage, rawBody: string): GatewayCaller | null;
}

export function createSignedContextVerifier(subgraph: string, trust: SignedContextTrust): GatewayContextVerifier {
  const key = new SubgraphContextKey(trust.key);
  const clock = trust.clock ?? Date.now;
  const maxSkewMs = trust.maxSkewMs ?? 60_000;
  // Every call of one partner (and purpose) carries the same context header. A header is only
  // decoded and hashed here; it is trusted only once a call's signature over its digest checks.
  const contexts = new BoundedMemo<string, DecodedContext>(1024);
  return {
    verify({ headers }, rawBody) {
      const encoded = firstHeaderValue(headers, GATEWAY_CONTEXT_HEADER);
      const requestId = firstHeaderValue(headers, GATEWAY_REQUEST_ID_HEADER);
      const signature = firstHeaderValue(headers, GATEWAY_CONTEXT_SIGNATURE_HEADER);
      if (!encoded || !requestId || !signature || encoded.length > MAX_CONTEXT_HEADER_LENGTH) return null;
      const context = contexts.through(encoded, decodeContext);
      if (!context.principal || !verifySubgraphCall(key, subgraph, requestId, context.digest, signature, rawBody, clock(), maxSkewMs)) return null;
      return { ...context.principal, requestId };
    },
  };
}

// A symbol property on the request and on the context object rather than WeakMaps: Apollo Server
// hands resolvers a shallow copy of the context, which keeps own (symbol) properties but not
// WeakMap identity, and a property costs a subgraph less than a WeakMap entry per request.
const CALLER = Symbol('huimin.gatewayCaller');

export function rememberCaller(request: IncomingMessage, caller: GatewayCaller): void {
  (request as { [CALLER]?: GatewayCaller })[CALLER] = caller;
}

/** The verified caller of this HTTP request (undefined when the subgraph does not check). */
export function callerOf(request: IncomingMessage): GatewayCaller | undefined {
  return (request as { [CALLER]?: GatewayCaller })[CALLER];
}

export function bindCallerToContext(context: object, caller: GatewayCaller): void {
  (context as { [CALLER]?: GatewayCaller })[CALLER] = caller;
}

/** The verified caller behind a resolver's context (undefined when the subgraph does not check). */
export function callerOfContext(context: unknown): GatewayCaller | undefined {
  if (typeof context !== 'object' || context === null) return undefined;
  return (context as { [CALLER]?: GatewayCaller })[CALLER];
}

/** Unmasked identity only when the gateway decided so and the partner really holds identity:full. */
export function mayUnmaskIdentity(caller: GatewayCaller | undefined): boolean {
  return caller !== undefined && caller.identity === 'full' && caller.scopes.has('identity:full');
}
