/**
 * Every error leaving the gateway carries a code from the registry and nothing else of the
 * failure: no stack, no path on disk, no upstream body.
 */
import type { GraphQLFormattedError } from 'graphql';
import { isErrorCode } from '@huimin/schema';

// Apollo Server's own codes for requests it rejects before execution, mapped to ours.
const APOLLO_CODES: Record<string, string> = {
  GRAPHQL_PARSE_FAILED: 'GRAPHQL_PARSE_FAILED',
  GRAPHQL_VALIDATION_FAILED: 'GRAPHQL_VALIDATION_FAILED',
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  BAD_REQUEST: 'BAD_REQUEST',
  PERSISTED_QUERY_NOT_FOUND: 'PERSISTED_QUERY_NOT_FOUND',
  OPERATION_RESOLUTION_FAILURE: 'BAD_REQUEST',
};

const SAFE_EXTENSION_KEYS = ['source', 'path', 'limit'] as const;

export function formatPartnerError(formatted: GraphQLFormattedError): GraphQLFormattedError {
  const rawCode = formatted.extensions?.code;
  const code = typeof rawCode === 'string' ? (APOLLO_CODES[rawCode] ?? rawCode) : undefined;
  if (!isErrorCode(code) || code === 'INTERNAL') {
    return { message: 'Internal error', path: formatted.path, extensions: { code: 'INTERNAL' } };
  }
  const extensions: Record<string, unknown> = { code };
  for (const key of SAFE_EXTENSION_KEYS) {
    const value = formatted.extensions?.[key];
    if (value !== undefined) extensions[key] = value;
  }
  return {
    message: formatted.message,
    ...(formatted.locations ? { locations: formatted.locations } : {}),
    ...(formatted.path ? { path: formatted.path } : {}),
    extensions,
  };
}
