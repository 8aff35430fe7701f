import type { FetchNode } from '@apollo/query-planner';
import { GraphQLError, Kind, parse, type OperationDefinitionNode } from 'graphql';
import { MAX_PLACED_ERRORS, nullFieldsOfFailedFetch, placeFetchFailure, type FailedFetch } from './fetch-failure';
import type { JsonObject } from './merge';

const failure = new GraphQLError('MEDICAL_INSURANCE is unavailable', { extensions: { code: 'UPSTREAM_UNAVAILABLE', source: 'MEDICAL_INSURANCE' } });

// Citizen and Card implement Node; nothing else is abstract here.
const covers = (typename: string, condition: string): boolean => typename === condition || (condition === 'Node' && ['Citizen', 'Card'].includes(typename));

/**
 * What runs: every field the fetches below fill, under `citizens`, `cards` and `c`, plus `citizen`
 * and `again` at the root, and the audit's hidden selection as its rewrite adds it.
 */
const PARTNER_QUERY = `query P {
  citizens { ...on Citizen { medicalInsurance { status } m: medicalAccount { fen } balances { transitTotalFen } __huiminAuditCitizenId: id } ...on Card { balanceFen } }
  cards { balanceFen _huiminRemoved: __typename }
  c { id ...L a b c d e }
  citizen { id } again: citizen { id }
}
fragment L on Citizen { label }`;

