/**
 * Query limits. Tokens are counted by a guard, before Apollo parses anything (the point of the
 * limit); depth, aliases and cost once the operation is resolved, the cost against the partner's
 * own budget when they have one. Each refusal is QUERY_TOO_COMPLEX with `extensions.limit`. In
 * production, validation errors stop suggesting field names (introspection is already off), so
 * the schema cannot be mapped by trial and error.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginDisableSuggestions } from '@apollo/server/plugin/disableSuggestions';
import { GraphQLError } from 'graphql';
import { ERROR_CODES } from '@huimin/schema';
import type { GatewayConfig } from '../config';
import { RequestRejected } from '../http/graphql-http';
import type { GatewayContext, HttpGuard } from '../pipeline';
import { countTokens, operationCost, shapeOfOperation } from './limits-analysis';
import { operationRequestOf } from './limits-request';
import { partnerOf } from './partner-context';

export type LimitName = 'depth' | 'aliases' | 'tokens' | 'cost';

const STATUS = ERROR_CODES.QUERY_TOO_COMPLEX.httpStatus;
/** Query texts whose token count is remembered (partners repeat the same few operations). */
const TOKEN_CACHE_SIZE = 1000;

const messageOf = (limit: LimitName, value: number, max: number): string => `The query exceeds the ${limit} limit (${value} > ${max})`;

export function queryTooComplex(limit: LimitName, value: number, max: number): GraphQLError {
  return new GraphQLError(messageOf(limit, value, max), { extensions: { code: 'QUERY_TOO_COMPLEX', limit, http: { status: STATUS } } });
}

/** The token limit, as a guard: Apollo's hooks cannot refuse a request before it is parsed. */
export function useTokenLimit(maxTokens: number): HttpGuard {
  const counted = new Map<string, number>();
  return {
    name: 'token-limit',
    check(context: GatewayContext) {
      const query = operationRequestOf(context)?.query;
      if (query === undefined) return;
      let tokens = counted.get(query);
      if (tokens === undefined) {
        tokens = countTokens(query, maxTokens);
        if (counted.size >= TOKEN_CACHE_SIZE) counted.delete(counted.keys().next().value!);
        counted.set(query, tokens);
      }
      if (tokens > maxTokens) {
        throw new RequestRejected(STATUS, 'QUERY_TOO_COMPLEX', messageOf('tokens', tokens, maxTokens), { extensions: { limit: 'tokens' } });
      }
    },
  };
}

export function useQueryLimits(limits: GatewayConfig['limits']): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, operation, schema, request, contextValue }) {
          if (!operation) return;
          const shape = shapeOfOperation(document, operation);
          if (shape.depth > limits.maxDepth) throw queryTooComplex('depth', shape.depth, limits.maxDepth);
          if (shape.aliases > limits.maxAliases) throw queryTooComplex('aliases', shape.aliases, limits.maxAliases);
          const budget = partnerOf(contextValue)?.costBudget ?? limits.maxCost;
          const cost = operationCost(schema, document, operation, request.variables);
          if (cost > budget) throw queryTooComplex('cost', cost, budget);
        },
      };
    },
  };
}

/** The plugins of this feature: limits always, no field suggestions in production. */
export function limitsPlugins(config: Pick<GatewayConfig, 'limits' | 'production'>): Array<ApolloServerPlugin<GatewayContext>> {
  const plugins: Array<ApolloServerPlugin<GatewayContext>> = [useQueryLimits(config.limits)];
  if (config.production) plugins.push(ApolloServerPluginDisableSuggestions() as ApolloServerPlugin<GatewayContext>);
  return plugins;
}
