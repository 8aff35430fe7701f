/** Composes the four subgraphs' SDL into the supergraph with @apollo/composition. */
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { SUBGRAPH_NAMES, subgraphSdl, type SubgraphName } from './sdl';

/** Placeholder routing URLs in the checked-in supergraph; deployments override them per subgraph. */
export function defaultSubgraphUrl(name: SubgraphName): string {
  return `http://${name}.huimin.invalid/graphql`;
}

export function composeSupergraph(urls: (name: SubgraphName) => string = defaultSubgraphUrl): string {
  const result = composeServices(
    SUBGRAPH_NAMES.map((name) => ({ name, url: urls(name), typeDefs: parse(subgraphSdl(name)) })),
  );
  if (result.errors) {
    throw new Error(`Composition failed:\n${result.errors.map((e) => `- ${e.message}`).join('\n')}`);
  }
  return result.supergraphSdl;
}
