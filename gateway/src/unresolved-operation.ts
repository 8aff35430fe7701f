/**
 * A request whose document holds several operations and names none of them, or names one it does
 * not hold, is the request's fault. Apollo Server alone answers it 400; under @apollo/gateway the
 * executor throws instead and the partner would get 500 INTERNAL. This refuses it first, as
 * BAD_REQUEST (found by the fuzz suite, stack/src/fuzz.fault.test.ts).
 */
import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError } from 'graphql';
import type { GatewayContext } from './pipeline';

export function refuseUnresolvedOperation(): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, request }) {
          if (operation) return;
          const message = request.operationName ? 'The document has no operation of that name' : 'The document holds several operations: name one with operationName';
          throw new GraphQLError(message, { extensions: { code: 'BAD_REQUEST', http: { status: 400 } } });
        },
      };
    },
  };
}
