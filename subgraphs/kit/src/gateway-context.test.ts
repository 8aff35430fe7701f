import { createHash, createHmac, randomBytes } from 'node:crypto';
import { buildSubgraphSchema } from '@apollo/subgraph';
import gql from 'graphql-tag';
import { callerOfContext } from './gateway-context';
import { startSubgraphServer, type RunningSubgraph } from './subgraph-server';

/** The body exactly as `ask` sends it; the signature binds those bytes. */
const bodyOf = (query: string, variables: unknown): string => JSON.stringify({ query, variables });

// The v4 wire format as documented in @huimin/schema's subgraph-context, written out here with
// node's own HMAC so a change to the shared module shows up as a failing test.
function gatewayHeaders(key: Buffer, payload: Record<string, unknown>, signed: { sub: string; iat: number; rid: string; body: string }): Record<string, string> {
  const encoded = Buffer.from(JSON.stringify(payload)).toString('base64url');
  const contextDigest = createHash('sm3').update(encoded).digest('hex');
  const mac = createHmac('sm3', key).update(`huimin-subgraph-context/v4\n${signed.sub}\n${signed.iat}\n${signed.rid}\n${contextDigest}\n${signed.body}`).digest('hex');
  return { 'x-huimin-context': encoded, 'x-huimin-request-id': signed.rid, 'x-huimin-context-signature': `${signed.iat}.${mac}` };
}

const SDL = gql`
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@requiresScopes", "@authenticated"])
  type Query {
    programs: [String!]! @authenticated
    secret: String @requiresScopes(scopes: [["audit:read"], ["analytics:read", "subsidy:read"]])
    whoAmI: String
    requestId: String
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
          requestId: (_: unknown, __: unknown, context: object) => callerOfContext(context)?.requestId ?? null,
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

  function signedFor(
    query: string,
    scopes: string[],
    overrides: Record<string, unknown> = {},
    variables?: unknown,
    signed: Partial<{ sub: string; iat: number; rid: string; key: Buffer }> = {},
  ): Record<string, string> {
    return gatewayHeaders(
      signed.key ?? key,
      { v: 4, partner: 'demo-app', purpose: 'BENEFIT_SERVICE', scopes, identity: 'masked', ...overrides },
      { sub: signed.sub ?? 'finance', iat: signed.iat ?? clock.now, rid: signed.rid ?? 'r1', body: bodyOf(query, variables) },
    );
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
      signedFor(query, [], {}, undefined, { key: randomBytes(32) }),
      signedFor(query, [], {}, undefined, { sub: 'transit' }),
      signedFor(query, [], { v: 3 }),
      { ...signedFor(query, []), 'x-huimin-request-id': 'r2' },
      Object.fromEntries(Object.entries(signedFor(query, [])).filter(([name]) => name !== 'x-huimin-request-id')),
      signedFor(query, [], {}, undefined, { iat: clock.now - 61_000 }),
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

  it('gives resolvers the request id each call was signed with, under one context header', async () => {
    const query = '{ whoAmI requestId }';
    for (const rid of ['r1', 'r2', 'r1']) {
      const headers = signedFor(query, [], {}, undefined, { rid });
      expect((await ask(query, headers)).body.data).toEqual({ whoAmI: 'demo-app', requestId: rid });
    }
  });

  it('answers a field\'s scope check again for each caller, however often one caller asks', async () => {
    const query = '{ secret }';
    for (let round = 0; round < 2; round += 1) {
      expect((await ask(query, signedFor(query, ['analytics:read']))).body.errors?.[0]?.extensions.code).toBe('FORBIDDEN');
      expect((await ask(query, signedFor(query, ['audit:read']))).body.data).toEqual({ secret: 'classified' });
      expect((await ask(query, signedFor(query, ['audit:read'], { partner: null }))).body.data).toEqual({ secret: 'classified' });
    }
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
