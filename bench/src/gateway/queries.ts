/**
 * The bench's query mix. Q1 touches every subgraph for one citizen, with @requires hops
 * (eligibility, subsidies, concessions); Q2 asks a moderate profile for 100 citizens at once.
 * Request bodies are built once, so the load generator only picks the next one.
 */

export type QueryName = 'Q1' | 'Q2';

export const QUERY_NAMES: readonly QueryName[] = ['Q1', 'Q2'];

export const QUERY_LABELS: Record<QueryName, string> = {
  Q1: 'single-citizen full profile',
  Q2: '100-citizen batch, moderate profile',
};

const FULL_PROFILE = /* GraphQL */ `
  query FullProfile($id: ID!) {
    citizen(id: $id) {
      id
      identity { name idNumber phone gender birthDate age district householdStatus disabilityLevel lifeStatus diedOn asOf }
      eligibility { program eligible reasons sources { source available asOf } }
      balances {
        medicalAccount { amountFen source asOf stale }
        pendingSubsidiesFen
        transitCards { cardNo status amountFen asOf stale }
        transitTotalFen
      }
      medicalInsurance { insuranceType status enrolledOn personalAccountBalanceFen annualOutOfPocketFen asOf }
      subsidies(first: 20) {
        totalCount
        pageInfo { hasNextPage endCursor }
        edges { cursor node { id programCode period amountFen status bankAccountMasked anomalies history { status at reason } } }
      }
      transitCards { cardNo cardType status statusAsOf balanceFen balanceAsOf concessions }
    }
  }
`;

const BATCH_PROFILE = /* GraphQL */ `
  query BatchProfile($ids: [ID!]!) {
    citizens(ids: $ids) {
      id
      identity { name age district householdStatus lifeStatus }
      eligibility { program eligible }
      balances { medicalAccount { amountFen } pendingSubsidiesFen transitTotalFen }
    }
  }
`;

export const BATCH_SIZE = 100;

/** Each query's operation text, as the bodies carry it (contender (e) registers them as persisted operations). */
export const QUERY_TEXTS: Record<QueryName, string> = { Q1: FULL_PROFILE, Q2: BATCH_PROFILE };

/** Every request body for the query, one per citizen (Q1) or per block of 100 citizens (Q2). */
export function requestBodies(query: QueryName, ids: readonly string[]): string[] {
  switch (query) {
    case 'Q1':
      return ids.map((id) => JSON.stringify({ query: FULL_PROFILE, variables: { id } }));
    case 'Q2': {
      const bodies: string[] = [];
      for (let start = 0; start + BATCH_SIZE <= ids.length; start += BATCH_SIZE) {
        bodies.push(JSON.stringify({ query: BATCH_PROFILE, variables: { ids: ids.slice(start, start + BATCH_SIZE) } }));
      }
      return bodies;
    }
  }
}
