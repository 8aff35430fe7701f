/** What the transport bench sends and answers: the size of a Q1 subgraph call and its answer. */

/** The subgraph name the signed calls are bound to. */
export const TRANSPORT_SUBGRAPH = 'finance';

/** A finance `_entities` fetch as the gateway sends it for Q1 (~560 bytes). */
export function transportRequestBody(): string {
  return JSON.stringify({
    query:
      'query($representations:[_Any!]!){_entities(representations:$representations){...on Citizen{subsidies(first:20){totalCount ' +
      'pageInfo{hasNextPage endCursor} edges{cursor node{id programCode period amountFen status bankAccountMasked anomalies history{status at reason}}}}}}}',
    variables: { representations: [{ __typename: 'Citizen', id: `C${'x'.repeat(40)}`, ref: `R${'y'.repeat(40)}` }] },
  });
}

/** Six subsidies with their history (~1.5 KB). */
export function transportAnswer(): string {
  const edges = Array.from({ length: 6 }, (_, i) => ({
    cursor: `cursor-${i}`,
    node: { id: `subsidy-${i}`, programCode: 'ELDERLY_CARE', period: '2026-10', amountFen: 12_345, status: 'PAID', bankAccountMasked: '6222********1234', anomalies: [], history: [{ status: 'PAID', at: '2026-10-05T10:00:00+08:00', reason: null }] },
  }));
  return JSON.stringify({ data: { _entities: [{ subsidies: { totalCount: 6, pageInfo: { hasNextPage: false, endCursor: 'cursor-5' }, edges } }] } });
}
