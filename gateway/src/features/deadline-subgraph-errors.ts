/**
 * What a partner sees when the gateway could not get an answer from a subgraph at all — it is
 * down, refused the connection, or did not answer before the request's deadline: the bureau
 * behind it named, as UPSTREAM_UNAVAILABLE or UPSTREAM_TIMEOUT, like any bureau failure, rather
 * than an INTERNAL error. The other subgraphs' data is served as usual.
 */
import { GraphQLError } from 'graphql';

// The subgraphs are one per bureau (README "Architecture"); others have no bureau to name.
const BUREAU_OF_SUBGRAPH: Record<string, string> = {
  'civil-affairs': 'CIVIL_AFFAIRS',
  'medical-insurance': 'MEDICAL_INSURANCE',
  finance: 'FINANCE',
  transit: 'TRANSIT',
};

// By name, not class: undici's abort reasons are DOMExceptions, which need not share our realm's Error.
const nameOf = (value: unknown): unknown => (typeof value === 'object' && value !== null ? (value as { name?: unknown }).name : undefined);

function isTimeout(error: unknown): boolean {
  const cause = typeof error === 'object' && error !== null ? (error as { cause?: unknown }).cause : undefined;
  return [nameOf(error), nameOf(cause)].some((name) => name === 'TimeoutError' || name === 'AbortError');
}

function httpStatusOf(error: GraphQLError): number | undefined {
  const status = (error.extensions['response'] as { status?: unknown } | undefined)?.status;
  return typeof status === 'number' ? status : undefined;
}

/**
 * The error @apollo/gateway records for a failed subgraph fetch. A subgraph's 5xx answer counts
 * as unavailable; its other HTTP answers (already GraphQLErrors) pass through unchanged.
 */
export function subgraphFetchFailure(subgraph: string, error: unknown): unknown {
  if (error instanceof GraphQLError && (httpStatusOf(error) ?? 0) < 500) return error;
  const source = BUREAU_OF_SUBGRAPH[subgraph];
  const code = isTimeout(error) ? 'UPSTREAM_TIMEOUT' : 'UPSTREAM_UNAVAILABLE';
  const what = code === 'UPSTREAM_TIMEOUT' ? 'did not answer in time' : 'is unavailable';
  return new GraphQLError(`${source ?? subgraph} ${what}`, { extensions: { code, ...(source ? { source } : {}) } });
}
