import type { FetchNode } from '@apollo/query-planner';
import { GraphQLError } from 'graphql';
import { placeFetchFailure } from './fetch-failure';

const failure = new GraphQLError('MEDICAL_INSURANCE is unavailable', { extensions: { code: 'UPSTREAM_UNAVAILABLE', source: 'MEDICAL_INSURANCE' } });

function fetchOf(operation: string, entity: boolean): FetchNode {
  return { kind: 'Fetch', serviceName: 'medical-insurance', operation, ...(entity ? { requires: [] } : {}) } as unknown as FetchNode;
}

const placed = (errors: GraphQLError[]): unknown[] => errors.map((error) => ({ path: error.path, code: error.extensions.code, source: error.extensions.source }));

describe('a whole-fetch failure, placed', () => {
  it('at every field of every entity the fetch was to fill, named fragments and aliases included, by type', () => {
    const fetch = fetchOf(
      'query($representations:[_Any!]!){_entities(representations:$representations){...on Citizen{__typename ...F} ...on Card{balanceFen}}} fragment F on Citizen{medicalInsurance{status} m: medicalAccount{fen}}',
      true,
    );
    const root = { citizens: [{ __typename: 'Citizen', id: 'a' }, null, { __typename: 'Card', id: 'c' }, { __typename: 'Citizen', id: 'b' }] };
    const source = 'MEDICAL_INSURANCE';
    expect(placed(placeFetchFailure(failure, fetch, { path: ['citizens', '@'] }, root))).toEqual([
      { path: ['citizens', 0, 'medicalInsurance'], code: 'UPSTREAM_UNAVAILABLE', source },
      { path: ['citizens', 0, 'm'], code: 'UPSTREAM_UNAVAILABLE', source },
      { path: ['citizens', 2, 'balanceFen'], code: 'UPSTREAM_UNAVAILABLE', source },
      { path: ['citizens', 3, 'medicalInsurance'], code: 'UPSTREAM_UNAVAILABLE', source },
      { path: ['citizens', 3, 'm'], code: 'UPSTREAM_UNAVAILABLE', source },
    ]);
  });

  it('at the root fields of a root fetch', () => {
    const fetch = fetchOf('{citizen(id:"x"){id} __typename again: citizen(id:"y"){id}}', false);
    expect(placed(placeFetchFailure(failure, fetch, { path: [] }, {})).map((error) => (error as { path: unknown }).path)).toEqual([['citizen'], ['again']]);
  });

  it('as it was when the fetch had nothing to fill there', () => {
    const fetch = fetchOf('query($representations:[_Any!]!){_entities(representations:$representations){...on Card{balanceFen}}}', true);
    expect(placeFetchFailure(failure, fetch, { path: ['citizens', '@'] }, { citizens: [{ __typename: 'Citizen' }] })).toEqual([failure]);
  });
});
