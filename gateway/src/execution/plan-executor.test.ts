/**
 * Differential test: every operation here runs through @apollo/gateway's own executor and
 * through ours, on the same supergraph and the same (local) subgraphs; the answers — data,
 * error messages, paths and codes — must be identical. The subgraphs are built to hit the hard
 * parts: aliases, named and inline fragments on interfaces and unions, @skip/@include on
 * literals, variables and defaults, __typename under aliases, @requires, errors inside entity
 * fetches, nulls bubbling through non-null fields and list items, invalid leaf values, and
 * introspection (which ours hands back to Apollo's).
 */
import { ApolloGateway, LocalGraphQLDataSource, type GraphQLDataSource } from '@apollo/gateway';
import { composeServices } from '@apollo/composition';
import { ApolloServer } from '@apollo/server';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { GraphQLError, parse } from 'graphql';
import { withPlanExecutor } from './plan-executor';

const FEDERATION = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@shareable", "@external", "@requires"])`;

const PEOPLE = [
  { id: '1', name: 'Ann', nickname: 'A', level: 'HIGH' },
  { id: '2', name: 'Bo', nickname: null, level: 'LOW' },
  { id: '3', name: 'Cy', nickname: 'C', level: 'LOW' },
];
const PLACES = [{ id: 'p1', label: 'Harbour' }];

const PEOPLE_SDL = `${FEDERATION}
    enum Level { LOW HIGH }
    interface Node { id: ID! }
    type Person implements Node @key(fields: "id") { id: ID! name: String! nickname: String level: Level! friends: [Person!]! }
    type Place implements Node { id: ID! label: String! }
    union SearchResult = Person | Place
    type Query {
      people(ids: [ID!]!): [Person]!
      person(id: ID!): Person
      node(id: ID!): Node
      search: [SearchResult!]!
      failing: String
    }`;

const peopleSubgraph = buildSubgraphSchema({
  typeDefs: parse(PEOPLE_SDL),
  resolvers: {
    Query: {
      people: (_: unknown, { ids }: { ids: string[] }) => ids.map((id) => PEOPLE.find((person) => person.id === id) ?? null),
      person: (_: unknown, { id }: { id: string }) => PEOPLE.find((person) => person.id === id) ?? null,
      node: (_: unknown, { id }: { id: string }) => PEOPLE.find((person) => person.id === id) ?? PLACES.find((place) => place.id === id) ?? null,
      search: () => [...PEOPLE, ...PLACES],
      failing: () => {
        throw new Error('root field failed');
      },
    },
    Node: { __resolveType: (node: { label?: string }) => (node.label ? 'Place' : 'Person') },
    SearchResult: { __resolveType: (node: { label?: string }) => (node.label ? 'Place' : 'Person') },
    Person: {
      __resolveReference: (reference: { id: string }) => PEOPLE.find((person) => person.id === reference.id),
      friends: (person: { id: string }) => PEOPLE.filter((other) => other.id !== person.id),
    },
  },
} as never);

const ACCOUNTS_SDL = `${FEDERATION}
    enum Level { LOW HIGH }
    type Person @key(fields: "id") {
      id: ID!
      level: Level! @external
      balance: Int!
      status: String @requires(fields: "level")
      strict: Int!
      loose: Int
      tier: Level
    }`;

const accountsSubgraph = buildSubgraphSchema({
  typeDefs: parse(ACCOUNTS_SDL),
  resolvers: {
    Person: {
      __resolveReference: (reference: { id: string; level?: string }) => ({ ...reference }),
      balance: (person: { id: string }) => Number(person.id) * 100,
      status: (person: { id: string; level: string }) => `${person.id}:${person.level}`,
      strict: (person: { id: string }) => {
        if (person.id === '2') throw new Error('strict failed for 2');
        return 7;
      },
      loose: (person: { id: string }) => {
        if (person.id === '3') throw new Error('loose failed for 3');
        return 8;
      },
      // An enum value outside the schema: the gateway's value completion catches it.
      tier: (person: { id: string }) => (person.id === '1' ? 'MEDIUM' : 'LOW'),
    },
  },
} as never);

