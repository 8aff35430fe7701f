/**
 * useScopes: the partner sees only fields their scopes cover, enforced before anything is fetched.
 *
 * didResolveOperation swaps the validated document for one with the forbidden fields cut out
 * (scopes-rewrite), so the query planner never asks a subgraph for them; willSendResponse answers
 * each cut field with null (propagated like any field error, scopes-patch) and a FORBIDDEN error
 * whose extensions.path names it. An operation left with nothing permitted is refused with 403.
 *
 * @apollo/gateway keys its query-plan cache by requestContext.queryHash, so the swapped document
 * gets its own hash (original hash + the cut coordinates): two partners asking the same text with
 * different scopes never share a plan.
 */
import { createHash } from 'node:crypto';
import type { ApolloServerPlugin, GraphQLRequestListener } from '@apollo/server';
import { GraphQLError, getOperationAST, type DocumentNode, type GraphQLFormattedError, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import type { GatewayContext } from '../pipeline';
import { partnerOf } from './partner-context';
import { patchData } from './scopes-patch';
import { scopePolicyFromSdl, type ScopePolicy } from './scopes-policy';
import { restrictOperation, type Restriction } from './scopes-rewrite';

/** Distinct (operation, scope set) pairs remembered; the walk is then paid once per pair. */
const CACHE_SIZE = 2_000;

interface Loaded {
  schema: GraphQLSchema;
  policy: ScopePolicy;
  cache: Map<string, Restriction>;
}

const scopeKeys = new WeakMap<ReadonlySet<string>, string>();

function scopeKey(scopes: ReadonlySet<string> | null): string {
  if (scopes === null) return '-';
  let key = scopeKeys.get(scopes);
  if (key === undefined) {
    key = [...scopes].sort().join(' ');
    scopeKeys.set(scopes, key);
  }
  return key;
}

function refusalOf(restriction: Restriction): GraphQLError {
  const first = restriction.refusals[0]!;
  const coordinates = [...new Set(restriction.refusals.map((refusal) => refusal.message.replace(/^Not permitted: /, '')))];
  return new GraphQLError(`Nothing in this operation is permitted for this partner: ${coordinates.join('; ')}`, {
    extensions: { code: 'FORBIDDEN', path: first.path, http: { status: 403 } },
  });
}

function errorsOf(restriction: Restriction): GraphQLFormattedError[] {
  return restriction.refusals.map((refusal) => ({
    message: refusal.message,
    ...(refusal.exact ? { path: refusal.path } : {}),
    extensions: { code: 'FORBIDDEN', path: refusal.path },
  }));
}

export function useScopes(): ApolloServerPlugin<GatewayContext> {
  let loaded: Loaded | null = null;

  function restrictionFor(
    requestContext: { queryHash: string; operationName: string | null; request: { variables?: Record<string, unknown> } },
    document: DocumentNode,
    operation: OperationDefinitionNode,
    scopes: ReadonlySet<string> | null,
  ): Restriction | null {
    if (!loaded) return null;
    const key = `${requestContext.queryHash}\u0000${requestContext.operationName ?? ''}\u0000${scopeKey(scopes)}`;
    const cached = loaded.cache.get(key);
    if (cached) return cached;
    const restriction = restrictOperation({
      schema: loaded.schema, policy: loaded.policy, scopes, document, operation, variables: requestContext.request.variables ?? {},
    });
    // What @skip/@include decided depends on this request's variables: not reusable.
    if (!restriction.variableDependent) {
      if (loaded.cache.size >= CACHE_SIZE) loaded.cache.delete(loaded.cache.keys().next().value!);
      loaded.cache.set(key, restriction);
    }
    return restriction;
  }

  return {
    async serverWillStart() {
      return {
        schemaDidLoadOrUpdate({ apiSchema, coreSupergraphSdl }) {
          if (!coreSupergraphSdl) throw new Error('the scopes feature needs the gateway (a supergraph) to read @requiresScopes');
          loaded = { schema: apiSchema, policy: scopePolicyFromSdl(coreSupergraphSdl), cache: new Map() };
        },
      };
    },
    async requestDidStart(): Promise<GraphQLRequestListener<GatewayContext>> {
      let restriction: Restriction | null = null;
      return {
        async didResolveOperation(requestContext) {
          const { operation } = requestContext;
          if (!operation) return;
          const partner = partnerOf(requestContext.contextValue);
          restriction = restrictionFor(requestContext, requestContext.document, operation, partner?.scopes ?? null);
          if (!restriction) throw new GraphQLError('The gateway has no schema loaded', { extensions: { code: 'INTERNAL' } });
          if (restriction.refusals.length > 0 && restriction.permittedLeaves === 0) throw refusalOf(restriction);
          if (!restriction.document) return;
          const writable = requestContext as { document: DocumentNode; queryHash: string; operation: OperationDefinitionNode };
          writable.document = restriction.document;
          writable.queryHash = createHash('sha256').update(requestContext.queryHash).update('\u0000').update(restriction.coordinates.join(',')).digest('hex');
          writable.operation = getOperationAST(restriction.document, requestContext.operationName) ?? operation;
        },
        async willSendResponse(requestContext) {
          const body = requestContext.response.body;
          if (!restriction || restriction.refusals.length === 0 || body.kind !== 'single') return;
          const result = body.singleResult;
          if (result.data === undefined) return;
          result.data = patchData(result.data, restriction.patch);
          result.errors = [...(result.errors ?? []), ...errorsOf(restriction)];
        },
      };
    },
  };
}