function failed(operation: string, sent: Array<[JsonObject, Array<string | number>]>, variables: Record<string, unknown> = {}, partnerQuery = PARTNER_QUERY): FailedFetch {
  const entity = operation.includes('_entities');
  const fetch = { kind: 'Fetch', serviceName: 'medical-insurance', operation, ...(entity ? { requires: [] } : {}) } as unknown as FetchNode;
  const document = parse(partnerQuery);
  const partnerOperation = document.definitions.find((definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION)!;
  return { fetch, sent: sent.map(([object, path]) => ({ object, path })), covers, conditionValue: (name) => variables[name], operation: partnerOperation, document };
}

const pathsOf = (errors: GraphQLError[]): unknown[] => errors.map((error) => error.path);

describe('a whole-fetch failure, placed', () => {
  it('at each field the fetch was to fill on each object it asked about, by type, aliases and named fragments included', () => {
    const errors = placeFetchFailure(
      failure,
      failed(
        'query($representations:[_Any!]!){_entities(representations:$representations){...on Citizen{__typename ...F} ...on Card{balanceFen _huiminRemoved: __typename}}} fragment F on Citizen{medicalInsurance{status} m: medicalAccount{fen}}',
        [
          [{ __typename: 'Citizen' }, ['citizens', 0]],
          [{ __typename: 'Card' }, ['citizens', 2]],
          [{ __typename: 'Citizen' }, ['citizens', 3]],
        ],
      ),
    );
    expect(pathsOf(errors)).toEqual([
      ['citizens', 0, 'medicalInsurance'],
      ['citizens', 0, 'm'],
      ['citizens', 2, 'balanceFen'],
      ['citizens', 3, 'medicalInsurance'],
      ['citizens', 3, 'm'],
    ]);
    // Each its own copy: the code and the bureau kept, nothing shared with the original.
    expect(errors.map((error) => error.extensions)).toEqual(errors.map(() => ({ code: 'UPSTREAM_UNAVAILABLE', source: 'MEDICAL_INSURANCE' })));
    expect(errors[0]!.extensions).not.toBe(failure.extensions);
    expect(errors.map((error) => error.message)).toEqual(errors.map(() => failure.message));
  });

  it('through a fragment on an interface inside a fragment on the type', () => {
    const operation = 'query($representations:[_Any!]!){_entities(representations:$representations){...on Citizen{...on Node{id} ...N}}} fragment N on Node{label}';
    expect(pathsOf(placeFetchFailure(failure, failed(operation, [[{ __typename: 'Citizen' }, ['c']]])))).toEqual([['c', 'id'], ['c', 'label']]);
  });

  it('not at fields @include / @skip switched off, by literal or variable', () => {
    const operation =
      'query($representations:[_Any!]!,$on:Boolean!,$off:Boolean!){_entities(representations:$representations){...on Citizen{a@include(if:$on) b@include(if:$off) c@skip(if:true) d@skip(if:$off) ...on Citizen@include(if:$off){e}}}}';
    expect(pathsOf(placeFetchFailure(failure, failed(operation, [[{ __typename: 'Citizen' }, ['c']]], { on: true, off: false })))).toEqual([['c', 'a'], ['c', 'd']]);
  });

  it('not at fields the partner never asked for (a @requires input), nor at the audit\'s hidden selection; once more without a path for the input', () => {
    const operation = 'query($representations:[_Any!]!){_entities(representations:$representations){...on Citizen{insuranceStanding{status} __huiminAuditCitizenId: id medicalInsurance{status}}}}';
    expect(pathsOf(placeFetchFailure(failure, failed(operation, [[{ __typename: 'Citizen' }, ['citizens', 0]]])))).toEqual([['citizens', 0, 'medicalInsurance'], undefined]);
    const hiddenOnly = 'query($representations:[_Any!]!){_entities(representations:$representations){...on Citizen{__huiminAuditCitizenId: id medicalInsurance{status}}}}';
    expect(pathsOf(placeFetchFailure(failure, failed(hiddenOnly, [[{ __typename: 'Citizen' }, ['citizens', 0]]])))).toEqual([['citizens', 0, 'medicalInsurance']]);
    const standingOnly = 'query($representations:[_Any!]!){_entities(representations:$representations){...on Citizen{insuranceStanding{status}}}}';
    expect(placeFetchFailure(failure, failed(standingOnly, [[{ __typename: 'Citizen' }, ['citizens', 0]]]))).toEqual([failure]);
  });

  it('not at a field another fetch filled part of (a shared object): there once without a path', () => {
    const operation = 'query($representations:[_Any!]!){_entities(representations:$representations){...on Citizen{medicalInsurance{status} balances{medicalAccount{amountFen}}}}}';
    const citizen = { __typename: 'Citizen', balances: { transitTotalFen: 300 } };
    expect(pathsOf(placeFetchFailure(failure, failed(operation, [[citizen, ['citizens', 0]]])))).toEqual([['citizens', 0, 'medicalInsurance'], undefined]);
  });

  it('at the root fields of a root fetch', () => {
    expect(pathsOf(placeFetchFailure(failure, failed('{citizen(id:"x"){id} __typename again: citizen(id:"y"){id}}', [[{}, []]])))).toEqual([['citizen'], ['again']]);
  });

  it('as it was when there is nothing to place it at, or too much', () => {
    const cards = 'query($representations:[_Any!]!){_entities(representations:$representations){...on Card{balanceFen}}}';
    expect(placeFetchFailure(failure, failed(cards, [[{ __typename: 'Citizen' }, ['c']]]))).toEqual([failure]);
    expect(placeFetchFailure(failure, failed(cards, []))).toEqual([failure]);
    const many = Array.from({ length: MAX_PLACED_ERRORS + 1 }, (_, i): [JsonObject, Array<string | number>] => [{ __typename: 'Card' }, ['cards', i]]);
    expect(placeFetchFailure(failure, failed(cards, many))).toEqual([failure]);
    expect(placeFetchFailure(failure, failed(cards, many.slice(0, MAX_PLACED_ERRORS)))).toHaveLength(MAX_PLACED_ERRORS);
  });
});

describe('the fields of a failed fetch', () => {
  it('are null on each object it asked about, where nothing else filled them, so a later @requires still runs', () => {
    const operation =
      'query($representations:[_Any!]!,$off:Boolean!){_entities(representations:$representations){...on Citizen{insuranceStanding{status} balances{medicalAccount{amountFen}} skipped@include(if:$off)} ...on Card{balanceFen}}}';
    const citizen: JsonObject = { __typename: 'Citizen', balances: { transitTotalFen: 300 } };
    const card: JsonObject = { __typename: 'Card' };
    nullFieldsOfFailedFetch(failed(operation, [[citizen, ['citizens', 0]], [card, ['cards', 0]]], { off: false }));
    expect(citizen).toEqual({ __typename: 'Citizen', insuranceStanding: null, balances: { transitTotalFen: 300 } });
    expect(card).toEqual({ __typename: 'Card', balanceFen: null });
  });
});
