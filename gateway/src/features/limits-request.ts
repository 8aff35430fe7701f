/**
 * The GraphQL request as the guards see it, before Apollo: the query text and the persisted
 * hash, from the JSON body (POST) or the URL (GET). Parsed at most once per request, and only
 * when a guard asks. Anything unusual (batches, bad JSON) is left to Apollo, which refuses it.
 */
import type { GatewayContext } from '../pipeline';

export interface OperationRequest {
  query: string | undefined;
  /** extensions.persistedQuery.sha256Hash */
  persistedHash: string | undefined;
}

const OPERATION_REQUEST = 'operationRequest';

function persistedHashOf(extensions: unknown): string | undefined {
  if (typeof extensions !== 'object' || extensions === null) return undefined;
  const persisted = (extensions as { persistedQuery?: unknown }).persistedQuery;
  if (typeof persisted !== 'object' || persisted === null) return undefined;
  const hash = (persisted as { sha256Hash?: unknown }).sha256Hash;
  return typeof hash === 'string' ? hash : undefined;
}

function parse(context: GatewayContext): OperationRequest | null {
  const { req, rawBody } = context.http;
  if (req.method === 'GET') {
    const params = new URL(req.url ?? '/', 'http://gateway').searchParams;
    let extensions: unknown;
    try {
      extensions = JSON.parse(params.get('extensions') ?? 'null');
    } catch {
      return null;
    }
    return { query: params.get('query') ?? undefined, persistedHash: persistedHashOf(extensions) };
  }
  if (rawBody.length === 0) return null;
  let body: unknown;
  try {
    body = JSON.parse(rawBody.toString('utf8'));
  } catch {
    return null;
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return null;
  const { query, extensions } = body as { query?: unknown; extensions?: unknown };
  return { query: typeof query === 'string' ? query : undefined, persistedHash: persistedHashOf(extensions) };
}

export function operationRequestOf(context: GatewayContext): OperationRequest | null {
  if (!(OPERATION_REQUEST in context)) context[OPERATION_REQUEST] = parse(context);
  return context[OPERATION_REQUEST] as OperationRequest | null;
}
