/**
 * Persisted operations: partners register the operations they run (HUIMIN_PERSISTED_OPERATIONS_FILE,
 * `{ "<partner id>": ["query …", …], "*": [...] }`, `*` for every partner) and send only their
 * SHA-256 (Apollo's `extensions.persistedQuery.sha256Hash`, so standard clients work). With
 * HUIMIN_PERSISTED_ONLY the registry is a safelist: anything else is PERSISTED_QUERY_NOT_FOUND.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { ApolloServerPlugin } from '@apollo/server';
import { parse } from 'graphql';
import { ERROR_CODES } from '@huimin/schema';
import { ConfigError } from '../config';
import { RequestRejected } from '../http/graphql-http';
import type { GatewayContext, HttpGuard } from '../pipeline';
import { operationRequestOf } from './limits-request';
import { partnerOf } from './partner-context';

/** The hash a client sends: hex SHA-256 of the exact operation text (as Apollo's APQ). */
export function operationHash(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export interface PersistedOperations {
  /** The registered text for this hash that the partner may run, if any. */
  lookup(partnerId: string | undefined, hash: string): string | undefined;
}

const EVERY_PARTNER = '*';

/** Builds the registry, refusing (with the partner and position named) any entry that does not parse. */
export function persistedOperationsOf(registrations: unknown, origin = 'persisted operations'): PersistedOperations {
  if (typeof registrations !== 'object' || registrations === null || Array.isArray(registrations)) {
    throw new ConfigError(`${origin} must be an object of partner id → list of operations`);
  }
  const byPartner = new Map<string, Map<string, string>>();
  for (const [partnerId, operations] of Object.entries(registrations)) {
    if (!Array.isArray(operations)) throw new ConfigError(`${origin}: "${partnerId}" must list operations`);
    const hashes = new Map<string, string>();
    operations.forEach((text: unknown, i) => {
      if (typeof text !== 'string') throw new ConfigError(`${origin}: "${partnerId}"[${i}] is not a string`);
      try {
        parse(text);
      } catch {
        throw new ConfigError(`${origin}: "${partnerId}"[${i}] is not a valid GraphQL operation`);
      }
      hashes.set(operationHash(text), text);
    });
    byPartner.set(partnerId, hashes);
  }
  return {
    lookup: (partnerId, hash) => (partnerId === undefined ? undefined : byPartner.get(partnerId)?.get(hash)) ?? byPartner.get(EVERY_PARTNER)?.get(hash),
  };
}

export function loadPersistedOperations(file: string): PersistedOperations {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ConfigError(`HUIMIN_PERSISTED_OPERATIONS_FILE ${file} cannot be read as JSON (${(error as Error).name})`);
  }
  return persistedOperationsOf(parsed, `HUIMIN_PERSISTED_OPERATIONS_FILE ${file}`);
}

function notFound(): RequestRejected {
  return new RequestRejected(ERROR_CODES.PERSISTED_QUERY_NOT_FOUND.httpStatus, 'PERSISTED_QUERY_NOT_FOUND', 'The persisted operation is not registered for this partner');
}

export interface PersistedOperationsOptions {
  registry: PersistedOperations;
  /** Accept only registered operations (by hash, or as text whose hash is registered). */
  only: boolean;
}

const RESOLVED_QUERY = 'persistedQueryText';

/**
 * A guard decides (before Apollo, which cannot refuse a request from its early hooks without a
 * 500) and a plugin hands Apollo the registered text. Apollo's own APQ cache then only sees the
 * hashes the registry left to it, and none under the safelist.
 */
export function usePersistedOperations(options: PersistedOperationsOptions): { guard: HttpGuard; plugin: ApolloServerPlugin<GatewayContext> } {
  const { registry, only } = options;
  const guard: HttpGuard = {
    name: 'persisted-operations',
    check(context: GatewayContext) {
      const operation = operationRequestOf(context);
      if (!operation) return;
      const partnerId = partnerOf(context)?.id;
      if (operation.persistedHash !== undefined) {
        const registered = registry.lookup(partnerId, operation.persistedHash);
        if (registered !== undefined) {
          if (operation.query !== undefined && operation.query !== registered) throw notFound();
          context[RESOLVED_QUERY] = registered;
          return;
        }
        if (only) throw notFound();
        return;
      }
      if (only && operation.query !== undefined && registry.lookup(partnerId, operationHash(operation.query)) === undefined) throw notFound();
    },
  };
  const plugin: ApolloServerPlugin<GatewayContext> = {
    async requestDidStart({ request, contextValue }) {
      const registered = contextValue[RESOLVED_QUERY];
      if (typeof registered !== 'string') return;
      request.query = registered;
      if (request.extensions) delete request.extensions.persistedQuery;
    },
  };
  return { guard, plugin };
}
