/**
 * useSubgraphContext: every request the gateway sends a subgraph carries who is asking (partner,
 * purpose, scopes, identity view) in a context header, with the partner request's id beside it.
 * Subgraphs refuse requests that do not come from the gateway, known one of two ways:
 * - signed (a `signingKey`): the context is signed with HMAC-SM3 under a key only the gateway and
 *   the subgraphs hold (subgraph-kit's gateway-context verifier). The wire format, shared with
 *   the verifier, is in @huimin/schema's subgraph-context: the context is encoded and hashed once
 *   per partner, purpose and identity view, and each call's signature binds it to the subgraph,
 *   the time, the request id and the body bytes as sent;
 * - mutual TLS (no key): the subgraph fetcher presents the gateway's client certificate and the
 *   context travels unsigned over that channel (subgraph-kit's gateway-mutual-tls).
 */
import type { GatewayGraphQLRequest } from '@apollo/server-gateway-interface';
import {
  SUBGRAPH_CONTEXT_HEADER,
  SUBGRAPH_CONTEXT_SIGNATURE_HEADER,
  SUBGRAPH_REQUEST_ID_HEADER,
  SubgraphContextKey,
  encodeSubgraphContext,
  signSubgraphCall,
  type EncodedSubgraphContext,
  type SubgraphContextPayload,
} from '@huimin/schema';
import type { GatewayContext, SubgraphRequestHook } from '../pipeline';
import { identityViewOf } from './masking';
import { partnerOf } from './partner-context';

/** Distinct callers (partner × purpose × identity view) whose encoded context is kept; a few dozen in practice. */
const ENCODED_CONTEXTS_KEPT = 1024;

function payloadOf(context: GatewayContext): SubgraphContextPayload {
  const partner = partnerOf(context);
  return {
    v: 4,
    partner: partner?.id ?? null,
    purpose: partner?.purpose ?? null,
    scopes: partner ? [...partner.scopes] : [],
    identity: identityViewOf(context),
  };
}

/** Encoded contexts by caller: the payload itself is the key, so a cached header always says what it is used for. */
function encodedContexts(): (context: GatewayContext) => EncodedSubgraphContext {
  const byCaller = new Map<string, EncodedSubgraphContext>();
  return (context) => {
    const payload = payloadOf(context);
    const key = JSON.stringify(payload);
    let encoded = byCaller.get(key);
    if (encoded === undefined) {
      if (byCaller.size >= ENCODED_CONTEXTS_KEPT) byCaller.clear();
      encoded = encodeSubgraphContext(payload);
      byCaller.set(key, encoded);
    }
    return encoded;
  };
}

export interface SubgraphContextOptions {
  /** HUIMIN_SUBGRAPH_CONTEXT_KEY: sign every call; null when the channel itself is trusted (mutual TLS). */
  signingKey: Buffer | null;
  clock?: () => number;
}

export function useSubgraphContext(options: SubgraphContextOptions): SubgraphRequestHook {
  const key = options.signingKey && new SubgraphContextKey(options.signingKey);
  const clock = options.clock ?? Date.now;
  const encodedFor = encodedContexts();
  // One partner request makes several calls; its context is looked up once.
  const encodedByRequest = new WeakMap<GatewayContext, EncodedSubgraphContext>();
  return ({ subgraph, request, context, body }: { subgraph: string; request: GatewayGraphQLRequest; context: GatewayContext; body: string }) => {
    let encoded = encodedByRequest.get(context);
    if (encoded === undefined) encodedByRequest.set(context, (encoded = encodedFor(context)));
    const headers = request.http?.headers;
    headers?.set(SUBGRAPH_CONTEXT_HEADER, encoded.header);
    headers?.set(SUBGRAPH_REQUEST_ID_HEADER, context.requestId);
    if (key) headers?.set(SUBGRAPH_CONTEXT_SIGNATURE_HEADER, signSubgraphCall(key, subgraph, clock(), context.requestId, encoded, body));
  };
}
