/**
 * How subgraph errors look on the wire: bureau failures become UPSTREAM_* with the bureau named,
 * registry codes pass through, anything else is INTERNAL with nothing of the original attached.
 */
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { UpstreamError } from '@huimin/adapters';
import { isErrorCode, type ErrorCode } from '@huimin/schema';

function isUpstreamError(error: unknown): error is UpstreamError {
  return error instanceof UpstreamError || (error instanceof Error && error.name === 'UpstreamError' && 'partnerCode' in error);
}

/** Any thrown value as a GraphQLError a resolver can throw. */
export function toGraphQLError(error: unknown): GraphQLError {
  if (error instanceof GraphQLError) return error;
  if (isUpstreamError(error)) {
    const what = error.partnerCode === 'UPSTREAM_TIMEOUT' ? 'did not answer in time' : 'is unavailable';
    return new GraphQLError(`${error.source} ${what}`, {
      extensions: { code: error.partnerCode, source: error.source },
      originalError: error,
    });
  }
  return new GraphQLError('Internal error', {
    extensions: { code: 'INTERNAL' },
    originalError: error instanceof Error ? error : undefined,
  });
}

/** Apollo's own codes that mean "the request is wrong", folded into the registry. */
const APOLLO_CODES: Record<string, ErrorCode> = {
  OPERATION_RESOLUTION_FAILURE: 'BAD_USER_INPUT',
  PERSISTED_QUERY_NOT_SUPPORTED: 'PERSISTED_QUERY_NOT_FOUND',
};

export interface ErrorLog {
  error(message: string): void;
}

/**
 * ApolloServer `formatError`: keeps registry codes (and `source`), replaces the rest with INTERNAL.
 * The log line carries the error class, code, path and stack frames but not the message, which may
 * quote personal data.
 */
export function createFormatError(log: ErrorLog = console): (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError {
  return (formatted, error) => {
    const raw = formatted.extensions?.['code'];
    const code = isErrorCode(raw) ? raw : typeof raw === 'string' ? APOLLO_CODES[raw] : undefined;
    if (code !== undefined && code !== 'INTERNAL') {
      const source = formatted.extensions?.['source'];
      return {
        message: formatted.message,
        ...(formatted.locations ? { locations: formatted.locations } : {}),
        ...(formatted.path ? { path: formatted.path } : {}),
        extensions: { code, ...(typeof source === 'string' ? { source } : {}) },
      };
    }
    const original = error instanceof GraphQLError && error.originalError ? error.originalError : error;
    const name = original instanceof Error ? original.name : typeof original;
    const frames = original instanceof Error ? (original.stack ?? '').split('\n').slice(1, 6).join('\n') : '';
    log.error(`subgraph internal error ${name} code=${String(raw)} path=${(formatted.path ?? []).join('.')}\n${frames}`);
    return {
      message: 'Internal error',
      ...(formatted.path ? { path: formatted.path } : {}),
      extensions: { code: 'INTERNAL' },
    };
  };
}
