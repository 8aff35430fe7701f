/**
 * useSubgraphContextSigning: every request the gateway sends a subgraph carries who is asking
 * (partner, purpose, scopes, identity view, request id) in a context the gateway signs with
 * HMAC-SM3 under a key only it and the subgraphs hold. Subgraphs refuse requests without it
 * (subgraph-kit's gateway-context verifier), so nothing reaches them around the gateway. The wire
 * format, shared with the verifier, is in @huimin/schema's subgraph-context: the context is
 * encoded and hashed once per partner request, and each call's signature binds it to the subgraph, the time
 * and the body bytes as sent.
 */
import type { GatewayGraphQLRequest } from '@apollo/server-gateway-interface';
import {
  SUBGRAPH_CONTEXT_HEADER,
  SUBGRAPH_CONTEXT_SIGNATURE_HEADER,
  SubgraphContextKey,
  encodeSubgraphContext,
  signSubgraphCall,
  type EncodedSubgraphContext,
} from '@huimin/schema';
import type { GatewayContext, SubgraphRequestHook } from '../pipeline';
import { identityViewOf } from './masking';
import { partnerOf } from './partner-context';

/** The encoded context of a partner request: the same for all its subgraph calls. */
function encodedContextOf(context: GatewayContext, cache: WeakMap<GatewayContext, EncodedSubgraphContext>): EncodedSubgraphContext {
  let encoded = cache.get(context);
  if (encoded === undefined) {
    const partner = partnerOf(context);
    encoded = encodeSubgraphContext({
      v: 3,
      rid: context.requestId,
      partner: partner?.id ?? null,
      purpose: partner?.purpose ?? null,
      scopes: partner ? [...partner.scopes] : [],
      identity: identityViewOf(context),
    });
    cache.set(context, encoded);
  }
  return encoded;
}

export function useSubgraphContextSigning(options: { key: Buffer; clock?: () => number }): SubgraphRequestHook {
  const key = new SubgraphContextKey(options.key);
  const clock = options.clock ?? Date.now;
  const encodedByRequest = new WeakMap<GatewayContext, EncodedSubgraphContext>();
  return ({ subgraph, request, context, body }: { subgraph: string; request: GatewayGraphQLRequest; context: GatewayContext; body: string }) => {
    const encoded = encodedContextOf(context, encodedByRequest);
    request.http?.headers.set(SUBGRAPH_CONTEXT_HEADER, encoded.header);
    request.http?.headers.set(SUBGRAPH_CONTEXT_SIGNATURE_HEADER, signSubgraphCall(key, subgraph, clock(), encoded, body));
  };
}