const subgraphSchemas = { people: peopleSubgraph, accounts: accountsSubgraph };
const subgraphSdl = { people: PEOPLE_SDL, accounts: ACCOUNTS_SDL };

function supergraphSdl(): string {
  const composed = composeServices(
    Object.entries(subgraphSdl).map(([name, sdl]) => ({ name, url: `http://${name}.invalid/graphql`, typeDefs: parse(sdl) })),
  );
  if (composed.errors) throw new Error(composed.errors.map((error) => error.message).join('\n'));
  return composed.supergraphSdl;
}

/** A subgraph that cannot be reached at all: every fetch to it fails as a whole, as the gateway's data source reports it. */
function unreachable(name: string): GraphQLDataSource {
  return {
    process: () => Promise.reject(new GraphQLError(`${name} is unavailable`, { extensions: { code: 'UPSTREAM_UNAVAILABLE', source: name.toUpperCase() } })),
  };
}

async function startServer(ours: boolean, sdl: string, down: readonly string[] = []): Promise<ApolloServer> {
  const dataSources = new Map<string, GraphQLDataSource>();
  const gateway = new ApolloGateway({
    supergraphSdl: sdl,
    buildService: ({ name }) => {
      const dataSource = down.includes(name) ? unreachable(name) : new LocalGraphQLDataSource(subgraphSchemas[name as keyof typeof subgraphSchemas]);
      dataSources.set(name, dataSource);
      return dataSource;
    },
  });
  const server = new ApolloServer({ gateway: ours ? withPlanExecutor(gateway, sdl, dataSources) : gateway, includeStacktraceInErrorResponses: false });
  await server.start();
  return server;
}

const CASES: Array<{ name: string; query: string; variables?: Record<string, unknown> }> = [
  {
    name: 'aliases, named fragments, typename aliases',
    query: `query Q($ids: [ID!]!) { people(ids: $ids) { ...P kind: __typename who: name } }
            fragment P on Person { id __typename name nickname balance b2: balance }`,
    variables: { ids: ['1', '9', '3'] },
  },
  {
    name: '@skip / @include on literals, variables and defaults',
    query: `query Q($yes: Boolean!, $no: Boolean = false) {
              person(id: "1") { name @include(if: $yes) nickname @skip(if: $yes) level @include(if: $no) balance @skip(if: false)
                ... on Person @include(if: $no) { status } } }`,
    variables: { yes: true },
  },
  { name: '@requires across subgraphs', query: `{ people(ids: ["1", "2", "3"]) { id status friends { id status balance } } }` },
  { name: 'an entity error in a list of non-null items', query: `{ person(id: "1") { friends { id strict } } }` },
  { name: 'an entity error on a nullable list item', query: `{ people(ids: ["1", "2", "3"]) { id strict loose } }` },
  { name: 'invalid enum value from a subgraph', query: `{ people(ids: ["1", "2"]) { id tier } }` },
  {
    name: 'interfaces and unions with inline fragments',
    query: `{ node(id: "p1") { id __typename ... on Place { label } ... on Person { name balance } }
              other: node(id: "2") { ... on Node { id } ... on Person { name balance } }
              search { __typename ... on Person { id balance } ... on Place { label } ... on Node { id } } }`,
  },
  { name: 'a root field error beside data', query: `{ failing person(id: "2") { name } }` },
  { name: 'root __typename', query: `{ __typename t: __typename person(id: "3") { id } }` },
  { name: 'introspection (left to Apollo)', query: `{ __schema { queryType { name } } __type(name: "Person") { fields { name } } }` },
  { name: 'variables of the wrong type', query: `query Q($ids: [ID!]!) { people(ids: $ids) { id } }`, variables: { ids: [{ not: 'an id' }] } },
  { name: 'missing required variable', query: `query Q($ids: [ID!]!) { people(ids: $ids) { id } }` },
  { name: 'unknown citizen is null', query: `{ person(id: "nope") { id balance } }` },
];

