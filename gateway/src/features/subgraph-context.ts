/**
 * useSubgraphContextSigning: every request the gateway sends a subgraph carries who is asking
 * (partner, purpose, scopes, identity view, request id) in a context the gateway signs with
 * HMAC-SM3 under a key only it and the subgraphs hold. Subgraphs refuse requests without it
 * (subgraph-kit's gateway-context verifier), so nothing reaches them around the gateway.
 *
 * The signature also covers the subgraph's name, the time, and SM3 of the request body exactly
 * as sent, so a context seen on the wire cannot be replayed to another subgraph, later, or with
 * another query or variables. The body is hashed as bytes (the data source serialises it once,
 * before this hook): neither side re-serialises the variables, which for a 100-citizen batch was
 * most of this feature's cost. Wire format (the verifier must agree):
 *   x-huimin-context:           base64url(JSON payload)
 *   x-huimin-context-signature: hex(HMAC-SM3(key, "huimin-subgraph-context/v2\n" + that base64url))
 */
import { createHash, createHmac } from 'node:crypto';
import type { GatewayGraphQLRequest } from '@apollo/server-gateway-interface';
import type { GatewayContext, SubgraphRequestHook } from '../pipeline';
import { identityViewOf, type IdentityView } from './masking';
import { partnerOf } from './partner-context';

export const SUBGRAPH_CONTEXT_HEADER = 'x-huimin-context';
export const SUBGRAPH_CONTEXT_SIGNATURE_HEADER = 'x-huimin-context-signature';
const SIGNING_LABEL = 'huimin-subgraph-context/v2\n';

export interface SubgraphContextPayload {
  v: 2;
  /** The subgraph it is meant for. */
  sub: string;
  rid: string;
  /** Epoch ms when signed. */
  iat: number;
  partner: string | null;
  purpose: string | null;
  scopes: string[];
  identity: IdentityView;
  /** hex SM3 of the request body (UTF-8) as sent. */
  body: string;
}

export function subgraphBodyHash(body: string): string {
  return createHash('sm3').update(body, 'utf8').digest('hex');
}

/** The two headers for one subgraph request. */
export function signSubgraphContext(key: Buffer, payload: SubgraphContextPayload): Record<string, string> {
  const encoded = Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');
  return {
    [SUBGRAPH_CONTEXT_HEADER]: encoded,
    [SUBGRAPH_CONTEXT_SIGNATURE_HEADER]: createHmac('sm3', key).update(SIGNING_LABEL + encoded, 'utf8').digest('hex'),
  };
}

export function useSubgraphContextSigning(options: { key: Buffer; clock?: () => number }): SubgraphRequestHook {
  if (options.key.length < 16) throw new Error('the subgraph context key must be at least 16 bytes');
  const clock = options.clock ?? Date.now;
  return ({ subgraph, request, context, body }: { subgraph: string; request: GatewayGraphQLRequest; context: GatewayContext; body: string }) => {
    const partner = partnerOf(context);
    const headers = signSubgraphContext(options.key, {
      v: 2,
      sub: subgraph,
      rid: context.requestId,
      iat: clock(),
      partner: partner?.id ?? null,
      purpose: partner?.purpose ?? null,
      scopes: partner ? [...partner.scopes] : [],
      identity: identityViewOf(context),
      body: subgraphBodyHash(body),
    });
    for (const [name, value] of Object.entries(headers)) request.http?.headers.set(name, value);
  };
}
