import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { GraphQLError } from 'graphql';
import type { GatewayGraphQLRequest } from '@apollo/server-gateway-interface';
import { DEADLINE_HEADER } from '../subgraph-fetcher';
import type { GatewayContext } from '../pipeline';
import { deadlineOf, useDeadline } from './deadline';
import { subgraphFetchFailure } from './deadline-subgraph-errors';
import { setPartner, type AuthenticatedPartner, type PriorityClass } from './partner-context';

const RECEIVED = 1_800_000_000_000;
const config = { counter: 3000, standard: 5000, analytics: 15_000 };

function request(priorityClass?: PriorityClass): GatewayContext {
  const context: GatewayContext = { requestId: randomUUID(), receivedAt: RECEIVED, http: { req: {} as IncomingMessage, rawBody: Buffer.alloc(0) } };
  if (priorityClass) setPartner(context, { id: 'p', priorityClass } as AuthenticatedPartner);
  return context;
}

it('sets the deadline from arrival by the partner class, standard without a partner', async () => {
  const { guard } = useDeadline(config);
  for (const [priorityClass, ms] of [['counter', 3000], ['analytics', 15_000], [undefined, 5000]] as const) {
    const context = request(priorityClass);
    await guard.check(context);
    expect(deadlineOf(context)).toBe(RECEIVED + ms);
  }
});

it('tells each subgraph what is left, never less than zero, and nothing to the ready probe', async () => {
  let now = RECEIVED + 1200;
  const { guard, subgraphHook } = useDeadline(config, () => now);
  const context = request('counter');
  await guard.check(context);
  const subgraphRequest = (): GatewayGraphQLRequest => ({ query: '{ __typename }', http: { method: 'POST', url: 'http://s', headers: new Headers() } });
  const first = subgraphRequest();
  await subgraphHook({ subgraph: 'finance', request: first, context });
  expect(first.http?.headers.get(DEADLINE_HEADER)).toBe('1800');
  now += 5000;
  const late = subgraphRequest();
  await subgraphHook({ subgraph: 'finance', request: late, context });
  expect(late.http?.headers.get(DEADLINE_HEADER)).toBe('0');
  const probe = subgraphRequest();
  await subgraphHook({ subgraph: 'finance', request: probe, context: request() });
  expect(probe.http?.headers.has(DEADLINE_HEADER)).toBe(false);
});

describe('a subgraph that gave no answer', () => {
  it('names the bureau: timeouts and aborts as UPSTREAM_TIMEOUT, the rest UPSTREAM_UNAVAILABLE', () => {
    const timeout = Object.assign(new Error('The operation was aborted due to timeout'), { name: 'TimeoutError' });
    expect((subgraphFetchFailure('medical-insurance', timeout) as GraphQLError).extensions).toEqual({ code: 'UPSTREAM_TIMEOUT', source: 'MEDICAL_INSURANCE' });
    const refused = new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) });
    const failure = subgraphFetchFailure('finance', refused) as GraphQLError;
    expect(failure.extensions).toEqual({ code: 'UPSTREAM_UNAVAILABLE', source: 'FINANCE' });
    expect(failure.message).toBe('FINANCE is unavailable');
    expect((subgraphFetchFailure('audit', refused) as GraphQLError).extensions).toEqual({ code: 'UPSTREAM_UNAVAILABLE' });
  });

  it('a 5xx answer is unavailable; other HTTP answers pass through', () => {
    const answered = (status: number) => new GraphQLError(`${status}`, { extensions: { response: { status } } });
    expect((subgraphFetchFailure('transit', answered(502)) as GraphQLError).extensions).toEqual({ code: 'UPSTREAM_UNAVAILABLE', source: 'TRANSIT' });
    const unauthorized = answered(401);
    expect(subgraphFetchFailure('transit', unauthorized)).toBe(unauthorized);
  });
});
