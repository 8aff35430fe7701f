/** The civil-affairs subgraph schema: its SDL and the resolvers of each concern merged. */
import type { GraphQLSchema } from 'graphql';
import { createSubgraphSchema, type SubgraphResolvers } from '@huimin/subgraph-kit';
import { createConcessionResolvers } from './concessions';
import type { CivilContext, CivilDeps } from './context';
import { createEligibilityResolvers } from './eligibility-resolvers';
import { createIdentityResolvers } from './identity-resolvers';
import { createQueryResolvers } from './query-resolvers';
import { standingResolvers } from './standing';

export function createCivilAffairsSchema(deps: CivilDeps): GraphQLSchema {
  const query = createQueryResolvers(deps);
  const identity = createIdentityResolvers(deps);
  const resolvers: SubgraphResolvers<CivilContext> = {
    Query: query.Query,
    Citizen: {
      ...query.Citizen,
      ...identity.Citizen,
      ...standingResolvers.Citizen,
      ...createEligibilityResolvers(deps).Citizen,
    },
    CitizenIdentity: identity.CitizenIdentity,
    TransitCard: createConcessionResolvers(deps).TransitCard,
  };
  return createSubgraphSchema('civil-affairs', resolvers);
}
