import type { IncomingMessage } from 'node:http';
import { createHash } from '@apollo/utils.createhash';
import { RequestRejected } from '../http/graphql-http';
import type { GatewayContext } from '../pipeline';
import { setPartner, type AuthenticatedPartner } from './partner-context';
import { operationHash, persistedOperationsOf, usePersistedOperations } from './persisted-operations';

const LOOKUP = 'query Lookup($id: ID) { citizen(id: $id) { id } }';
const SHARED = '{ subsidyPrograms { code } }';
const registry = persistedOperationsOf({ 'demo-app': [LOOKUP], '*': [SHARED] });

function contextOf(body: unknown, partnerId?: string): GatewayContext {
  const context: GatewayContext = {
    requestId: 'r',
    receivedAt: 0,
    http: { req: { method: 'POST', url: '/graphql', headers: {} } as IncomingMessage, rawBody: Buffer.from(JSON.stringify(body)) },
  };
  if (partnerId) setPartner(context, { id: partnerId } as AuthenticatedPartner);
  return context;
}

const hashed = (query: string) => ({ extensions: { persistedQuery: { version: 1, sha256Hash: operationHash(query) } } });

function outcome(only: boolean, body: unknown, partnerId?: string): string {
  const { guard } = usePersistedOperations({ registry, only });
  try {
    guard.check(contextOf(body, partnerId));
    return 'accepted';
  } catch (error) {
    return error instanceof RequestRejected ? `${error.status} ${error.code}` : 'threw';
  }
}

describe('persisted operations', () => {
  it('hashes as Apollo APQ does (hex SHA-256 of the exact text)', () => {
    // Apollo Server's requestPipeline hashes with @apollo/utils.createhash, sha256, hex.
    expect(operationHash(LOOKUP)).toBe(createHash('sha256').update(LOOKUP).digest('hex'));
    expect(operationHash(LOOKUP)).toMatch(/^[0-9a-f]{64}$/);
  });

  it("looks up a partner's own operations and the shared ones, never another partner's", () => {
    expect(registry.lookup('demo-app', operationHash(LOOKUP))).toBe(LOOKUP);
    expect(registry.lookup('counter-full', operationHash(LOOKUP))).toBeUndefined();
    expect(registry.lookup('counter-full', operationHash(SHARED))).toBe(SHARED);
    expect(registry.lookup(undefined, operationHash(SHARED))).toBe(SHARED);
  });

  it('under the safelist accepts registered hashes and texts only', () => {
    expect(outcome(true, hashed(LOOKUP), 'demo-app')).toBe('accepted');
    expect(outcome(true, { query: LOOKUP }, 'demo-app')).toBe('accepted');
    expect(outcome(true, { query: LOOKUP, ...hashed(LOOKUP) }, 'demo-app')).toBe('accepted');
    expect(outcome(true, hashed(LOOKUP), 'counter-full')).toBe('400 PERSISTED_QUERY_NOT_FOUND');
    expect(outcome(true, { query: '{ subsidyPrograms { name } }' }, 'demo-app')).toBe('400 PERSISTED_QUERY_NOT_FOUND');
    // A registered hash with another text: refused, whatever the mode.
    expect(outcome(true, { query: SHARED, ...hashed(LOOKUP) }, 'demo-app')).toBe('400 PERSISTED_QUERY_NOT_FOUND');
    expect(outcome(false, { query: SHARED, ...hashed(LOOKUP) }, 'demo-app')).toBe('400 PERSISTED_QUERY_NOT_FOUND');
    // Outside the safelist, texts and unknown hashes are Apollo's business.
    expect(outcome(false, { query: '{ subsidyPrograms { name } }' }, 'demo-app')).toBe('accepted');
    expect(outcome(false, hashed('{ other }'), 'demo-app')).toBe('accepted');
  });

  it('hands Apollo the registered text and removes the hash', async () => {
    const { guard, plugin } = usePersistedOperations({ registry, only: true });
    const body = { ...hashed(LOOKUP), variables: { id: 'x' } };
    const context = contextOf(body, 'demo-app');
    await guard.check(context);
    const request: { query?: string; extensions?: Record<string, unknown> } = { extensions: { ...body.extensions } };
    await (plugin.requestDidStart as (rc: unknown) => Promise<void>)({ request, contextValue: context });
    expect(request).toEqual({ query: LOOKUP, extensions: {} });
  });

  it('refuses a registration that is not a list of valid operations, naming it', () => {
    expect(() => persistedOperationsOf({ 'demo-app': ['{ ok }', '{ broken'] })).toThrow('"demo-app"[1] is not a valid GraphQL operation');
    expect(() => persistedOperationsOf({ 'demo-app': '{ ok }' })).toThrow('"demo-app" must list operations');
    expect(() => persistedOperationsOf([])).toThrow('must be an object');
  });
});