async function answer(server: ApolloServer, query: string, variables?: Record<string, unknown>): Promise<unknown> {
  const response = await server.executeOperation({ query, variables });
  if (response.body.kind !== 'single') throw new Error('expected a single result');
  const { data, errors, extensions } = response.body.singleResult;
  return JSON.parse(
    JSON.stringify({
      data,
      errors: errors?.map((error) => ({ message: error.message, path: error.path, code: error.extensions?.code, serviceName: error.extensions?.serviceName })),
      valueCompletion: (extensions?.valueCompletion as Array<{ message: string; path?: unknown }> | undefined)?.map((error) => ({ message: error.message, path: error.path })),
    }),
  ) as unknown;
}

describe('plan executor against @apollo/gateway', () => {
  let apollo: ApolloServer;
  let ours: ApolloServer;

  beforeAll(async () => {
    const sdl = supergraphSdl();
    [apollo, ours] = await Promise.all([startServer(false, sdl), startServer(true, sdl)]);
  });
  afterAll(async () => {
    await Promise.all([apollo?.stop(), ours?.stop()]);
  });

  it.each(CASES)('$name', async ({ query, variables }) => {
    const expected = await answer(apollo, query, variables);
    const actual = await answer(ours, query, variables);
    expect(actual).toEqual(expected);
  });

  it('answers real data, not only the same errors', async () => {
    const result = (await answer(ours, `{ people(ids: ["1", "3"]) { id status balance } }`)) as { data: unknown };
    expect(result.data).toEqual({ people: [{ id: '1', status: '1:HIGH', balance: 100 }, { id: '3', status: '3:LOW', balance: 300 }] });
  });
});

describe('a subgraph that cannot be reached', () => {
  type Answer = { data: unknown; errors?: Array<{ message: string; path?: Array<string | number>; code?: string }> };

  async function both(down: string, query: string, variables?: Record<string, unknown>): Promise<{ theirs: Answer; mine: Answer }> {
    const sdl = supergraphSdl();
    const apollo = await startServer(false, sdl, [down]);
    try {
      const ours = await startServer(true, sdl, [down]);
      try {
        const [theirs, mine] = await Promise.all([answer(apollo, query, variables), answer(ours, query, variables)]);
        return { theirs: theirs as Answer, mine: mine as Answer };
      } finally {
        await ours.stop();
      }
    } finally {
      await apollo.stop();
    }
  }

  it('entity fetch: the same data as @apollo/gateway, and the error at each field it left empty', async () => {
    const { theirs, mine } = await both('accounts', `{ people(ids: ["1", "9", "3"]) { id loose tier } }`);
    expect(mine.data).toEqual(theirs.data);
    expect(mine.data).toEqual({ people: [{ id: '1', loose: null, tier: null }, null, { id: '3', loose: null, tier: null }] });
    // Theirs: one error, no path. Ours: one per empty field, the same message and code.
    expect(theirs.errors).toEqual([{ message: 'accounts is unavailable', code: 'UPSTREAM_UNAVAILABLE' }]);
    expect(mine.errors).toEqual(
      [['people', 0, 'loose'], ['people', 0, 'tier'], ['people', 2, 'loose'], ['people', 2, 'tier']].map((path) => ({ message: 'accounts is unavailable', path, code: 'UPSTREAM_UNAVAILABLE' })),
    );
  });

  it('root fetch: the error at each root field it was to answer', async () => {
    const { theirs, mine } = await both('people', `{ person(id: "1") { name } other: node(id: "2") { id } }`);
    expect(mine.data).toEqual(theirs.data);
    expect(theirs.errors).toEqual([{ message: 'people is unavailable', code: 'UPSTREAM_UNAVAILABLE' }]);
    expect(mine.errors).toEqual(['person', 'other'].map((name) => ({ message: 'people is unavailable', path: [name], code: 'UPSTREAM_UNAVAILABLE' })));
  });

  it('not at a field the operation switched off', async () => {
    const { theirs, mine } = await both('accounts', `query Q($x: Boolean!) { people(ids: ["1"]) { id loose tier @include(if: $x) } }`, { x: false });
    expect(mine.data).toEqual(theirs.data);
    expect(mine.errors).toEqual([{ message: 'accounts is unavailable', path: ['people', 0, 'loose'], code: 'UPSTREAM_UNAVAILABLE' }]);
  });
});
