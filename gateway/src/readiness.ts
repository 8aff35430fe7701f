/** GET /ready: the supergraph is loaded and every subgraph answers a trivial query in time. */
import type { Fetcher } from '@apollo/utils.fetcher';

export interface SubgraphProbe {
  name: string;
  reachable: boolean;
}

export async function probeSubgraphs(
  subgraphs: ReadonlyArray<{ name: string; url: string }>,
  fetcher: Fetcher,
  timeoutMs: number,
): Promise<SubgraphProbe[]> {
  return Promise.all(
    subgraphs.map(async ({ name, url }) => {
      try {
        const response = await Promise.race([
          fetcher(url, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'apollo-require-preflight': 'true' },
            body: JSON.stringify({ query: '{ __typename }' }),
          }),
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
