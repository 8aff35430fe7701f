import { createHash, createHmac, randomBytes } from 'node:crypto';
import { buildSubgraphSchema } from '@apollo/subgraph';
import gql from 'graphql-tag';
import { callerOfContext } from './gateway-context';
import { startSubgraphServer, type RunningSubgraph } from './subgraph-server';

// The wire format as documented in gateway/src/features/subgraph-context.ts, written out here so
// a change on either side shows up as a failing test.
function gatewayHeaders(key: Buffer, payload: Record<string, unknown>): Record<string, string> {
  const encoded = Buffer.from(JSON.stringify(payload)).toString('base64url');
  return {
    'x-huimin-context': encoded,
    'x-huimin-context-signature': createHmac('sm3', key).update(`huimin-subgraph-context/v2\n${encoded}`).digest('hex'),
  };
}

/** The body exactly as `ask` sends it; the context binds SM3 of those bytes. */
const bodyOf = (query: string, variables: unknown): string => JSON.stringify({ query, variables });
const bodyHash = (query: string, variables: unknown): string => createHash('sm3').update(bodyOf(query, variables)).digest('hex');

const SDL = gql`
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@requiresScopes", "@authenticated"])
  type Query {
    programs: [String!]! @authenticated
    secret: String @requiresScopes(scopes: [["audit:read"], ["analytics:read", "subsidy:read"]])
    whoAmI: String
  }
`;

describe('subgraphs trust only the gateway', () => {
  const key = randomBytes(32);
  let subgraph: RunningSubgraph;
  const clock = { now: 1_800_000_000_000 };

  beforeAll(async () => {
    const schema = buildSubgraphSchema({
      typeDefs: SDL,
      resolvers: {
        Query: {
          programs: () => ['A'],
          secret: () => 'classified',
          whoAmI: (_: unknown, __: unknown, context: object) => callerOfContext(context)?.partner ?? 'nobody',
        },
      },
    });
    subgraph = await startSubgraphServer({ name: 'finance', schema, context: () => ({}), gatewayTrust: { key, clock: () => clock.now } });
  });
  afterAll(() => subgraph.close());

  async function ask(query: string, headers: Record<string, string>, variables?: Record<string, unknown>): Promise<{ status: number; body: { data?: Record<string, unknown>; errors?: Array<{ extensions: { code: string } }> } }> {
    const response = await fetch(subgraph.url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: bodyOf(query, variables) });
    return { status: response.status, body: (await response.json()) as never };
  }

  function signedFor(query: string, scopes: string[], overrides: Record<string, unknown> = {}, variables?: unknown): Record<string, string> {
    return gatewayHeaders(key, {
      v: 2, sub: 'finance', rid: 'r1', iat: clock.now, partner: 'demo-app', purpose: 'BENEFIT_SERVICE', scopes, identity: 'masked',
      body: bodyHash(query, variables), ...overrides,
    });
  }

  it('serves a request carrying the gateway context, with the partner on the resolvers\' context', async () => {
    const query = '{ whoAmI programs }';
    const answer = await ask(query, signedFor(query, []));
    expect(answer).toEqual({ status: 200, body: { data: { whoAmI: 'demo-app', programs: ['A'] } } });
  });

  it('refuses requests without it, signed with another key, for another subgraph, stale, or for another query', async () => {
    const query = '{ programs }';
    const refused = [
      {},
      gatewayHeaders(randomBytes(32), { v: 2, sub: 'finance', iat: clock.now, partner: 'demo-app', scopes: [], body: bodyHash(query, undefined) }),
      signedFor(query, [], { sub: 'transit' }),
      signedFor(query, [], { v: 1 }),
      signedFor(query, [], { iat: clock.now - 61_000 }),
      signedFor('{ secret }', ['audit:read']),
    ];
    for (const headers of refused) {
      const answer = await ask(query, headers);
      expect(answer.status).toBe(401);
      expect(answer.body.errors?.[0]?.extensions.code).toBe('UNAUTHENTICATED');
    }
    const withVariables = 'query($s: Boolean!) { programs @include(if: $s) }';
    expect((await ask(withVariables, signedFor(withVariables, [], {}, { s: false }), { s: true })).status).toBe(401);
    expect((await ask(withVariables, signedFor(withVariables, [], {}, { s: true }), { s: true })).body.data).toEqual({ programs: ['A'] });
    // The same query and variables serialised differently are other bytes: refused.
    const spaced = await fetch(subgraph.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...signedFor(withVariables, [], {}, { s: true }) },
      body: JSON.stringify({ query: withVariables, variables: { s: true } }, null, 1),
    });
    expect(spaced.status).toBe(401);
  });

  it('checks the scopes of the fields it owns again', async () => {
    const query = '{ secret }';
    const forbidden = await ask(query, signedFor(query, ['analytics:read']));
    expect(forbidden.body.data).toEqual({ secret: null });
    expect(forbidden.body.errors?.[0]?.extensions.code).toBe('FORBIDDEN');
    expect((await ask(query, signedFor(query, ['analytics:read', 'subsidy:read']))).body.data).toEqual({ secret: 'classified' });
    const probe = '{ programs }';
    const noPartner = await ask(probe, signedFor(probe, [], { partner: null }));
    expect(noPartner.body.errors?.[0]?.extensions.code).toBe('FORBIDDEN');
  });
});
