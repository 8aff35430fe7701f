import { ApolloServer } from '@apollo/server';
import { serveOverHttp, type HttpServing } from './http-server';

describe('serveOverHttp', () => {
  let serving: HttpServing;
  beforeAll(async () => {
    const server = new ApolloServer<{ who: string }>({
      typeDefs: 'type Query { hello: String }',
      resolvers: { Query: { hello: (_: unknown, __: unknown, context: { who: string }) => `hello ${context.who}` } },
    });
    serving = await serveOverHttp({ server, context: () => ({ who: 'gateway' }), port: 0 });
  });
  afterAll(() => serving.close());

  it('listens on a free port and answers health checks', async () => {
    expect(serving.port).toBeGreaterThan(0);
    expect(serving.url).toBe(`http://127.0.0.1:${serving.port}/graphql`);
    const health = await fetch(serving.url.replace('/graphql', '/health'));
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
  });

  it('executes POST operations with the per-request context', async () => {
    const response = await fetch(serving.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ hello }' }) });
    expect(await response.json()).toEqual({ data: { hello: 'hello gateway' } });
  });

  it('executes GET operations', async () => {
    const response = await fetch(`${serving.url}?query=${encodeURIComponent('{ hello }')}`, { headers: { 'apollo-require-preflight': '1' } });
    expect(await response.json()).toEqual({ data: { hello: 'hello gateway' } });
  });

  it('refuses unreadable bodies and unknown paths', async () => {
    const bad = await fetch(serving.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{nope' });
    expect(bad.status).toBe(400);
    expect((await fetch(serving.url.replace('/graphql', '/other'))).status).toBe(404);
  });
});
