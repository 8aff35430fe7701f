/** The population a sandbox serves: a file when one is configured, otherwise a generated one. */
import type { Population } from '@huimin/schema';
import { generatePopulation } from './generate-population';
import { loadPopulationFile } from './load-population';

export const DEFAULT_POPULATION_SIZE = 2000;
export const DEFAULT_POPULATION_SEED = 1;

export interface PopulationSource {
  /** Path of a formatVersion 1 file (the POPULATION_FILE setting); wins over size and seed. */
  populationFile?: string;
  size?: number;
  seed?: number;
}

export function resolvePopulation(source: PopulationSource = {}): Population {
  if (source.populationFile !== undefined && source.populationFile !== '') return loadPopulationFile(source.populationFile);
  return generatePopulation({ size: source.size ?? DEFAULT_POPULATION_SIZE, seed: source.seed ?? DEFAULT_POPULATION_SEED });
}
