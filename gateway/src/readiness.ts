/** GET /ready: the supergraph is loaded and every subgraph answers a trivial query in time. */
import type { Fetcher } from '@apollo/utils.fetcher';
import type { GatewayGraphQLRequest } from '@apollo/server-gateway-interface';

/** Adds what a subgraph needs to answer the probe (the gateway's context, signed when keyed), like any subgraph request. */
export type ProbePreparer = (subgraph: string, request: GatewayGraphQLRequest, body: string) => Promise<void>;

export interface SubgraphProbe {
  name: string;
  reachable: boolean;
}

export async function probeSubgraphs(
  subgraphs: ReadonlyArray<{ name: string; url: string }>,
  fetcher: Fetcher,
  timeoutMs: number,
  prepare?: ProbePreparer,
): Promise<SubgraphProbe[]> {
  return Promise.all(
    subgraphs.map(async ({ name, url }) => {
      try {
        const headers = new Headers({ 'content-type': 'application/json', 'apollo-require-preflight': 'true' });
        const request: GatewayGraphQLRequest = { query: '{ __typename }', http: { method: 'POST', url, headers } };
        const body = JSON.stringify({ query: request.query });
        if (prepare) await prepare(name, request, body);
        const response = await Promise.race([
          fetcher(url, { method: 'POST', headers: Object.fromEntries(headers), body }),
          new Promise<never>((_, reject) => setTimeout(() => reject(new Error('probe timeout')), timeoutMs).unref()),
        ]);
        await response.text();
        return { name, reachable: response.ok };
      } catch {
        return { name, reachable: false };
      }
    }),
  );
}
