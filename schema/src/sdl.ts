/** Each subgraph's SDL: the shared scalars and enums followed by the subgraph's own file. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const SUBGRAPH_NAMES = ['civil-affairs', 'medical-insurance', 'finance', 'transit', 'audit'] as const;
export type SubgraphName = (typeof SUBGRAPH_NAMES)[number];

/** The folder holding the .graphql files (beside src/ and dist/). */
export const SDL_DIR = join(__dirname, '..', 'sdl');
export const SUPERGRAPH_FILE = join(__dirname, '..', 'supergraph.graphql');

export function subgraphSdl(name: SubgraphName): string {
  const own = readFileSync(join(SDL_DIR, `${name}.graphql`), 'utf8');
  const shared = readFileSync(join(SDL_DIR, 'shared.graphql'), 'utf8');
  return `${own}\n${shared}`;
}

export function checkedInSupergraph(): string {
  return readFileSync(SUPERGRAPH_FILE, 'utf8');
}
