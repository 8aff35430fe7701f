/**
 * A subgraph trusting the gateway by its client certificate: real HTTPS on an ephemeral port,
 * certificates from a throwaway CA (@huimin/certs), and node's own https client for each caller.
 */
import { request } from 'node:https';
import { buildSubgraphSchema } from '@apollo/subgraph';
import gql from 'graphql-tag';
import { GATEWAY_CLIENT_NAME, createDevMaterial, gatewayClientIdentity, serverIdentity, type DevMaterial, type TlsIdentity } from '@huimin/certs';
import { callerOfContext } from './gateway-context';
import { startSubgraphServer, type RunningSubgraph } from './subgraph-server';

const SDL = gql`
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@requiresScopes"])
  type Query {
    whoAmI: String
    requestId: String
    secret: String @requiresScopes(scopes: [["audit:read"]])
  }
`;

interface Answer {
  status: number;
  body: { data?: Record<string, unknown>; errors?: Array<{ extensions: { code: string } }> };
}

/** One call on a fresh connection (agent: false), so each case has its own handshake. */
function call(url: string, options: { method?: 'GET' | 'POST'; ca: string; client?: TlsIdentity; headers?: Record<string, string>; body?: string }): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const outgoing = request(url, {
      method: options.method ?? 'POST',
      agent: false,
      ca: options.ca,
      ...(options.client ? { cert: options.client.certPem, key: options.client.keyPem } : {}),
      headers: { 'content-type': 'application/json', ...options.headers },
    }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: JSON.parse(text) as Answer['body'] }));
    });
    outgoing.on('error', reject);
    outgoing.end(options.body);
  });
}

const context = (payload: Record<string, unknown>, requestId = 'r1'): Record<string, string> => ({
  'x-huimin-context': Buffer.from(JSON.stringify({ v: 4, partner: 'demo-app', purpose: 'BENEFIT_SERVICE', scopes: [], identity: 'masked', ...payload })).toString('base64url'),
  'x-huimin-request-id': requestId,
});

describe('subgraphs trusting the gateway by its client certificate', () => {
  let material: DevMaterial;
  let stranger: DevMaterial;
  let subgraph: RunningSubgraph;

  beforeAll(async () => {
    [material, stranger] = await Promise.all([
      createDevMaterial({ servers: ['subgraph-finance'], partners: ['demo-app'] }),
      createDevMaterial({ servers: [], partners: [] }),
    ]);
    const schema = buildSubgraphSchema({
      typeDefs: SDL,
      resolvers: {
        Query: {
          whoAmI: (_: unknown, __: unknown, ctx: object) => callerOfContext(ctx)?.partner ?? 'nobody',
          requestId: (_: unknown, __: unknown, ctx: object) => callerOfContext(ctx)?.requestId ?? null,
          secret: () => 'classified',
        },
      },
    });
    const identity = serverIdentity(material, 'subgraph-finance');
    subgraph = await startSubgraphServer({
      name: 'finance',
      schema,
      context: () => ({}),
      gatewayTrust: { mutualTls: { certPem: identity.certPem, keyPem: identity.keyPem, caPem: material.caCertPem, gatewayName: GATEWAY_CLIENT_NAME } },
    });
  }, 60_000);
  afterAll(() => subgraph.close());

  const ask = (query: string, client: TlsIdentity | undefined, headers: Record<string, string>): Promise<Answer> =>
    call(subgraph.url, { ca: material.caCertPem, client, headers, body: JSON.stringify({ query }) });

  it('serves HTTPS, and the gateway\'s certificate with a context, handing resolvers the caller', async () => {
    expect(subgraph.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/graphql$/);
    const answer = await ask('{ whoAmI requestId }', gatewayClientIdentity(material), context({}, 'req-7'));
    expect(answer).toEqual({ status: 200, body: { data: { whoAmI: 'demo-app', requestId: 'req-7' } } });
  });

  it('refuses no certificate, a partner\'s certificate from the same CA, and the gateway\'s name from another CA', async () => {
    const partner = material.partners['demo-app'];
    for (const client of [undefined, partner, gatewayClientIdentity(stranger)]) {
      const answer = await ask('{ whoAmI }', client, context({}));
      expect(answer.status).toBe(401);
      expect(answer.body.errors?.[0]?.extensions.code).toBe('UNAUTHENTICATED');
    }
  });

  it('refuses the gateway\'s connection when the context or request id is missing or malformed', async () => {
    const gateway = gatewayClientIdentity(material);
    const { 'x-huimin-context': encoded } = context({});
    const refused: Array<Record<string, string>> = [
      {},
      { 'x-huimin-context': encoded as string },
      { 'x-huimin-request-id': 'r1' },
      context({ v: 3 }),
      context({}, 'with space'),
      { 'x-huimin-context': 'not-base64-json', 'x-huimin-request-id': 'r1' },
    ];
    for (const headers of refused) expect((await ask('{ whoAmI }', gateway, headers)).status).toBe(401);
  });

  it('checks the scopes of the fields it owns', async () => {
    const gateway = gatewayClientIdentity(material);
    const forbidden = await ask('{ secret }', gateway, context({ scopes: ['subsidy:read'] }));
    expect(forbidden.body.data).toEqual({ secret: null });
    expect(forbidden.body.errors?.[0]?.extensions.code).toBe('FORBIDDEN');
    expect((await ask('{ secret }', gateway, context({ scopes: ['audit:read'] }))).body.data).toEqual({ secret: 'classified' });
  });

  it('answers health probes without a certificate', async () => {
    const health = await call(subgraph.url.replace('/graphql', '/health'), { method: 'GET', ca: material.caCertPem });
    expect(health).toEqual({ status: 200, body: { status: 'ok' } });
  });
});
