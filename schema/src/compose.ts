/** Composes the four subgraphs' SDL into the supergraph with @apollo/composition. */
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { SUBGRAPH_NAMES, subgraphSdl, type SubgraphName } from './sdl';

/** Placeholder routing URLs in the checked-in supergraph; deployments override them per subgraph. */
export function defaultSubgraphUrl(name: SubgraphName): string {
  return `http://${name}.huimin.invalid/graphql`;
}

/**
 * Composition marks @authenticated / @requiresScopes `for: SECURITY`, which makes @apollo/gateway
 * (and every gateway in the bench) refuse to load the supergraph, since it does not enforce them.
 * The Huimin gateway's scopes feature enforces them (and each subgraph again, on its own fields),
 * so the purpose is dropped and the directives stay in the supergraph for the gateway to read.
 */
const SECURITY_LINKS_ENFORCED_BY_HUIMIN = /@link\(url: "(https:\/\/specs\.apollo\.dev\/(?:authenticated|requiresScopes)\/v[0-9.]+)", for: SECURITY\)/g;

export function composeSupergraph(urls: (name: SubgraphName) => string = defaultSubgraphUrl): string {
  const result = composeServices(
    SUBGRAPH_NAMES.map((name) => ({ name, url: urls(name), typeDefs: parse(subgraphSdl(name)) })),
  );
  if (result.errors) {
    throw new Error(`Composition failed:\n${result.errors.map((e) => `- ${e.message}`).join('\n')}`);
  }
  return result.supergraphSdl.replace(SECURITY_LINKS_ENFORCED_BY_HUIMIN, '@link(url: "$1")');
}
